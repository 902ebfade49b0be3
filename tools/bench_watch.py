"""Drop a burst of photos into a watched folder and measure what the watcher does with them.

    python tools/bench_watch.py [--photos N] [--shared ../shared]

Starts the real ``cardscan watch`` on a temporary inbox, copies N photos into it in a burst (each
written to a temporary name and renamed, as sync clients do), and prints: photos filed, duplicates
(photos read more than once), losses (photos neither filed nor failed), and the p50/p95 delay from a
photo's last write to its vCard on disk. Photos come from ../shared/cards/images when present, else
samples/; each copy gets a distinct trailing byte so no two are the same photo.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import os
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.read.load import is_image_name  # noqa: E402
from pipeline.watch import JOURNAL_NAME  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--photos", type=int, default=40)
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--stability", type=float, default=1.0)
    parser.add_argument("--idle", type=int, default=5, help="photos then dropped one at a time")
    args = parser.parse_args()
    source = args.shared / "cards" / "images"
    if not source.is_dir():
        source = ROOT / "samples"
    originals = sorted(p for p in source.iterdir() if is_image_name(p) and p.suffix.lower() == ".jpg")

    with tempfile.TemporaryDirectory() as tmp:
        inbox, contacts = Path(tmp) / "inbox", Path(tmp) / "contacts"
        inbox.mkdir()
        log = Path(tmp) / "watch.log"
        watcher = subprocess.Popen([sys.executable, "-m", "pipeline", "watch", str(inbox), "--contacts",
                                    str(contacts), "--stability", str(args.stability), "--log-file", str(log)],
                                   stderr=subprocess.DEVNULL)
        time.sleep(2)
        written: dict[str, float] = {}
        start = time.perf_counter()
        for index, original in zip(range(args.photos), itertools.cycle(originals), strict=False):
            name = f"burst{index:04d}.jpg"
            part = inbox / f".{name}.part"
            # JPEG decoders ignore bytes after the end marker: a distinct photo, the same picture
            part.write_bytes(original.read_bytes() + index.to_bytes(4, "big"))
            os.replace(part, inbox / name)
            written[name] = time.time()
        print(f"bench-watch: {args.photos} photos dropped in {time.perf_counter() - start:.1f} s from {source}")

        delays: dict[str, float] = {}
        deadline = time.time() + 60 + 5 * args.photos
        while time.time() < deadline and len(delays) < args.photos:
            done = _done(contacts)
            for name, finished in done.items():
                if name in written and name not in delays:
                    delays[name] = finished - written[name]
            failed = {p.name for p in (inbox / "failed").glob("burst*.jpg")} if (inbox / "failed").exists() else set()
            if len(delays) + len(failed) >= args.photos:
                break
            time.sleep(0.2)
        # idle: one photo at a time, each dropped once the watcher has nothing else to do
        idle: list[float] = []
        for index, original in zip(range(args.idle), itertools.cycle(originals), strict=False):
            name = f"idle{index:04d}.jpg"
            part = inbox / f".{name}.part"
            part.write_bytes(original.read_bytes() + (10_000 + index).to_bytes(4, "big"))
            os.replace(part, inbox / name)
            dropped = time.time()
            while time.time() < dropped + 60:
                finished = _done(contacts).get(name)
                if finished:
                    idle.append(finished - dropped)
                    break
                time.sleep(0.05)
        watcher.send_signal(signal.SIGTERM)
        watcher.wait(timeout=120)
        filings = [line.split(" -> ")[0].rsplit("/", 1)[-1] for line in log.read_text(encoding="utf-8").splitlines()
                   if " -> " in line]
        failed = {p.name for p in (inbox / "failed").glob("burst*.jpg")} if (inbox / "failed").exists() else set()
        lost = args.photos - len(delays) - len(failed)
        print(f"filed {len(delays)}, failed {len(failed)}, lost {lost}, duplicates {len(filings) - len(set(filings))}")
        if delays:
            values = sorted(delays.values())
            p95 = values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]
            print(f"burst: delay from last write to vCard on disk: p50 {statistics.median(values):.2f} s, "
                  f"p95 {p95:.2f} s (stability delay {args.stability:g} s)")
        if idle:
            print(f"idle: delay from last write to vCard on disk: p50 {statistics.median(idle):.2f} s, "
                  f"max {max(idle):.2f} s over {len(idle)} photos dropped one at a time")
    return 0


def _done(contacts: Path) -> dict[str, float]:
    """Photo name -> when its contact was filed, from the watcher's journal."""
    path = contacts / JOURNAL_NAME
    if not path.exists():
        return {}
    try:
        rows = sqlite3.connect(path).execute("SELECT source, updated FROM photos WHERE status = 'done'").fetchall()
    except sqlite3.Error:
        return {}
    return {Path(source).name: dt.datetime.fromisoformat(updated).timestamp() for source, updated in rows}


if __name__ == "__main__":
    sys.exit(main())
