// cardscan review: one card at a time. Every value shown comes from the server and is set with
// textContent or .value, never as HTML. An edit is never lost: leaving a card saves it first (or says
// why it cannot and asks), and closing the tab with unsaved edits makes the browser ask.
"use strict";

const token = new URLSearchParams(location.search).get("token") || "";
let summary = null;
let index = 0;
let current = null;
let snapshot = "";
let busy = Promise.resolve();

const $ = (selector) => document.querySelector(selector);

const TEXT = {
  en: {
    title: "cardscan review", previous: "← Previous", next: "Next →", nextDoubt: "Next doubt ↓", save: "Save",
    reviewed: "Reviewed ✓", notACard: "Not a card",
    previousKey: "Alt+← or Page Up", nextKey: "Alt+→ or Page Down", nextDoubtKey: "Alt+↓: next orange field, then next doubtful card",
    saveKey: "Ctrl+S: save and mark reviewed", reviewedKey: "Ctrl+Enter: mark reviewed and go to the next card",
    notACardKey: "Take it out of this event (kept in trash/)",
    keys: "Keys: Alt+→/← next/previous card, Alt+↓ next doubt, Ctrl+S save, Ctrl+Enter reviewed and next. Orange: check it (the reason is below the field).",
    person: "Person", given: "Given name", family: "Family name", additional: "Middle name", prefix: "Prefix", suffix: "Suffix",
    titles: "Titles", organisations: "Organisations", phones: "Phones", emails: "E-mails", websites: "Websites",
    social: "Social profiles", addresses: "Addresses", meetings: "Met at", notes: "Notes",
    addTitle: "+ title", addOrganisation: "+ organisation", addPhone: "+ phone", addEmail: "+ e-mail", addWebsite: "+ website",
    addSocial: "+ profile", addAddress: "+ address", addNote: "+ note", remove: "remove",
    value: "Value", jobTitle: "Title", organisation: "Organisation", department: "Department", number: "Number", kind: "Type",
    email: "E-mail", website: "Website", service: "Network", url: "Profile", street: "Street", postcode: "Postcode",
    city: "City", region: "Region", country: "Country", event: "Event", date: "Date", note: "Note",
    cell: "mobile", work: "work", fax: "fax", other: "other", national: "national", international: "international",
    progress: (n, total, checked) => `Card ${n} of ${total} — ${checked} of ${total} checked`,
    reviewedOn: (date) => `Reviewed on ${date}`, notReviewed: "Not reviewed yet",
    saved: "Saved.", autoSaved: "Your changes to the previous card were saved.", nothingLeft: "Nothing left to review.",
    allChecked: "All cards checked.", noDoubtLeft: "No doubtful card left to check.", gone: "This contact is gone.",
    needsAddress: "This page needs the address cardscan review printed.",
    notSaved: (n) => `Not saved: ${n} field(s) to correct.`,
    confirmPhones: (list) => `phonenumbers rejects ${list}. Save it as it is?`,
    saveAnyway: "Save anyway", correctIt: "Let me correct it",
    leaveUnsaved: "This card's changes cannot be saved as they are (see the red fields). Leave it and lose them?",
    leave: "Leave, lose the changes", stay: "Stay on this card",
    notACardAsk: (name) => `Take ${name} out of this event? The contact is kept in trash/.`, takeOut: "Take it out", cancel: "Cancel",
    conflict: "This contact changed on disk since the page read it: reload the page to see it.",
    image: "the card as it was photographed",
  },
  fr: {
    title: "cardscan : vérification", previous: "← Précédente", next: "Suivante →", nextDoubt: "Doute suivant ↓",
    save: "Enregistrer", reviewed: "Vérifiée ✓", notACard: "Pas une carte",
    previousKey: "Alt+← ou Page préc.", nextKey: "Alt+→ ou Page suiv.", nextDoubtKey: "Alt+↓ : champ orange suivant, puis carte douteuse suivante",
    saveKey: "Ctrl+S : enregistrer et marquer vérifiée", reviewedKey: "Ctrl+Entrée : marquer vérifiée et passer à la suivante",
    notACardKey: "La retirer de cet événement (gardée dans trash/)",
    keys: "Touches : Alt+→/← carte suivante/précédente, Alt+↓ doute suivant, Ctrl+S enregistrer, Ctrl+Entrée vérifiée et suivante. Orange : à vérifier (la raison est sous le champ).",
    person: "Personne", given: "Prénom", family: "Nom", additional: "Second prénom", prefix: "Civilité", suffix: "Suffixe",
    titles: "Fonctions", organisations: "Entreprises", phones: "Téléphones", emails: "E-mails", websites: "Sites web",
    social: "Réseaux sociaux", addresses: "Adresses", meetings: "Rencontré à", notes: "Notes",
    addTitle: "+ fonction", addOrganisation: "+ entreprise", addPhone: "+ téléphone", addEmail: "+ e-mail", addWebsite: "+ site",
    addSocial: "+ profil", addAddress: "+ adresse", addNote: "+ note", remove: "retirer",
    value: "Valeur", jobTitle: "Fonction", organisation: "Entreprise", department: "Service", number: "Numéro", kind: "Type",
    email: "E-mail", website: "Site web", service: "Réseau", url: "Profil", street: "Rue", postcode: "Code postal",
    city: "Ville", region: "Région", country: "Pays", event: "Événement", date: "Date", note: "Note",
    cell: "mobile", work: "travail", fax: "fax", other: "autre", national: "national", international: "international",
    progress: (n, total, checked) => `Carte ${n} sur ${total} — ${checked} sur ${total} vérifiées`,
    reviewedOn: (date) => `Vérifiée le ${date}`, notReviewed: "Pas encore vérifiée",
    saved: "Enregistré.", autoSaved: "Vos modifications de la carte précédente ont été enregistrées.",
    nothingLeft: "Plus rien à vérifier.", allChecked: "Toutes les cartes sont vérifiées.",
    noDoubtLeft: "Plus aucune carte douteuse à vérifier.", gone: "Ce contact n'existe plus.",
    needsAddress: "Cette page a besoin de l'adresse affichée par cardscan review.",
    notSaved: (n) => `Non enregistré : ${n} champ(s) à corriger.`,
    confirmPhones: (list) => `phonenumbers refuse ${list}. L'enregistrer tel quel ?`,
    saveAnyway: "Enregistrer quand même", correctIt: "Je corrige",
    leaveUnsaved: "Les modifications de cette carte ne peuvent pas être enregistrées telles quelles (champs en rouge). La quitter et les perdre ?",
    leave: "Quitter, perdre les modifications", stay: "Rester sur cette carte",
    notACardAsk: (name) => `Retirer ${name} de cet événement ? Le contact est gardé dans trash/.`, takeOut: "La retirer", cancel: "Annuler",
    conflict: "Ce contact a changé sur le disque depuis que la page l'a lu : rechargez la page.",
    image: "la carte telle qu'elle a été photographiée",
  },
};
let t = TEXT.fr;

