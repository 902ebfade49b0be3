"""Field scores of cardscan: the text corpus, the generated corpus (both halves), samples/ and ../shared/cards.

    python tools/evaluate.py [--shared ../shared] [--no-photos] [--show-errors] [--engine NAME]
                             [--phone-set DIR] [--sets corpus,samples,phone,shared]

- tests/corpus/ (hand-written card texts and a frozen generated set): exact matches per field.
- The generated corpus (tools/make_corpus.py; made into build/corpus/ when missing or stale): per field
  precision, recall and F1 and the share of perfect cards, for the develop half and for the held-out half,
  with F1 per country; and the time extraction alone takes per card.
  Errors are listed for the develop half only: the held-out half is scored to report, never to look at
  (its per-country line gives numbers, no text). `--held-out-errors` exists for the lead's closing report
  of an issue; it is not for development: a rule written from a held-out error makes the held-out score lie.
- samples/ (and the phone-photo bench set, when it exists: tools/make_samples.py --phone-set): each photo's
  JSON holds what a perfect reading gives (OCR runs: use --no-photos to skip).
- ../shared/cards: real photographs with human labels, scored by ../shared/eval/score.py (not part of this
  repository).
Run it under `flock /tmp/cardscan-bench.lock` when photos are read: OCR on two cores is the bottleneck.
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import make_corpus  # noqa: E402  (tools/ is not a package)

SAMPLE_FIELDS = ["name", "org", "title", "email", "phone", "phone_type", "url", "postcode", "city"]
FIELDS = ["name", "title", "org", "phone", "phone_type", "email", "url", "street", "postcode", "city", "region",
          "country"]
SHORT = {"phone_type": "type", "postcode": "pcode", "country": "ctry"}


# ---------------------------------------------------------------- matching, as ../shared/eval/score.py does

def fold(text: str) -> str:
    """Case, accents and punctuation ignored."""
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"[^\w@.+/-]+", " ", text.casefold())
    return " ".join(text.split())


def name_key(text: str) -> str:
    return " ".join(sorted(fold(text).replace(".", " ").split()))


def fuzzy_equal(a: str, b: str, threshold: float = 0.85) -> bool:
    a, b = fold(a), fold(b)
    return bool(a) and bool(b) and difflib.SequenceMatcher(None, a, b).ratio() >= threshold


def url_key(text: str) -> str:
    text = re.sub(r"^\s*[a-zA-Z][a-zA-Z0-9+.-]*://", "", text or "")
    text = re.sub(r"^www\d?\.", "", fold(text).replace(" ", ""))
    return text.rstrip("/")


def street_key(text: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", fold(text)).split())


def region_key(text: str, country: str | None) -> str:
    """A state or province as its code in Google's address data ("Illinois" and "IL" -> "il")."""
    folded = fold(text).strip(". ")
    if country:
        for key, name in make_corpus.rules_for(country).country_area_choices:
            if folded in (fold(key).strip(". "), fold(name).strip(". ")):
                return fold(key).strip(". ")
    return folded


Equal = Callable[[Any, Any], bool]
EQUALS: dict[str, Equal] = {
    "name": lambda a, b: name_key(a) == name_key(b),
    "title": fuzzy_equal,
    "org": fuzzy_equal,
    "email": lambda a, b: a.strip().lower() == b.strip().lower(),
    "phone": lambda a, b: a == b,
    "url": lambda a, b: url_key(a) == url_key(b),
    "street": lambda a, b: fuzzy_equal(street_key(a), street_key(b)),
    "postcode": lambda a, b: re.sub(r"\s", "", a).upper() == re.sub(r"\s", "", b).upper(),
    "city": lambda a, b: fold(a) == fold(b),
    "country": lambda a, b: a.upper() == b.upper(),
}


def match(got: list[Any], want: list[Any], equal: Equal) -> tuple[int, int, int]:
    """(true positives, false positives, false negatives); a value given twice is one error, not two."""
    unmatched, tp = list(want), 0
    seen: list[Any] = []
    for value in got:
        if any(equal(value, s) for s in seen):
            continue
        seen.append(value)
        for w in unmatched:
            if equal(value, w):
                unmatched.remove(w)
                tp += 1
                break
    return tp, len(seen) - tp, len(unmatched)


