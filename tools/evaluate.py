"""Field scores of cardscan on the text corpus, the bundled samples and, when present, ../shared/cards.

    python tools/evaluate.py [--shared ../shared] [--show-errors] [--engine NAME] [--phone-set DIR]
                             [--sets corpus,samples,phone,shared]

samples/ (and the phone-photo bench set, when it exists): each photo's JSON holds what a perfect
reading gives; the score is per field (name, org, title, e-mail, phone, phone type, URL, postcode, city).
../shared/cards: real photographs with human labels, scored by
../shared/eval/score.py (not part of this repository).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

import vobject

ROOT = Path(__file__).resolve().parent.parent
FIELDS = ["name", "org", "title", "email", "phone", "phone_type", "url", "postcode", "city"]


ENGINE = "auto"


def run_cardscan(photos: list[str], out: Path, merge: bool = True) -> list[dict]:
    command = [sys.executable, "-m", "pipeline", *photos, "--event", "eval", "--contacts", str(out), "--json", "-q",
               "--engine", ENGINE, *([] if merge else ["--no-merge"])]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    return [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]


def predicted(vcard_path: str | None) -> dict[str, list]:
    got: dict[str, list] = defaultdict(list)
    if not vcard_path:
        return got
    card = vobject.readOne(Path(vcard_path).read_text(encoding="utf-8"))
    company = "x-abshowas" in card.contents
    if not company:
        got["name"].append(card.fn.value)
    if "org" in card.contents:
        got["org"].append(card.org.value[0])
    got["title"] = [t.value for t in card.contents.get("title", [])]
    got["email"] = [e.value.lower() for e in card.contents.get("email", [])]
    for tel in card.contents.get("tel", []):
        types = {t.upper() for t in tel.params.get("TYPE", [])}
        kind = "cell" if "CELL" in types else "fax" if "FAX" in types else "work"
        got["phone"].append(tel.value.split(" ext.")[0])
        got["phone_type"].append(f"{tel.value.split(' ext.')[0]}:{kind}")
    urls = [u.value.lower() for u in card.contents.get("url", [])]
    got["url"] = [u.removeprefix("https://").removeprefix("http://") for u in urls]
    for adr in card.contents.get("adr", []):
        if adr.value.code:
            got["postcode"].append(adr.value.code)
        if adr.value.city:
            got["city"].append(adr.value.city.lower())
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


def score_samples(show_errors: bool, folder: Path = ROOT / "samples") -> None:
    photos = sorted(str(p) for p in folder.iterdir() if p.suffix in {".jpg", ".png", ".heic"})
    counts = {f: [0, 0, 0] for f in FIELDS}
    perfect = 0
    with tempfile.TemporaryDirectory() as tmp:
        # the phone-photo set draws its fictional people from small pools: two cards are two people there
        records = {Path(r["source"]).name: r
                   for r in run_cardscan(photos, Path(tmp) / "contacts", merge=folder.name == "samples")}
        for photo in photos:
            expected = json.loads(Path(photo).with_suffix(".json").read_text(encoding="utf-8"))
            got, want = predicted(records.get(Path(photo).name, {}).get("vcard")), truth(expected)
            ok = True
            for field in FIELDS:
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
    found = sum(bool(r.get("found_card")) for r in records.values())
    print(f"== {folder.name}/: {len(photos)} photos, perfect {perfect / len(photos):.1%}, card found on "
          f"{found / len(photos):.0%} ({ENGINE} engine)")
    for field, (tp, fp, fn) in counts.items():
        precision = tp / (tp + fp) if tp + fp else 1.0
        recall = tp / (tp + fn) if tp + fn else 1.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        print(f"   {field:<11} P {precision:.3f}  R {recall:.3f}  F1 {f1:.3f}  (n={tp + fn})")


def score_corpus(show_errors: bool) -> None:
    """Per-field exact-match rate on the text corpus of tests/corpus (no image, no OCR)."""
    sys.path.insert(0, str(ROOT))
    from pipeline.extract import extract_contact, guess_region, lines_from_text
    from pipeline.normalise import normalise_contact
    from pipeline.serialise import contact_summary

    cards = [json.loads(line) for path in sorted((ROOT / "tests" / "corpus").glob("*.jsonl"))
             for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    right: dict[str, int] = defaultdict(int)
    total: dict[str, int] = defaultdict(int)
    for card in cards:
        lines = lines_from_text(card["text"])
        region = guess_region(lines, card["region"])
        contact = normalise_contact(extract_contact(lines, region), region)
        got = contact_summary(contact)
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


def score_shared(shared: Path, show_errors: bool) -> None:
    cards, scorer = shared / "cards", shared / "eval" / "score.py"
    if not (cards / "labels.jsonl").exists() or not scorer.exists():
        print(f"(no {cards}/labels.jsonl: real-photo scores skipped)")
        return
    photos = sorted(str(p) for p in (cards / "images").iterdir())
    with tempfile.TemporaryDirectory() as tmp:
        records = run_cardscan(photos, Path(tmp) / "contacts")
        predictions = Path(tmp) / "pred.jsonl"
        predictions.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
        extra = ["--show-errors"] if show_errors else []
        print(f"== {cards} (score.py)")
        subprocess.run([sys.executable, str(scorer), str(cards / "labels.jsonl"), str(predictions), *extra],
                       check=False)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--show-errors", action="store_true")
    parser.add_argument("--engine", default="auto", help="cardscan's --engine (default: auto)")
    parser.add_argument("--phone-set", type=Path, default=ROOT / "bench-phone",
                        help="folder of phone photos with their JSON truth (tools/make_samples.py --phone-set)")
    parser.add_argument("--sets", default="corpus,samples,phone,shared", help="which sets to score")
    args = parser.parse_args()
    global ENGINE
    ENGINE = args.engine
    sets = set(args.sets.split(","))
    if "corpus" in sets:
        score_corpus(args.show_errors)
    if "samples" in sets:
        score_samples(args.show_errors)
    if "phone" in sets and args.phone_set.is_dir():
        score_samples(args.show_errors, args.phone_set)
    if "shared" in sets:
        score_shared(args.shared, args.show_errors)
    return 0


if __name__ == "__main__":
    sys.exit(main())
