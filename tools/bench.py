"""Speed, memory and accuracy of cardscan on 12 MP phone photos and on ../shared/cards.

    python tools/bench.py [--shared ../shared] [--phone-set bench-phone] [--sets phone,shared]
                          [--batch-size 100] [--jobs 2] [--engines tesseract,neural,hybrid] [--no-baseline]

For each set of photos (the phone-photo set of tools/make_samples.py --phone-set, made if missing; the
real photos of ../shared/cards when present):
- a batch of --batch-size photos (the set's photos again in turn) read by the real command on --jobs
  processes with the default engine: photos per second, CPU seconds per photo (all its processes), peak
  memory of all its processes together (the sum of their PSS, sampled every 50 ms: a page shared by
  several processes counts once) and the peak RSS of the largest;
- the plain whole-photo ``pytesseract.image_to_string`` on each photo of the set, one after the other,
  in the same run: photos per second, and how many times faster the batch was;
- one photo at a time in this process, once its first photo has loaded the models: median and p95 seconds
  per photo (wall and CPU), the share of photos whose card was found;
- per engine: the fields read (F1 against the set's truth), CPU seconds per card and peak memory of
  all processes, from one run of the command over the set.
Wall-clock figures need a quiet machine (other work on the cores slows them); CPU seconds and memory vary
less with it.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tools"))

from evaluate import SAMPLE_FIELDS as FIELDS  # noqa: E402
from evaluate import predicted, truth  # noqa: E402

from pipeline.batch import ScanOptions, read_photo  # noqa: E402
from pipeline.core.errors import CardscanError  # noqa: E402
from pipeline.read.load import is_image_name  # noqa: E402
from pipeline.read.ocr_engine import resolve_engine  # noqa: E402


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _tree_pids(root: int) -> list[int]:
    """``root`` and all its descendants now; empty when /proc cannot tell."""
    children: dict[int, list[int]] = {}
    try:
        entries = os.listdir("/proc")
    except OSError:
        return []
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                parent = int(stat.read().rpartition(")")[2].split()[1])
        except (OSError, ValueError, IndexError):
            continue  # the process ended while it was looked at
        children.setdefault(parent, []).append(int(entry))
    found, stack = [], [root]
    while stack:
        pid = stack.pop()
        found.append(pid)
        stack.extend(children.get(pid, []))
    return found


def _tree_pss_mb(root: int) -> float | None:
    """Proportional set size (PSS) of ``root`` and its descendants together now, in MB; None where /proc cannot
    tell. PSS counts a page shared by n processes as 1/n in each: their sum is the memory they hold together,
    where a sum of resident sizes (RSS) would count shared libraries and copy-on-write pages once per process."""
    total_kb, seen = 0, False
    for pid in _tree_pids(root):
        try:
            with open(f"/proc/{pid}/smaps_rollup") as rollup:
                total_kb += next(int(line.split()[1]) for line in rollup if line.startswith("Pss:"))
                seen = True
        except (OSError, ValueError, StopIteration):
            continue  # ended meanwhile, or a kernel without smaps_rollup
    return total_kb / 1024 if seen else None


@dataclass(frozen=True)
class Run:
    """One run of the real command: wall and CPU seconds, peak memory, and what it printed."""

    seconds: float
    cpu_seconds: float  # of the command and every worker it waited for
    largest_mb: float
    total_mb: float | None  # all its processes together (sum of PSS), sampled every 50 ms
    records: list[dict]


def run_cardscan(photos: list[str], engine: str, jobs: int, out: Path) -> Run:
    command = [sys.executable, "-m", "pipeline", *photos, "--event", "bench", "--engine", engine, "--contacts",
               str(out), "--no-merge", "--json", "-q", "-j", str(jobs)]
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=ROOT)
    printed: list[str] = []
    reader = threading.Thread(target=lambda: printed.extend(process.stdout or []))
    reader.start()
    peak_total: float | None = None
    while True:
        # WNOHANG: the command is still running, its processes are sampled once more
        pid, _, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        sample = _tree_pss_mb(process.pid)
        if sample is not None:
            peak_total = max(peak_total or 0.0, sample)
        time.sleep(0.05)
    process.returncode = 0  # reaped by wait4: Popen must not wait for it again
    reader.join()
    seconds = time.perf_counter() - start
    records = [json.loads(line) for line in printed if line.startswith("{")]
    # wait4 gives this command's own peak (the largest of its processes) and the CPU time of its workers
    return Run(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, peak_total, records)


def memory(run: Run) -> str:
    total = f"{run.total_mb:.0f} MB all processes (sum of PSS), " if run.total_mb is not None else ""
    return f"{total}{run.largest_mb:.0f} MB largest (its peak RSS)"


def batch(photos: list[str], size: int, jobs: int) -> Run:
    engine = resolve_engine("auto")
    photos_in_turn = list(itertools.islice(itertools.cycle(photos), size))
    with tempfile.TemporaryDirectory() as tmp:
        run = run_cardscan(photos_in_turn, engine, jobs, Path(tmp) / "contacts")
    print(f"  batch of {size} photos ({jobs} processes, {engine} engine): {size / run.seconds:.2f} photos/s "
          f"({run.seconds:.1f} s), {run.cpu_seconds / size:.2f} CPU s per photo; peak memory {memory(run)}")
    return run


def plain_calls(photos: list[str], batch_run: Run, batch_size: int) -> None:
    """The plain whole-photo call a user could script, one photo after the other, as cardscan's yardstick."""
    import pytesseract
    from PIL import Image

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    for photo in photos:
        with Image.open(photo) as image:
            pytesseract.image_to_string(image, lang="fra+eng")
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    plain_rate = len(photos) / seconds
    batch_rate = batch_size / batch_run.seconds
    cpu_ratio = (cpu / len(photos)) / (batch_run.cpu_seconds / batch_size)
    print(f"  plain image_to_string on each whole photo: {plain_rate:.2f} photos/s ({seconds / len(photos):.2f} s, "
          f"{cpu / len(photos):.2f} CPU s per photo): the batch is {batch_rate / plain_rate:.1f}x faster "
          f"({cpu_ratio:.1f}x less CPU per photo)")