def card_counts(got: dict[str, Any], want: dict[str, Any], country: str | None) -> dict[str, tuple[int, int, int]]:
    """Per field (tp, fp, fn) of one card's extraction summary against its expected fields."""
    single = lambda value: [value] if value else []  # noqa: E731
    counts: dict[str, tuple[int, int, int]] = {}
    for field in ("name", "title", "org", "street", "postcode", "city", "country"):
        got_values = single(got.get(field))
        if field == "org" and want["org"] is None:
            got_values = []  # no company printed: naming one from the logo or the domain is no error
        counts[field] = match(got_values, single(want.get(field)), EQUALS[field])
    counts["region"] = match([region_key(v, country) for v in single(got.get("region"))],
                             [region_key(v, country) for v in single(want.get("region"))], lambda a, b: a == b)
    counts["email"] = match(got["emails"], want["emails"], EQUALS["email"])
    counts["url"] = match(got["urls"], want["urls"], EQUALS["url"])
    counts["phone"] = match([n for n, _ in got["phones"]], [n for n, _ in want["phones"]], EQUALS["phone"])
    tp = fp = fn = 0
    for number, kind in want["phones"]:  # among the numbers read, is the kind right
        kinds = [k for n, k in got["phones"] if n == number]
        if kinds:
            tp, fp, fn = (tp + 1, fp, fn) if kind in kinds else (tp, fp + 1, fn + 1)
    counts["phone_type"] = (tp, fp, fn)
    return counts