// The lists of the form: each row is one value (one line of the vCard, named by its ref).
const LISTS = {
  titles: [["value", "jobTitle"]],
  organisations: [["name", "organisation"], ["department", "department"]],
  phones: [["number", "number", "tel"], ["kind", "kind", "kind"]],
  emails: [["value", "email", "email"]],
  websites: [["value", "website", "url"]],
  social: [["service", "service", "short"], ["url", "url", "url"]],
  addresses: [["street", "street"], ["postcode", "postcode", "short"], ["city", "city"], ["region", "region", "short"],
    ["country", "country", "short"]],
  meetings: [["event", "event"], ["date", "date", "date"]],
  notes: [["value", "note", "note"]],
};
const FIXED = new Set(["meetings"]);  // meetings are corrected here, added by a scan, removed by "Not a card"

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

function translate(lang) {
  t = TEXT[lang] || TEXT.fr;
  document.documentElement.lang = lang === "en" ? "en" : "fr";
  for (const element of document.querySelectorAll("[data-t]")) element.textContent = t[element.dataset.t];
  for (const element of document.querySelectorAll("[data-t-title]")) element.title = t[element.dataset.tTitle];
  $("#image").alt = t.image;
  document.title = t.title;
}

function status(text, good) {
  const element = $("#status");
  element.textContent = text;
  element.className = good === undefined ? "" : good ? "good" : "bad";
}

function progress() {
  const checked = summary.cards.filter((c) => c.reviewed).length;
  $("#progress").textContent = t.progress(index + 1, summary.total, checked);
}

