"""One meeting date per run: the day most of its photos were taken, unless --date says otherwise.

A vernissage is one evening even when its cards are photographed that night and the next morning, or
when a photo's clock is wrong: the cards of one run (or, in the watcher, the photos of one event arriving
within an hour of each other) are all filed under one date, and one line says so when the photos were
taken on several days.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from .read.load import exif_date  # the one reading of EXIF dates, shared with load_photo

# photos of one event arriving in the watched folder within this many seconds of each other are one meeting
SESSION_GAP_SECONDS = 3600.0


def capture_date(path: str | Path) -> dt.date | None:
    """The day the photo was taken (EXIF), else its file's date, as load_photo reads them; None if unreadable."""
    path = Path(path)
    try:
        with Image.open(path) as image:  # the header only: no pixel is decoded
            taken = exif_date(image)
        return taken or dt.datetime.fromtimestamp(path.stat().st_mtime).date()
    except (OSError, ValueError, SyntaxError, UnidentifiedImageError, Image.DecompressionBombError):
        return None


@dataclass(frozen=True)
class RunDate:
    date: dt.date
    first: dt.date
    last: dt.date

    @property
    def spread(self) -> str | None:
        """'photos taken 2026-11-20..22; filed under 2026-11-20; --date to choose', when they span days."""
        if self.first == self.last:
            return None
        return f"photos taken {date_span(self.first, self.last)}; filed under {self.date.isoformat()}; --date to choose"


def run_date(dates: Iterable[dt.date]) -> RunDate | None:
    """The day most photos were taken (the earliest of equals: cards are photographed after the event)."""
    counts = Counter(dates)
    if not counts:
        return None
    most = max(counts.values())
    chosen = min(day for day, n in counts.items() if n == most)
    return RunDate(chosen, min(counts), max(counts))


def date_span(first: dt.date, last: dt.date) -> str:
    """'2026-11-20..22', '2026-11-30..12-01', '2026-12-31..2027-01-02'."""
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.isoformat()}..{last.day:02d}"
    if first.year == last.year:
        return f"{first.isoformat()}..{last.month:02d}-{last.day:02d}"
    return f"{first.isoformat()}..{last.isoformat()}"


@dataclass
class Session:
    """Photos of one event arriving in the watched folder close together: one meeting date."""

    date: dt.date
    last_arrival: float  # time.monotonic()


class Sessions:
    """The watcher's open sessions, by event: the date of a photo is its session's."""

    def __init__(self, gap: float = SESSION_GAP_SECONDS) -> None:
        self.gap = gap
        self._open: dict[str, Session] = {}

    def open_for(self, event_key: str, now: float) -> Session | None:
        session = self._open.get(event_key)
        return session if session is not None and now - session.last_arrival <= self.gap else None

    def start(self, event_key: str, dates: Iterable[dt.date], now: float) -> None:
        """Open a session for photos arriving now, unless one is open: the day most of them were taken."""
        if self.open_for(event_key, now) is None:
            chosen = run_date(dates)
            if chosen is not None:
                self._open[event_key] = Session(chosen.date, now)

    def date_for(self, event_key: str, taken: dt.date, now: float) -> dt.date:
        """The meeting date of a photo taken on ``taken`` arriving now."""
        session = self.open_for(event_key, now)
        if session is None:
            session = self._open[event_key] = Session(taken, now)
        session.last_arrival = now
        return session.date