def f1_of(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def macro_f1(totals: dict[str, list[int]]) -> float:
    """Mean F1 over the fields the cards have or extraction gave (phone type apart, as score.py does)."""
    f1s = [f1_of(*totals[f])[2] for f in FIELDS if f != "phone_type" and any(totals[f])]
    return sum(f1s) / len(f1s) if f1s else 1.0


# ---------------------------------------------------------------- text corpus and generated corpus

def extraction() -> Callable[[str, str], dict[str, Any]]:
    from pipeline.core.contact_json import contact_summary
    from pipeline.understand.extract import extract_contact, guess_region, lines_from_text
    from pipeline.understand.normalise import normalise_contact

    def read(text: str, user_region: str) -> dict[str, Any]:
        lines = lines_from_text(text)
        region = guess_region(lines, user_region)
        return contact_summary(normalise_contact(extract_contact(lines, region), region))

    return read


def score_text_corpus(show_errors: bool) -> None:
    """Exact matches per field on tests/corpus (no image, no OCR), as tests/test_corpus.py checks them."""
    read = extraction()
    cards = [json.loads(line) for path in sorted((ROOT / "tests" / "corpus").glob("*.jsonl"))
             for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    right: dict[str, int] = defaultdict(int)
    total: dict[str, int] = defaultdict(int)
    for card in cards:
        got = read(card["text"], card["region"])
        for field, want in card["expected"].items():
            if field == "org" and want is None:
                continue  # no printed company: any reading of the logo is fine
            total[field] += 1
            right[field] += got[field] == want
            if show_errors and got[field] != want:
                print(f"{card['id']}\t{field}\tgot={got[field]!r}\twant={want!r}", file=sys.stderr)
    print(f"== tests/corpus: {len(cards)} card texts, exact matches per field")
    for field in total:
        print(f"   {field:<11} {right[field] / total[field]:.3f}  (n={total[field]})")


def score_generated(half: str, per_locale: int, seed: int, show_errors: bool) -> tuple[list[float], float]:
    """Per-field scores of one half of the generated corpus; returns the extraction wall time of each card and
    the CPU seconds of all of them (s)."""
    cards = make_corpus.load_or_generate(half, per_locale, seed)
    read = extraction()
    totals = {f: [0, 0, 0] for f in FIELDS}
    by_country: dict[str, dict[str, list[int]]] = defaultdict(lambda: {f: [0, 0, 0] for f in FIELDS})
    cards_of: dict[str, int] = defaultdict(int)
    perfect = 0
    seconds: list[float] = []
    cpu_before = time.process_time()
    for card in cards:
        start = time.perf_counter()
        got = read(card["text"], card["region"])
        seconds.append(time.perf_counter() - start)
        want = card["expected"]
        counts = card_counts(got, want, card["country"])
        ok = True
        cards_of[card["country"]] += 1
        for field, (tp, fp, fn) in counts.items():
            for table in (totals, by_country[card["country"]]):
                table[field][0] += tp
                table[field][1] += fp
                table[field][2] += fn
            if fp or fn:
                ok = False
                if show_errors:
                    shown = _shown(field, got, want)
                    print(f"{card['id']}\t{field}\tgot={shown[0]!r}\twant={shown[1]!r}", file=sys.stderr)
        perfect += ok
    cpu = time.process_time() - cpu_before
    label = "develop half" if half == "develop" else "HELD-OUT half (scored to report: never develop on it)"
    print(f"== generated corpus, {label}: {len(cards)} cards, {len(make_corpus.HALVES[half])} locales, "
          f"{len(cards_of)} countries (seed {seed}, {per_locale} per locale); perfect {perfect / len(cards):.1%}, "
          f"macro F1 {macro_f1(totals):.3f}")
    for field in FIELDS:
        tp, fp, fn = totals[field]
        precision, recall, f1 = f1_of(tp, fp, fn)
        print(f"   {field:<11} P {precision:.3f}  R {recall:.3f}  F1 {f1:.3f}  (n={tp + fn})")
    if half == "develop":
        print("   F1 per country:")
        print("   " + " ".join(f"{SHORT.get(f, f)[:5]:>5}" for f in ["cards", *FIELDS]) + "  macro")
        for country in sorted(by_country):
            row = by_country[country]
            cells = [f"{f1_of(*row[f])[2]:5.2f}" if any(row[f]) else "    -" for f in FIELDS]
            print(f"   {country:<3}{cards_of[country]:>3} " + " ".join(cells) + f"  {macro_f1(row):.3f}")
    else:
        print("   macro F1 per country: " + ", ".join(f"{c} {macro_f1(by_country[c]):.2f}" for c in sorted(by_country)))
    return seconds, cpu


def _shown(field: str, got: dict[str, Any], want: dict[str, Any]) -> tuple[Any, Any]:
    key = {"email": "emails", "url": "urls", "phone": "phones", "phone_type": "phones"}.get(field, field)
    return got.get(key), want.get(key)


# ---------------------------------------------------------------- photos

ENGINE = "auto"  # cardscan's --engine, from --engine


def run_cardscan(photos: list[str], out: Path, merge: bool = True) -> tuple[list[dict], float]:
    """cardscan's --json records for the photos, and the CPU seconds it took per photo."""
    command = [sys.executable, "-m", "pipeline", *photos, "--event", "eval", "--contacts", str(out), "--json", "-q",
               "--engine", ENGINE, *([] if merge else ["--no-merge"])]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime) / max(len(photos), 1)
    return [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")], cpu


def predicted(vcard_path: str | None) -> dict[str, list]:
    from pipeline.core.vcard import VCard

    got: dict[str, list] = defaultdict(list)
    if not vcard_path:
        return got
    card = VCard(Path(vcard_path).read_text(encoding="utf-8"))
    if not card.is_company:
        got["name"].append(card.full_name)
    if card.has("ORG"):
        got["org"].append(card.organisation)
    got["title"] = [t.value for t in card.titles]
    got["email"] = [e.value.lower() for e in card.emails]
    for phone in card.phones:
        number = phone.number.split(" ext.")[0]
        got["phone"].append(number)
        got["phone_type"].append(f"{number}:{phone.kind}")
    got["url"] = [u.value.lower().removeprefix("https://").removeprefix("http://") for u in card.websites]
    for address in card.addresses:
        if address.postcode:
            got["postcode"].append(address.postcode)
        if address.city:
            got["city"].append(address.city.lower())
    return got


def truth(expected: dict) -> dict[str, list]:
    want: dict[str, list] = defaultdict(list)
    if expected["name"]:
        want["name"].append(expected["name"]["full"])
    if expected["org"]:
        want["org"].append(expected["org"])
    if expected["title"]:
        want["title"].append(expected["title"])
    want["email"] = [e.lower() for e in expected["emails"]]
    want["phone"] = [p["number"] for p in expected["phones"]]
    want["phone_type"] = [f"{p['number']}:{p['type']}" for p in expected["phones"]]
    want["url"] = [u.lower() for u in expected["urls"]]
    address = expected.get("address") or {}
    if address.get("postcode"):
        want["postcode"].append(address["postcode"])
    if address.get("city"):
        want["city"].append(address["city"].lower())
    return want


def score_samples(show_errors: bool, folder: Path = ROOT / "samples") -> float:
    """Fields read on a folder of photos (samples/, or the phone-photo set) against their JSON files; returns
    cardscan's CPU seconds per photo."""
    photos = sorted(str(p) for p in folder.iterdir() if p.suffix in {".jpg", ".png", ".heic"})
    counts = {f: [0, 0, 0] for f in SAMPLE_FIELDS}
    perfect = 0
    with tempfile.TemporaryDirectory() as tmp:
        # the phone-photo set draws its fictional people from small pools: two cards are two people there
        records, cpu = run_cardscan(photos, Path(tmp) / "contacts", merge=folder.name == "samples")
        by_name = {Path(r["source"]).name: r for r in records}
        for photo in photos:
            expected = json.loads(Path(photo).with_suffix(".json").read_text(encoding="utf-8"))
            got, want = predicted(by_name.get(Path(photo).name, {}).get("vcard")), truth(expected)
            ok = True
            for field in SAMPLE_FIELDS:
                g, w = list(got[field]), list(want[field])
                tp = sum(1 for value in g if value in w)
                counts[field][0] += tp
                counts[field][1] += len(g) - tp
                counts[field][2] += len(w) - tp
                if len(g) != tp or len(w) != tp:
                    ok = False
                    if show_errors:
                        print(f"{Path(photo).name}\t{field}\tgot={g}\twant={w}", file=sys.stderr)
            perfect += ok
    found = sum(bool(r.get("found_card")) for r in records)
    print(f"== {folder.name}/: {len(photos)} photos, perfect {perfect / len(photos):.1%}, card found on "
          f"{found / len(photos):.0%} ({ENGINE} engine)")
    for field, (tp, fp, fn) in counts.items():
        precision, recall, f1 = f1_of(tp, fp, fn)
        print(f"   {field:<11} P {precision:.3f}  R {recall:.3f}  F1 {f1:.3f}  (n={tp + fn})")
    return cpu


def score_shared(shared: Path, show_errors: bool) -> float | None:
    cards, scorer = shared / "cards", shared / "eval" / "score.py"
    if not (cards / "labels.jsonl").exists() or not scorer.exists():
        print(f"(no {cards}/labels.jsonl: real-photo scores skipped)")
        return None
    photos = sorted(str(p) for p in (cards / "images").iterdir())
    with tempfile.TemporaryDirectory() as tmp:
        records, cpu = run_cardscan(photos, Path(tmp) / "contacts")
        predictions = Path(tmp) / "pred.jsonl"
        predictions.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
        extra = ["--show-errors"] if show_errors else []
        print(f"== {cards} (score.py)", flush=True)
        subprocess.run([sys.executable, str(scorer), str(cards / "labels.jsonl"), str(predictions), *extra],
                       check=False)
    return cpu


def print_timing(seconds: list[float], cpu: float, photo_cpu: dict[str, float]) -> None:
    """Extraction alone per card against the whole pipeline per photo, which is mostly OCR. CPU time is the
    figure to compare: wall time moves with whatever else the machine runs."""
    mean_cpu = 0.0
    if seconds:
        ordered = sorted(seconds)
        median = statistics.median(ordered) * 1000
        p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))] * 1000
        mean_cpu = cpu / len(seconds) * 1000
        print(f"== time of extraction alone (lines, region, extract, normalise) on {len(seconds)} generated cards: "
              f"wall median {median:.1f} ms, p95 {p95:.1f} ms; CPU {mean_cpu:.1f} ms per card")
    for where, per_photo in photo_cpu.items():
        share = f", extraction is {mean_cpu / (per_photo * 1000):.1%} of it" if mean_cpu else ""
        print(f"   whole pipeline on {where}: CPU {per_photo * 1000:.0f} ms per photo{share}")
    if not photo_cpu:
        print("   (photos not read: run without --no-photos for the whole pipeline's CPU time per photo)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--show-errors", action="store_true",
                        help="list each wrong value: hand-written corpus, develop half, samples, shared cards")
    parser.add_argument("--held-out-errors", action="store_true",
                        help="also list the held-out half's errors: for an issue's closing report only, "
                             "NOT for development (a rule written from them makes the held-out score meaningless)")
    parser.add_argument("--no-photos", action="store_true", help="text only: skip samples/ and the shared photos")
    parser.add_argument("--half", choices=["develop", "held_out", "both", "none"], default="both",
                        help="which generated half to score (default both)")
    parser.add_argument("--per-locale", type=int, default=make_corpus.PER_LOCALE)
    parser.add_argument("--seed", type=int, default=make_corpus.SEED)
    parser.add_argument("--engine", default="auto", help="cardscan's --engine for the photos (default: auto)")
    parser.add_argument("--phone-set", type=Path, default=ROOT / "bench-phone",
                        help="folder of phone photos with their JSON truth (tools/make_samples.py --phone-set)")
    parser.add_argument("--sets", default="corpus,samples,phone,shared",
                        help="which sets to score (corpus: the text corpora; default all)")
    args = parser.parse_args()
    global ENGINE
    ENGINE = args.engine
    sets = set(args.sets.split(","))
    seconds: list[float] = []
    cpu = 0.0
    if "corpus" in sets:
        score_text_corpus(args.show_errors)
    for half in ("develop", "held_out"):
        if args.half in (half, "both") and "corpus" in sets:
            errors = args.show_errors if half == "develop" else args.held_out_errors
            half_seconds, half_cpu = score_generated(half, args.per_locale, args.seed, errors)
            seconds += half_seconds
            cpu += half_cpu
    photo_cpu: dict[str, float] = {}
    if not args.no_photos:
        if "samples" in sets:
            photo_cpu["samples/"] = score_samples(args.show_errors)
        if "phone" in sets and args.phone_set.is_dir():
            photo_cpu["the phone photos"] = score_samples(args.show_errors, args.phone_set)
        if "shared" in sets:
            shared = score_shared(args.shared, args.show_errors)
            if shared is not None:
                photo_cpu["the shared cards"] = shared
    print_timing(seconds, cpu, photo_cpu)
    return 0


if __name__ == "__main__":
    sys.exit(main())