// ---------------------------------------------------------------- asking without a modal dialog

let answer = null;
function ask(question, yes, no) {
  $("#ask-text").textContent = question;
  $("#ask-yes").textContent = yes;
  $("#ask-no").textContent = no;
  $("#ask").hidden = false;
  $("#ask-yes").focus();
  return new Promise((resolve) => { answer = resolve; });
}
function answered(value) {
  $("#ask").hidden = true;
  if (answer) { const resolve = answer; answer = null; resolve(value); }
}

// ---------------------------------------------------------------- the strip of thumbnails

function drawStrip() {
  const strip = $("#strip");
  strip.replaceChildren();
  summary.cards.forEach((card, position) => {
    const button = document.createElement("button");
    button.type = "button";
    button.title = card.name;
    button.setAttribute("aria-label", card.name);
    if (card.image) {
      const image = document.createElement("img");
      image.loading = "lazy";
      image.alt = "";
      image.src = `${card.image}?token=${encodeURIComponent(token)}`;
      button.append(image);
    } else {
      button.textContent = card.name;
    }
    button.addEventListener("click", () => go(position));
    strip.append(button);
  });
  updateStrip();
}

function updateStrip() {
  // the thumbnails are built once (their images load once); only their marks follow the cards
  [...$("#strip").children].forEach((button, position) => {
    const card = summary.cards[position];
    button.classList.toggle("reviewed", Boolean(card.reviewed));
    button.classList.toggle("doubtful", Boolean(card.doubts));
    button.classList.toggle("current", position === index);
    if (position === index) button.setAttribute("aria-current", "true");
    else button.removeAttribute("aria-current");
  });
  const chosen = $("#strip").children[index];
  if (chosen) chosen.scrollIntoView({ block: "nearest", inline: "nearest" });
}

// ---------------------------------------------------------------- the form

function growing(element) {
  // values are never cut: a field grows to show all of its text (CSS field-sizing, or this where it is missing)
  if (element.tagName !== "TEXTAREA" || CSS.supports("field-sizing", "content")) return;
  const fit = () => { element.style.height = "auto"; element.style.height = `${element.scrollHeight + 2}px`; };
  element.addEventListener("input", fit);
  requestAnimationFrame(fit);
}

function control(kind, key, value) {
  let element;
  if (kind === "kind") {
    element = document.createElement("select");
    for (const option of ["cell", "work", "fax", "other"]) {
      const item = document.createElement("option");
      item.value = option;
      item.textContent = t[option];
      element.append(item);
    }
    element.value = value || "work";
  } else if (kind === "date") {
    element = document.createElement("input");
    element.type = "date";
    element.value = value || "";
  } else {
    element = document.createElement("textarea");
    element.rows = kind === "note" ? 3 : 1;
    if (kind === "note") element.className = "note";
    if (kind === "tel") element.inputMode = "tel";
    if (kind === "email") element.inputMode = "email";
    if (kind === "url") element.inputMode = "url";
    element.spellcheck = kind === "note";
    element.value = value || "";
  }
  element.dataset.key = key;
  return element;
}

function listRow(kind, value, position) {
  const row = document.createElement("div");
  row.className = "row";
  row.dataset.list = kind;
  row.dataset.ref = value.ref === null || value.ref === undefined ? "" : String(value.ref);
  for (const [field, label, type] of LISTS[kind]) {
    const wrapper = document.createElement("label");
    if (type === "short") wrapper.className = "short";
    if (type === "date") wrapper.className = "date";
    if (type === "kind") wrapper.className = "kind";
    const caption = document.createElement("span");
    caption.textContent = t[label];
    const element = control(type, `${kind}[${position}].${field}`, value[field]);
    element.dataset.field = field;
    wrapper.append(caption, element);
    row.append(wrapper);
    growing(element);
  }
  if (!FIXED.has(kind)) {
    const remove = document.createElement("button");
    remove.type = "button";
    remove.className = "remove";
    remove.textContent = t.remove;
    remove.addEventListener("click", () => { row.remove(); renumber(kind); });
    row.append(remove);
  }
  if (kind === "phones" && (value.national || value.international)) {
    const formats = document.createElement("span");
    formats.className = "formats";
    formats.textContent = `${t.national} ${value.national} · ${t.international} ${value.international}`;
    row.append(formats);
  }
  const reasons = document.createElement("ul");
  reasons.className = "reasons";
  row.append(reasons);
  const error = document.createElement("span");
  error.className = "error";
  row.append(error);
  return row;
}