def one_at_a_time(photos: list[str]) -> None:
    options = ScanOptions(event="bench")
    # the first photo of a process also loads the models and the lexicons: timed apart, once
    start, start_cpu = time.perf_counter(), time.process_time()
    with contextlib.suppress(CardscanError):  # a photo that fails still took its time
        read_photo(photos[0], options)
    print(f"  a process's first photo (models and lexicons loaded): {time.perf_counter() - start:.2f} s "
          f"({time.process_time() - start_cpu:.2f} CPU s)")
    wall, cpu, found = [], [], 0
    for photo in photos:
        start, start_cpu = time.perf_counter(), time.process_time()
        try:
            readings = read_photo(photo, options)
            found += any(r.found_card for r in readings)
        except CardscanError:
            pass  # a photo that fails still took its time
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    print(f"  one at a time: median {statistics.median(wall):.2f} s, p95 {percentile(wall, 0.95):.2f} s per photo "
          f"(CPU median {statistics.median(cpu):.2f} s, p95 {percentile(cpu, 0.95):.2f} s); card found on "
          f"{found}/{len(photos)} ({found / len(photos):.0%})")


def scores_from_truth(photos: list[str], records: list[dict]) -> dict[str, float]:
    """Per-field F1 against each photo's JSON truth (samples/ and the phone-photo set)."""
    by_name: dict[str, list[dict]] = {}
    for record in records:
        by_name.setdefault(Path(record["source"]).name, []).append(record)
    counts = {f: [0, 0, 0] for f in FIELDS}
    for photo in photos:
        want = truth(json.loads(Path(photo).with_suffix(".json").read_text(encoding="utf-8")))
        got: dict[str, list] = {f: [] for f in FIELDS}
        for record in by_name.get(Path(photo).name, []):
            for field, values in predicted(record.get("vcard")).items():
                got[field].extend(values)
        for field in FIELDS:
            tp = sum(1 for value in got[field] if value in want[field])
            counts[field][0] += tp
            counts[field][1] += len(got[field]) - tp
            counts[field][2] += len(want[field]) - tp
    f1 = {}
    for field, (tp, fp, fn) in counts.items():
        if tp + fp + fn:
            f1[field] = 2 * tp / (2 * tp + fp + fn)
    return f1


