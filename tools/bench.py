"""Speed and memory of cardscan on a folder of photos, beside the plain whole-photo Tesseract call.

    python tools/bench.py [--shared ../shared] [--photos DIR] [--batch-size N] [--no-baseline]

Prints: batch photos per second (all cores, the real command, the folder's photos
taken again in turn up to --batch-size photos) and its peak memory (of its largest
process, and of all its processes together), for the default engine and for
Tesseract alone; median and p95 seconds per photo (one at a time, default engine),
the share of time spent inside the OCR engine, and the same photos read by
``pytesseract.image_to_string`` on the whole photo for comparison.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.batch import ScanOptions, _engine, read_photo, resolve_engine  # noqa: E402
from pipeline.core.errors import CardscanError  # noqa: E402
from pipeline.load import is_image_name  # noqa: E402


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _tree_rss_mb(root: int) -> float | None:
    """Resident memory of ``root`` and all its descendants now, in MB; None where /proc cannot tell."""
    children: dict[int, list[int]] = {}
    rss_pages: dict[int, int] = {}
    try:
        entries = os.listdir("/proc")
    except OSError:
        return None
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat, open(f"/proc/{entry}/statm") as statm:
                parent = int(stat.read().rpartition(")")[2].split()[1])
                rss_pages[int(entry)] = int(statm.read().split()[1])
        except (OSError, ValueError, IndexError):
            continue  # the process ended while it was looked at
        children.setdefault(parent, []).append(int(entry))
    if root not in rss_pages:
        return None
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += rss_pages.get(pid, 0)
        stack.extend(children.get(pid, []))
    return total * os.sysconf("SC_PAGE_SIZE") / 2**20


def timed_batch(batch: list[str], engine: str) -> tuple[float, float, float | None]:
    """(seconds, peak MB of the largest process, peak MB of all its processes together) of the real command
    reading ``batch`` with ``engine``; the total is sampled every 50 ms (None where /proc is missing)."""
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        process = subprocess.Popen([sys.executable, "-m", "pipeline", *batch, "--event", "bench", "--engine", engine,
                                    "--contacts", f"{tmp}/contacts", "-q"], stderr=subprocess.DEVNULL)
        peak_total: float | None = None
        while True:
            # WNOHANG: the command is still running, its processes are sampled once more
            pid, _, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            sample = _tree_rss_mb(process.pid)
            if sample is not None:
                peak_total = max(peak_total or 0.0, sample)
            time.sleep(0.05)
        process.returncode = 0  # reaped by wait4: Popen must not wait for it again
        seconds = time.perf_counter() - start
    # wait4 gives this command's own peak (the largest of its processes), apart from earlier runs
    return seconds, usage.ru_maxrss / 1024, peak_total


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--photos", type=Path, help="folder of photos (default: ../shared/cards/images, else samples/)")
    parser.add_argument("--batch-size", type=int, default=100,
                        help="photos in the timed batch: the folder's photos again in turn (default: 100)")
    parser.add_argument("--baseline", action=argparse.BooleanOptionalAction, default=True,
                        help="also time plain pytesseract.image_to_string on each whole photo")
    args = parser.parse_args()
    folder = args.photos or (args.shared / "cards" / "images")
    if not folder.is_dir():
        folder = ROOT / "samples"
    photos = sorted(str(p) for p in folder.iterdir() if is_image_name(p))
    print(f"bench: {len(photos)} photos from {folder}")

    batch = list(itertools.islice(itertools.cycle(photos), max(args.batch_size, 1)))
    engine_name = resolve_engine("auto")
    # the default engine, and Tesseract alone beside it when the default is another one
    for name in dict.fromkeys((engine_name, "tesseract")):
        seconds, peak_mb, total_mb = timed_batch(batch, name)
        total = f", of all its processes together {total_mb:.0f} MB" if total_mb is not None else ""
        print(f"batch of {len(batch)} photos (all cores, {name} engine): {len(batch) / seconds:.2f} photos/s "
              f"({seconds:.1f} s); peak memory of its largest process {peak_mb:.0f} MB{total}")

    engine = _engine(ScanOptions(event="bench").lang, engine_name)
    ocr_time = 0.0
    for method in ("read", "detect_rotation", "upside_down_score"):
        original = getattr(engine, method, None)
        if original is None:
            continue

        def timed(*a, _original=original, **k):  # type: ignore[no-untyped-def]
            nonlocal ocr_time
            t0 = time.perf_counter()
            try:
                return _original(*a, **k)
            finally:
                ocr_time += time.perf_counter() - t0

        setattr(engine, method, timed)
    per_photo = []
    for photo in photos:
        t0 = time.perf_counter()
        with contextlib.suppress(CardscanError):  # a photo that fails still took its time
            read_photo(photo, ScanOptions(event="bench"))
        per_photo.append(time.perf_counter() - t0)
    total = sum(per_photo)
    print(f"one at a time: median {statistics.median(per_photo):.2f} s, p95 {percentile(per_photo, 0.95):.2f} s "
          f"per photo ({engine_name} engine); inside the OCR engine {ocr_time / total:.0%}, "
          f"cardscan's own work {1 - ocr_time / total:.0%}")

    if args.baseline:
        import pytesseract
        from PIL import Image

        plain = []
        for photo in photos:
            t0 = time.perf_counter()
            with Image.open(photo) as image:
                pytesseract.image_to_string(image, lang="fra+eng")
            plain.append(time.perf_counter() - t0)
        ratio = statistics.median(plain) / statistics.median(per_photo)
        comparison = f"cardscan is {ratio:.1f}x faster" if ratio >= 1 else f"cardscan takes {1 / ratio:.1f}x as long"
        print(f"plain image_to_string on the whole photo: median {statistics.median(plain):.2f} s per photo "
              f"({comparison})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