function renumber(kind) {
  // the rows are numbered as the server will number them: errors come back by position
  [...document.querySelectorAll(`#${kind} > .row`)].forEach((row, position) => {
    for (const element of row.querySelectorAll("[data-key]")) {
      element.dataset.key = `${kind}[${position}].${element.dataset.field}`;
    }
    row.dataset.position = position;
  });
}

function fillList(kind, values) {
  const container = $(`#${kind}`);
  container.replaceChildren(...values.map((value, position) => listRow(kind, value, position)));
  renumber(kind);
}

function addRow(kind) {
  const blank = Object.fromEntries(LISTS[kind].map(([field]) => [field, field === "kind" ? "cell" : ""]));
  blank.ref = null;
  const container = $(`#${kind}`);
  const row = listRow(kind, blank, container.children.length);
  container.append(row);
  renumber(kind);
  row.querySelector("[data-key]").focus();
}

function reasonsList(list, reasons) {
  list.replaceChildren(...(reasons || []).map((reason) => {
    const item = document.createElement("li");
    item.textContent = reason;
    return item;
  }));
}

function markDoubts() {
  const doubts = current.doubts || {};
  const person = $("#person");
  person.classList.toggle("doubt", Boolean(doubts.name));
  reasonsList(document.querySelector("[data-reasons-for='name']"), doubts.name);
  for (const kind of Object.keys(LISTS)) {
    [...document.querySelectorAll(`#${kind} > .row`)].forEach((row, position) => {
      const reasons = row.dataset.ref === "" ? null : doubts[`${kind}[${position}]`];
      row.classList.toggle("doubt", Boolean(reasons));
      reasonsList(row.querySelector(".reasons"), reasons);
    });
  }
  reasonsList($("#card-doubts"), doubts.card);
}

function clearErrors() {
  for (const element of document.querySelectorAll(".error")) element.textContent = "";
  for (const element of document.querySelectorAll(".invalid")) element.classList.remove("invalid");
}

function showErrors(errors) {
  for (const [key, message] of Object.entries(errors)) {
    const match = key.match(/^(\w+)\[(\d+)\]$/);
    let slot = null;
    let holder = null;
    if (match) {
      holder = document.querySelectorAll(`#${match[1]} > .row`)[Number(match[2])];
      slot = holder && holder.querySelector(".error");
    } else {
      slot = document.querySelector(`[data-error-for="${key}"]`);
      holder = slot && slot.closest("fieldset");
    }
    if (holder) holder.classList.add("invalid");
    if (slot) slot.textContent = message;
    else status(message, false);
  }
}