def scores_from_labels(shared: Path, records: list[dict]) -> dict[str, float]:
    """Per-field F1 by ../shared/eval/score.py."""
    with tempfile.TemporaryDirectory() as tmp:
        predictions = Path(tmp) / "pred.jsonl"
        predictions.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
        printed = subprocess.run([sys.executable, str(shared / "eval" / "score.py"),
                                  str(shared / "cards" / "labels.jsonl"), str(predictions)],
                                 capture_output=True, text=True, check=False).stdout
    return {field: float(value) for field, value in re.findall(r"^\s+(\w+)\s+P [\d.]+\s+R [\d.]+\s+F1 ([\d.]+)",
                                                                printed, re.MULTILINE)}


def engine_table(photos: list[str], engines: list[str], jobs: int, score) -> None:  # type: ignore[no-untyped-def]
    header = f"  {'engine':<10} {'macro':>6} " + " ".join(f"{f[:8]:>8}" for f in FIELDS)
    print(header + "   CPU s/card  peak memory")
    for engine in engines:
        with tempfile.TemporaryDirectory() as tmp:
            run = run_cardscan(photos, engine, jobs, Path(tmp) / "contacts")
            f1 = score(run.records)
        macro = statistics.mean(f1.values()) if f1 else 0.0
        cells = " ".join(f"{f1[f]:>8.3f}" if f in f1 else f"{'-':>8}" for f in FIELDS)
        print(f"  {engine:<10} {macro:>6.3f} {cells}   {run.cpu_seconds / len(photos):>10.2f}  {memory(run)}")


def bench_set(title: str, photos: list[str], args: argparse.Namespace, score) -> None:  # type: ignore[no-untyped-def]
    print(f"== {title}: {len(photos)} photos")
    batch_run = batch(photos, args.batch_size, args.jobs)
    if args.baseline:
        plain_calls(photos, batch_run, args.batch_size)
    one_at_a_time(photos)
    engine_table(photos, args.engines.split(","), args.jobs, score)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--phone-set", type=Path, default=ROOT / "bench-phone")
    parser.add_argument("--sets", default="phone,shared", help="which sets to measure (default: phone,shared)")
    parser.add_argument("--batch-size", type=int, default=100,
                        help="photos in the timed batch: the set's photos again in turn (default: 100)")
    parser.add_argument("--jobs", type=int, default=2, help="processes of the timed batch (default: 2)")
    parser.add_argument("--engines", default="tesseract,neural,hybrid", help="engines of the per-engine table")
    parser.add_argument("--baseline", action=argparse.BooleanOptionalAction, default=True,
                        help="also time plain pytesseract.image_to_string on each whole photo")
    args = parser.parse_args()
    sets = args.sets.split(",")
    if "phone" in sets:
        if not args.phone_set.is_dir():
            subprocess.run([sys.executable, str(ROOT / "tools" / "make_samples.py"), "--phone-set",
                            str(args.phone_set)], check=True)
        photos = sorted(str(p) for p in args.phone_set.iterdir() if is_image_name(p))
        bench_set(f"12 MP phone photos ({args.phone_set.name}/)", photos, args,
                  lambda records: scores_from_truth(photos, records))
    cards = args.shared / "cards"
    if "shared" in sets and (cards / "labels.jsonl").exists():
        photos = sorted(str(p) for p in (cards / "images").iterdir() if is_image_name(p))
        bench_set(f"real photos ({cards})", photos, args, lambda records: scores_from_labels(args.shared, records))
    return 0


if __name__ == "__main__":
    sys.exit(main())
