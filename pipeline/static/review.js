// cardscan review: one card at a time. Every value shown comes from the server and is set with
// textContent or .value, never as HTML.
"use strict";

const token = new URLSearchParams(location.search).get("token") || "";
let summary = null;
let index = 0;
let current = null;

const $ = (selector) => document.querySelector(selector);

async function api(path, body) {
  const options = { headers: { "X-Cardscan-Token": token } };
  if (body !== undefined) {
    options.method = "POST";
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  const response = await fetch(path, options);
  const data = await response.json().catch(() => ({}));
  return { status: response.status, data };
}

function status(text, good) {
  const element = $("#status");
  element.textContent = text;
  element.className = good === undefined ? "" : good ? "good" : "bad";
}

function progress() {
  const checked = summary.cards.filter((c) => c.reviewed).length;
  $("#progress").textContent = `Card ${index + 1} of ${summary.total} — ${checked} of ${summary.total} checked`;
}

function listRow(container, kind, value, position) {
  const row = document.createElement("div");
  row.className = "row";
  const input = document.createElement("input");
  input.dataset.key = `${kind}[${position}]`;
  input.value = kind === "phones" ? value.number : value;
  input.setAttribute("aria-label", `${kind.slice(0, -1)} ${position + 1}`);
  row.append(input);
  if (kind === "phones") {
    const select = document.createElement("select");
    select.dataset.kindOf = input.dataset.key;
    select.setAttribute("aria-label", `type of phone ${position + 1}`);
    for (const [option, label] of [["cell", "mobile"], ["work", "work"], ["fax", "fax"], ["other", "other"]]) {
      const element = document.createElement("option");
      element.value = option;
      element.textContent = label;
      select.append(element);
    }
    select.value = value.kind || "work";
    row.append(select);
  }
  const remove = document.createElement("button");
  remove.type = "button";
  remove.textContent = "remove";
  remove.addEventListener("click", () => { row.remove(); });
  row.append(remove);
  const error = document.createElement("span");
  error.className = "error";
  error.dataset.errorFor = input.dataset.key;
  row.append(error);
  container.append(row);
  return input;
}

function fillList(kind, values) {
  const container = $(`#${kind}`);
  container.replaceChildren();
  values.forEach((value, position) => listRow(container, kind, value, position));
}

function addRow(kind) {
  const container = $(`#${kind}`);
  const position = container.children.length;
  const input = listRow(container, kind, kind === "phones" ? { number: "", kind: "cell" } : "", position);
  input.focus();
}

function setValue(key, value) {
  const element = document.querySelector(`[data-key="${key}"]`);
  if (element) element.value = value || "";
}

function drawBoxes(activeKey) {
  const boxes = $("#boxes");
  boxes.replaceChildren();
  if (!current || !current.width) return;
  const image = $("#image");
  const scale = image.clientWidth / current.width;
  for (const [key, list] of Object.entries(current.boxes || {})) {
    const doubt = Boolean(current.doubtful[key]);
    if (!doubt && key !== activeKey) continue;
    for (const [left, top, width, height] of list) {
      const box = document.createElement("div");
      if (doubt) box.className = "doubt";
      box.style.left = `${left * scale - 3}px`;
      box.style.top = `${top * scale - 3}px`;
      box.style.width = `${width * scale + 6}px`;
      box.style.height = `${height * scale + 6}px`;
      boxes.append(box);
    }
  }
}

function markDoubts() {
  for (const element of document.querySelectorAll("[data-key]")) {
    const key = element.dataset.doubt || element.dataset.key.replace(/^address\..*/, "address");
    element.classList.toggle("doubt", Boolean(current.doubtful[key]));
  }
}

function clearErrors() {
  for (const element of document.querySelectorAll(".error")) element.textContent = "";
  for (const element of document.querySelectorAll(".invalid")) element.classList.remove("invalid");
}

async function show(position) {
  if (!summary.cards.length) {
    status("Nothing left to review.", true);
    return;
  }
  index = Math.max(0, Math.min(position, summary.cards.length - 1));
  const { status: code, data } = await api(`/api/card/${summary.cards[index].uid}`);
  if (code !== 200) { status("This contact is gone.", false); return; }
  current = data;
  const f = data.fields;
  for (const key of ["given", "family", "prefix", "suffix", "title", "organisation", "department", "note"]) setValue(key, f[key]);
  for (const key of ["street", "postcode", "city", "region", "country"]) setValue(`address.${key}`, f.address[key]);
  fillList("phones", f.phones);
  fillList("emails", f.emails);
  fillList("websites", f.websites);
  $("#card-name").textContent = data.name;
  $("#reviewed-mark").textContent = data.reviewed ? `Reviewed on ${data.reviewed}` : "Not reviewed yet";
  const image = $("#image");
  if (data.image) {
    image.src = `${data.image}?token=${encodeURIComponent(token)}`;
    image.hidden = false;
  } else {
    image.removeAttribute("src");
    image.hidden = true;
  }
  clearErrors();
  markDoubts();
  status("");
  progress();
  image.onload = () => drawBoxes(null);
}

function collect() {
  const value = (key) => (document.querySelector(`[data-key="${key}"]`) || { value: "" }).value;
  const list = (kind) => [...document.querySelectorAll(`#${kind} input`)];
  return {
    given: value("given"), family: value("family"), prefix: value("prefix"), suffix: value("suffix"),
    title: value("title"), organisation: value("organisation"), department: value("department"),
    note: value("note"),
    phones: list("phones").map((input) => ({
      number: input.value,
      kind: document.querySelector(`[data-kind-of="${input.dataset.key}"]`).value,
    })),
    emails: list("emails").map((input) => input.value),
    websites: list("websites").map((input) => input.value),
    address: Object.fromEntries(["street", "postcode", "city", "region", "country"].map((k) => [k, value(`address.${k}`)])),
  };
}

async function save() {
  clearErrors();
  // empty rows are dropped server-side: number them as the server will
  const { status: code, data } = await api(`/api/card/${current.uid}`, collect());
  if (code === 200) {
    summary.cards[index].reviewed = data.card.reviewed;
    current = data.card;
    $("#reviewed-mark").textContent = `Reviewed on ${data.card.reviewed}`;
    fillList("phones", data.card.fields.phones);
    fillList("emails", data.card.fields.emails);
    fillList("websites", data.card.fields.websites);
    markDoubts();
    progress();
    status("Saved.", true);
    return true;
  }
  const errors = (data && data.errors) || { card: "not saved" };
  for (const [key, message] of Object.entries(errors)) {
    const input = document.querySelector(`[data-key="${key}"]`);
    const slot = document.querySelector(`[data-error-for="${key}"]`);
    if (input) input.classList.add("invalid");
    if (slot) {
      slot.textContent = message;
    } else if (input) {
      const span = document.createElement("span");
      span.className = "error";
      span.dataset.errorFor = key;
      span.textContent = message;
      input.closest("label") ? input.closest("label").after(span) : input.after(span);
    }
  }
  status(`Not saved: ${Object.keys(errors).length} field(s) to correct.`, false);
  return false;
}

async function markReviewedAndNext() {
  const { status: code } = await api(`/api/card/${current.uid}/reviewed`, {});
  if (code === 200) {
    summary.cards[index].reviewed = new Date().toISOString().slice(0, 10);
    progress();
    if (index < summary.cards.length - 1) await show(index + 1);
    else status("All cards checked.", true);
  }
}

async function notACard() {
  if (!confirm(`Take ${current.name} out of this event? The contact is kept in trash/.`)) return;
  const { status: code } = await api(`/api/card/${current.uid}/not-a-card`, {});
  if (code === 200) {
    summary.cards.splice(index, 1);
    summary.total -= 1;
    await show(index);
  }
}

document.addEventListener("keydown", (event) => {
  if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "s") { event.preventDefault(); save(); }
  else if ((event.ctrlKey || event.metaKey) && event.key === "Enter") { event.preventDefault(); markReviewedAndNext(); }
  else if ((event.altKey && event.key === "ArrowRight") || event.key === "PageDown") { event.preventDefault(); show(index + 1); }
  else if ((event.altKey && event.key === "ArrowLeft") || event.key === "PageUp") { event.preventDefault(); show(index - 1); }
});
document.addEventListener("focusin", (event) => {
  const key = event.target.dataset && event.target.dataset.key;
  if (key) drawBoxes(event.target.dataset.doubt || key.replace(/^address\..*/, "address"));
});
window.addEventListener("resize", () => drawBoxes(null));

window.addEventListener("DOMContentLoaded", async () => {
  $("#previous").addEventListener("click", () => show(index - 1));
  $("#next").addEventListener("click", () => show(index + 1));
  $("#save").addEventListener("click", save);
  $("#reviewed").addEventListener("click", markReviewedAndNext);
  $("#not-a-card").addEventListener("click", notACard);
  $("#add-phone").addEventListener("click", () => addRow("phones"));
  $("#add-email").addEventListener("click", () => addRow("emails"));
  $("#add-website").addEventListener("click", () => addRow("websites"));
  $("#form").addEventListener("submit", (event) => { event.preventDefault(); save(); });
  const { status: code, data } = await api("/api/cards");
  if (code !== 200) { status("This page needs the address cardscan review printed.", false); return; }
  summary = data;
  $("#event").textContent = data.event ? `— ${data.event}` : "";
  await show(0);
});