function drawBoxes(activeKey) {
  const boxes = $("#boxes");
  boxes.replaceChildren();
  if (!current || !current.width) return;
  const image = $("#image");
  const scale = image.clientWidth / current.width;
  for (const [key, list] of Object.entries(current.boxes || {})) {
    const doubt = Boolean((current.doubts || {})[key]);
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

function render(data) {
  current = data;
  const f = data.fields;
  for (const key of ["given", "family", "additional", "prefix", "suffix"]) {
    document.querySelector(`[data-key="name.${key}"]`).value = f.name[key] || "";
  }
  for (const kind of Object.keys(LISTS)) fillList(kind, f[kind] || []);
  $("#card-name").textContent = data.name;
  $("#reviewed-mark").textContent = data.reviewed ? t.reviewedOn(data.reviewed) : t.notReviewed;
  const image = $("#image");
  if (data.image) {
    image.src = `${data.image}?token=${encodeURIComponent(token)}`;
    image.hidden = false;
  } else {
    image.removeAttribute("src");
    image.hidden = true;
  }
  image.onload = () => drawBoxes(null);
  clearErrors();
  markDoubts();
  snapshot = JSON.stringify(collect());
  summary.cards[index].doubts = Object.keys(data.doubts || {}).length;
  summary.cards[index].reviewed = data.reviewed;
  progress();
  updateStrip();
}

function collect() {
  const value = (key) => document.querySelector(`[data-key="${key}"]`).value;
  const form = {
    name: Object.fromEntries(["given", "family", "additional", "prefix", "suffix"].map((k) => [k, value(`name.${k}`)])),
  };
  for (const kind of Object.keys(LISTS)) {
    form[kind] = [...document.querySelectorAll(`#${kind} > .row`)].map((row) => {
      const item = { ref: row.dataset.ref === "" ? null : Number(row.dataset.ref) };
      for (const element of row.querySelectorAll("[data-field]")) item[element.dataset.field] = element.value;
      return item;
    });
  }
  return form;
}

function dirty() {
  return current !== null && JSON.stringify(collect()) !== snapshot;
}

// ---------------------------------------------------------------- saving and moving

// POST the form; on numbers phonenumbers rejects, ask before saving them. True when saved.
async function save({ reviewed = true } = {}) {
  clearErrors();
  const body = { ...collect(), version: current.version, reviewed };
  let { status: code, data } = await api(`/api/card/${current.uid}`, body);
  if (code === 422 && data && !Object.keys(data.errors || {}).length && Object.keys(data.confirm || {}).length) {
    current.doubts = { ...(current.doubts || {}) };
    for (const [key, reason] of Object.entries(data.confirm)) current.doubts[key] = [reason];
    markDoubts();
    const list = Object.values(data.confirm).join(" ; ");
    if (!(await ask(t.confirmPhones(list), t.saveAnyway, t.correctIt))) {
      const first = document.querySelector(".row.doubt [data-key]");
      if (first) first.focus();
      return false;
    }
    ({ status: code, data } = await api(`/api/card/${current.uid}`, { ...body, confirm: true }));
  }
  if (code === 200) {
    render(data.card);
    status(t.saved, true);
    return true;
  }
  if (code === 409) { status(t.conflict, false); return false; }
  const errors = (data && data.errors) || { card: data && data.error ? data.error : "not saved" };
  showErrors(errors);
  status(t.notSaved(Object.keys(errors).length), false);
  return false;
}

// Before leaving a card: its unsaved edits are saved, or the person says to drop them.
async function leaving() {
  if (!dirty()) return true;
  if (await save({ reviewed: false })) return true;
  if ($("#status").textContent === t.conflict) return false;
  return ask(t.leaveUnsaved, t.leave, t.stay);
}

function serial(task) {
  // one move at a time: a key held down must not interleave two saves
  busy = busy.then(task, task);
  return busy;
}

async function show(position) {
  index = Math.max(0, Math.min(position, summary.cards.length - 1));
  const { status: code, data } = await api(`/api/card/${summary.cards[index].uid}`);
  if (code !== 200) { status(t.gone, false); return false; }
  render(data);
  status("");
  return true;
}

function go(position) {
  return serial(async () => {
    if (!summary.cards.length || position < 0 || position >= summary.cards.length || position === index) return;
    const wasDirty = dirty();
    if (!(await leaving())) return;
    await show(position);
    if (wasDirty) status(t.autoSaved, true);
  });
}

function doubtfulFields() {
  // the first field of each orange row (or of the person), in the order of the page
  return [...document.querySelectorAll("#form .doubt")].map((holder) => holder.querySelector("[data-key]")).filter(Boolean);
}

function nextDoubt() {
  return serial(async () => {
    const focused = document.activeElement;
    const inside = focused && focused.closest ? focused.closest("#form .doubt") : null;
    const after = doubtfulFields().find((element) => {
      if (!focused || focused === document.body || !$("#form").contains(focused)) return true;
      return Boolean(focused.compareDocumentPosition(element) & Node.DOCUMENT_POSITION_FOLLOWING)
        && !(inside && inside.contains(element));
    });
    if (after) { after.focus(); return; }
    const order = [...summary.cards.keys()].map((k) => (index + 1 + k) % summary.cards.length);
    const target = order.find((k) => k !== index && summary.cards[k].doubts && !summary.cards[k].reviewed);
    if (target === undefined) { status(t.noDoubtLeft, true); return; }
    if (!(await leaving())) return;
    if (await show(target)) (doubtfulFields()[0] || document.querySelector("[data-key='name.given']")).focus();
  });
}

function markReviewedAndNext() {
  return serial(async () => {
    let ok;
    if (dirty()) {
      ok = await save({ reviewed: true });
    } else {
      let { status: code, data } = await api(`/api/card/${current.uid}/reviewed`, { version: current.version });
      if (code === 422 && data && Object.keys(data.confirm || {}).length && !Object.keys(data.errors || {}).length) {
        const list = Object.values(data.confirm).join(" ; ");
        if (await ask(t.confirmPhones(list), t.saveAnyway, t.correctIt)) {
          ({ status: code, data } = await api(`/api/card/${current.uid}/reviewed`, { version: current.version, confirm: true }));
        }
      }
      ok = code === 200;
      if (ok) render(data.card);
      else if (code === 409) status(t.conflict, false);
    }
    if (!ok) return;
    if (index < summary.cards.length - 1) await show(index + 1);
    else status(t.allChecked, true);
  });
}

function notACard() {
  return serial(async () => {
    if (!(await ask(t.notACardAsk(current.name), t.takeOut, t.cancel))) return;
    const { status: code } = await api(`/api/card/${current.uid}/not-a-card`, {});
    if (code !== 200) return;
    summary.cards.splice(index, 1);
    summary.total -= 1;
    current = null;
    index = Math.min(index, summary.cards.length - 1);
    drawStrip();
    if (!summary.cards.length) { status(t.nothingLeft, true); return; }
    await show(index);
  });
}

// ---------------------------------------------------------------- keys

document.addEventListener("keydown", (event) => {
  const key = event.key;
  if (!$("#ask").hidden && key === "Escape") { event.preventDefault(); answered(false); return; }
  if ((event.ctrlKey || event.metaKey) && key.toLowerCase() === "s") { event.preventDefault(); serial(() => save()); }
  else if ((event.ctrlKey || event.metaKey) && key === "Enter") { event.preventDefault(); markReviewedAndNext(); }
  else if ((event.altKey && key === "ArrowRight") || key === "PageDown") { event.preventDefault(); go(index + 1); }
  else if ((event.altKey && key === "ArrowLeft") || key === "PageUp") { event.preventDefault(); go(index - 1); }
  else if (event.altKey && key === "ArrowDown") { event.preventDefault(); nextDoubt(); }
  else if (key === "Enter" && event.target.tagName === "TEXTAREA" && !event.target.classList.contains("note")) {
    event.preventDefault();  // one-line values: Enter adds no line break
  }
});
document.addEventListener("focusin", (event) => {
  const key = event.target.dataset && event.target.dataset.key;
  if (!key || !current) return;
  const row = event.target.closest(".row");
  const doubtKey = key.startsWith("name.") ? "name" : row ? `${row.dataset.list}[${row.dataset.position}]` : key;
  drawBoxes(doubtKey);
});
window.addEventListener("resize", () => drawBoxes(null));
window.addEventListener("beforeunload", (event) => {
  if (dirty()) { event.preventDefault(); event.returnValue = ""; }
});

window.addEventListener("DOMContentLoaded", async () => {
  $("#previous").addEventListener("click", () => go(index - 1));
  $("#next").addEventListener("click", () => go(index + 1));
  $("#next-doubt").addEventListener("click", () => nextDoubt());
  $("#save").addEventListener("click", () => serial(() => save()));
  $("#reviewed").addEventListener("click", () => markReviewedAndNext());
  $("#not-a-card").addEventListener("click", () => notACard());
  $("#ask-yes").addEventListener("click", () => answered(true));
  $("#ask-no").addEventListener("click", () => answered(false));
  for (const button of document.querySelectorAll("[data-add]")) {
    button.addEventListener("click", () => addRow(button.dataset.add));
  }
  for (const element of document.querySelectorAll("#person textarea")) growing(element);
  $("#form").addEventListener("submit", (event) => { event.preventDefault(); serial(() => save()); });
  const { status: code, data } = await api("/api/cards");
  if (code !== 200) { status(TEXT.fr.needsAddress + " / " + TEXT.en.needsAddress, false); return; }
  summary = data;
  translate(data.lang);
  $("#event").textContent = data.event ? `— ${data.event}` : "";
  if (!summary.cards.length) { status(t.nothingLeft, true); return; }
  drawStrip();
  await show(0);
});
