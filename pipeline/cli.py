"""The ``cardscan`` command: a thin layer of click over the pipeline.

stdout carries only results (``--json`` lines); logs, errors, the progress bar
and the summary go to stderr. Exit codes are decided in ``exit_code_for``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import logging
import os
import re
import shlex
import signal
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

import click
import phonenumbers

from . import __version__
from .batch import BatchSummary, ScanOptions, default_jobs, expand_inputs, scan
from .contacts.folder import ContactsFolder, WriteOptions, atomic_write_bytes, check_event_name, event_slug, read_vcf
from .contacts.queries import (
    Person,
    describe_person,
    find_people,
    list_events,
    people_met_at,
    search_people,
)
from .contacts.run_journal import Run
from .core.errors import BadArgumentsError, CardscanError, ExitCode, NothingFoundError, OutputError
from .core.models import Meeting
from .core.safetext import printable
from .core.vcard import DEFAULT_VERSION, VCARD_VERSIONS
from .deliver.carddav import JOURNAL_NAME as PUSH_JOURNAL_NAME
from .deliver.carddav import (
    BackgroundPusher,
    CardDavClient,
    PushError,
    PushJournal,
    PushResult,
    credentials_in_url,
    password_for,
    push_folder,
)
from .deliver.export import EXPORT_FORMATS, export_people
from .deliver.qr_codes import QR_FORMATS, write_qr_codes
from .filing import PhotoOutcome
from .meeting import capture_date, run_date
from .read.load import is_image_name
from .read.ocr_engine import ENGINES, check_engine
from .read.ocr_tesseract import DEFAULT_LANG, check_tesseract
from .report import describe, describe_merge, json_line, outcome_to_json, summary_line
from .understand.lexicons import fold
from .watch import DEFAULT_STABILITY, UNFILED, Watcher, WatchOptions

log = logging.getLogger("cardscan")

CONTACTS_ENV = "CARDSCAN_CONTACTS"


def exit_code_for(summary: BatchSummary) -> ExitCode:
    """0 when every photo was filed; otherwise the highest code among the failures."""
    codes = [o.error.exit_code for o in summary.failures if o.error is not None]
    return max(codes) if codes else ExitCode.OK


class DefaultToScan(click.Group):
    """``cardscan PHOTO...`` means ``cardscan scan PHOTO...``; sub-commands stand beside it."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h", "--version"):
            first = args[0]
            close = difflib.get_close_matches(first.lower(), list(self.commands), n=1, cutoff=0.75)
            if close and not first.startswith("-") and not Path(first).exists():
                # 'cardscan exprot ...' is a typo of a command, not a photo that is missing
                _say(f"cardscan: error: {first!r} is no command and no file; did you mean `{close[0]}`?")
                ctx.exit(ExitCode.BAD_ARGS)
            args = ["scan", *args]
        return super().parse_args(ctx, args)


def contacts_option(func: Any) -> Any:
    """The contacts folder option every sub-command that reads or writes contacts takes."""
    return click.option(
        "--contacts", "--out", "contacts", type=click.Path(file_okay=False), envvar=CONTACTS_ENV,
        default="contacts", show_default=True, show_envvar=True,
        help="Folder of the address book (people/ and events/ are made inside).",
    )(func)


@click.group(cls=DefaultToScan, context_settings={"help_option_names": ["-h", "--help"]},
             invoke_without_command=False, no_args_is_help=True)
@click.version_option(__version__, prog_name="cardscan")
def main() -> None:
    """Turn photos of business cards into contacts filed under the event where you met.

    \b
      cardscan photos/*.jpg --event "vernissage"
      cardscan scan photos/ --event "salon" --json
    """


def _parse_date(ctx: click.Context, param: click.Parameter, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date in the form YYYY-MM-DD") from None


def event_option(help: str, **kwargs: Any) -> Callable[[Any], Any]:
    """--event/-e: the event a command files under or looks at (each command says which, and its default)."""
    return click.option("--event", "-e", help=help, **kwargs)


def date_option(help: str = "Only that day of the event.", name: str = "--date") -> Callable[[Any], Any]:
    """--date (or --to-date): a day written YYYY-MM-DD, checked before the command runs."""
    return click.option(name, name.lstrip("-").replace("-", "_"), callback=_parse_date, metavar="YYYY-MM-DD",
                        help=help)


def event_filter(event_help: str, required: bool = False) -> Callable[[Any], Any]:
    """--event and --date: the meeting whose contacts a command takes (list, export, sheet, push, qr, review)."""
    def decorate(func: Any) -> Any:
        return event_option(event_help, required=required, default=None)(date_option()(func))
    return decorate


def _parse_region(ctx: click.Context, param: click.Parameter, value: str) -> str:
    region = value.upper()
    if region not in phonenumbers.SUPPORTED_REGIONS:
        raise click.BadParameter(f"{value!r} is not a country code phonenumbers knows (e.g. FR, BE, GB, US)")
    return region


def reading_options(func: Any) -> Any:
    """How photos are read and contacts written: the options scan and watch share."""
    for option in reversed([
        date_option("Day of the meeting.  [default: the day most photos were taken (EXIF, else the file's date)]"),
        click.option("--region", default="FR", show_default=True, callback=_parse_region,
                     help="Country of numbers printed without +prefix, when the card does not show one."),
        click.option("--lang", default=DEFAULT_LANG, show_default=True, help="Tesseract languages, e.g. fra+eng+deu."),
        click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
                     help="Photos read in parallel.  [default: all cores]"),
        click.option("--note-lang", type=click.Choice(["fr", "en"]), default="fr", show_default=True,
                     help="Language of the 'met at' note."),
        click.option("--engine", type=click.Choice(ENGINES), default="auto", show_default=True,
                     help="OCR engine: auto is neural (PP-OCRv6) when cardscan[neural] is installed, else tesseract."),
        click.option("--vcard-version", type=click.Choice(VCARD_VERSIONS), default=DEFAULT_VERSION,
                     show_default=True, help="vCard version written (3.0 imports everywhere; some refuse 4.0)."),
        click.option("--merge/--no-merge", default=True, show_default=True,
                     help="Update the contact of someone met before (same e-mail, phone, or name and company)."),
        click.option("--photo", is_flag=True, help="Keep the straightened card as the contact's photo."),
    ]):
        func = option(func)
    return func


def _start_reading(event: str, contacts: str, reading: dict[str, Any], verbose: int, create: bool = True
                   ) -> tuple[ScanOptions, ContactsFolder, int]:
    """Check what reading needs (event name, Tesseract, engine, writable folder) or exit with one line.

    ``create``: make the contacts folder now (the watcher); else only check it could be made (a scan makes
    it with its first contact, so a run that files nothing leaves nothing behind).
    """
    try:
        event = check_event_name(event)
        check_tesseract(reading["lang"])
        check_engine(reading["engine"])
        folder = _open(contacts)
        if create:
            folder.prepare()
        else:
            folder.check_writable()
    except CardscanError as exc:
        _fail(exc, verbose)
    options = ScanOptions(event=event, date=reading["date"], region=reading["region"], lang=reading["lang"],
                          note_lang=reading["note_lang"], version=reading["vcard_version"], merge=reading["merge"],
                          photo=reading["photo"], engine=reading["engine"])
    return options, folder, reading["jobs"] or default_jobs()


@main.command("scan")
@click.argument("photos", nargs=-1, required=True, metavar="PHOTO...")
@event_option(f"Where you met: tags every card of this run.  [default: {UNFILED}, with a warning]", default=None)
@contacts_option
@reading_options
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object per photo on stdout.")
@click.option("-v", "--verbose", count=True, help="One line per card; -vv for debugging details.")
@click.option("-q", "--quiet", is_flag=True, help="Only errors.")
def scan_command(photos: Sequence[str], event: str, contacts: str, as_json: bool, verbose: int, quiet: bool,
                 **reading: Any) -> None:
    """Read business-card photos (files or folders) and file each one as a contact."""
    _configure_logging(verbose, quiet)
    photos, skipped, bare = _sort_inputs(photos)
    if bare:
        # 'cardscan photo.jpg vernissage': a word that is no file is most likely the event
        words = ([event] if event else []) + bare
        _fail(BadArgumentsError(f"{', '.join(bare)}: no such file; did you mean "
                                f"`--event {shlex.quote(' '.join(words))}`?"), verbose)
    if event is None:
        event = UNFILED
        if not quiet:
            _say(f"warning: no --event given: the cards are filed under {UNFILED!r} "
                 f"(cardscan events rename {UNFILED} NAME files them under an event later)")
    if reading["date"] is None:
        # one meeting, one date: the day most of the photos were taken
        chosen = run_date(d for d in (capture_date(source) for source, error in expand_inputs(photos)
                                      if error is None) if d is not None)
        if chosen is not None:
            reading["date"] = chosen.date
            if chosen.spread and not quiet:
                _say(f"warning: {chosen.spread}")
    options, folder, jobs = _start_reading(event, contacts, reading, verbose, create=False)
    for name in skipped:
        log.info("%s: not a photo, skipped", name)
    progress = _Progress(enabled=not quiet and not as_json and sys.stderr.isatty())
    known_before = {p.stem for p in folder.people.glob("*.vcf")}
    first_source: dict[str, str] = {}  # contact UID -> the photo of this run that filed it first
    filed_under: set[Meeting] = set()
    twice = 0

    def on_outcome(outcome: PhotoOutcome) -> None:
        nonlocal twice
        if as_json:
            click.echo(outcome_to_json(outcome))
        again = outcome.merged_with is not None and outcome.merged_with.uid not in known_before
        if outcome.ok and again and not quiet:
            # the same card photographed twice in this run: one person, one meeting, nobody "met before"
            twice += 1
            assert outcome.merged_with is not None and outcome.vcard is not None
            first = first_source.get(outcome.vcard.stem, "another photo")
            progress.print(f"{outcome.source}: same person as {first} ({outcome.merged_with.full_name})")
        elif outcome.ok and outcome.merged_with is not None and not quiet:
            progress.print(describe_merge(outcome))
        elif outcome.ok:
            log.info("%s", describe(outcome))
        else:
            progress.print(f"error: {describe(outcome)}")
            details = getattr(outcome.error, "details", "")
            if verbose > 1:
                for line in details.splitlines():  # each escaped on its own: the traceback stays readable
                    log.debug("%s", line)
        if outcome.ok and outcome.vcard is not None and outcome.reading is not None:
            first_source.setdefault(outcome.vcard.stem, outcome.source)
            filed_under.add(outcome.reading.meeting)
        progress.advance()

    names = [Path(p).name for p in photos]
    what = f"scan of {', '.join(names[:3])}{', …' if len(names) > 3 else ''} under {options.event!r}"
    try:
        # every file the scan writes is journaled first: `cardscan undo` takes the whole run back
        with progress, Run(folder, "scan", what):
            summary = scan(photos, options, folder, jobs,
                           on_outcome=on_outcome, on_total=progress.set_total)
    except KeyboardInterrupt:
        click.echo("cardscan: interrupted; the contacts written so far are complete", err=True)
        sys.exit(ExitCode.INTERRUPTED)
    except CardscanError as exc:
        _fail(exc, verbose)
    if not quiet:
        summary.merged -= twice
        line = summary_line(summary, contacts)
        if twice:
            shown = printable(contacts)  # as summary_line prints it
            line = line.replace(f" written to {shown}", f" written to {shown} ({twice} photographed twice)", 1)
        if skipped:
            line = line.replace(f", {summary.failed} failed", f", {summary.failed} failed, {len(skipped)} "
                                f"file{'' if len(skipped) == 1 else 's'} not photos skipped", 1)
        _say(line + _next_steps(folder, filed_under, contacts))
    sys.exit(exit_code_for(summary))


def _sort_inputs(photos: Sequence[str]) -> tuple[list[str], list[str], list[str]]:
    """(what to read, files that are not photos to skip, bare words that name no file).

    The shell expands ``photos/*`` into names, so "given in a glob" cannot be seen. The rule: a file whose
    name is not a photo's (``.json``, ``.txt``...) is skipped when the command line also names a photo in
    the same folder (it came along with them, as ``*`` brings it); named alone it is read, and its error
    says why it is not a photo. Inside a folder given as such, only photos are read; the others are counted.
    """
    paths = [Path(p) for p in photos]
    photo_folders = {p.parent.resolve() for p in paths if p.is_file() and is_image_name(p)}
    to_read: list[str] = []
    skipped: list[str] = []
    bare: list[str] = []
    for given, path in zip(photos, paths, strict=True):
        if path.is_dir():
            to_read.append(given)
            with contextlib.suppress(OSError):  # the scan says why it cannot list the folder
                skipped += sorted(str(f) for f in path.iterdir()
                                  if f.is_file() and not is_image_name(f) and not f.name.startswith("."))
        elif path.is_file() and not is_image_name(path) and path.parent.resolve() in photo_folders:
            skipped.append(given)
        elif not path.exists() and not path.suffix and os.sep not in given and "/" not in given:
            bare.append(given)
        else:
            to_read.append(given)
    return to_read, skipped, bare


def _next_steps(folder: ContactsFolder, meetings: set[Meeting], contacts: str) -> str:
    """The summary's last words: the file for the phone, then the review and the sheet of the event."""
    if not meetings:
        return ""
    files = sorted({str(folder.event_path(m)) for m in meetings})
    phone = files[0] if len(files) == 1 else f"{folder.events}/ ({len(files)} files)"
    event = sorted(meetings, key=lambda m: m.date)[-1].event
    sheet = f"{event_slug(event)}.html"
    return (f"; for the phone: {phone}; next: {_command_line('review', '--event', event, contacts=contacts)}"
            f" or {_command_line('sheet', '--event', event, '-o', sheet, contacts=contacts)}")


@main.group("events", invoke_without_command=True)
@contacts_option
@click.option("--json", "as_json", is_flag=True, help="One JSON object per event on stdout.")
@click.pass_context
def events_command(ctx: click.Context, contacts: str, as_json: bool) -> None:
    """List the events, with their date and how many people were met there (`events rename` renames one)."""
    if ctx.invoked_subcommand is not None:
        return
    _configure_logging(0, False)
    events = list_events(_open(contacts))
    for e in events:
        if as_json:
            click.echo(json_line({"event": e.event, "date": e.date.isoformat(), "contacts": e.contacts}))
        else:
            people = "contact" if e.contacts == 1 else "contacts"
            _say(f"{e.date.isoformat()}  {e.event}  ({e.contacts} {people})", err=False)
    if not events and not as_json:
        _say(f"no events yet in {contacts}")


@events_command.command("rename")
@click.argument("old")
@click.argument("new")
@date_option("Only the meeting of that day (an event over several days; 'unfiled').")
@date_option("Also move the meeting to that day.", name="--to-date")
@click.option("--contacts", "--out", "contacts", type=click.Path(file_okay=False), default=None,
              help="Folder of the address book.  [default: as for events]")
@click.pass_context
def events_rename_command(ctx: click.Context, old: str, new: str, date: dt.date | None, to_date: dt.date | None,
                          contacts: str | None) -> None:
    """File everyone met at OLD under NEW: contacts, notes, categories, event files (undo takes it back)."""
    from .refile import rename_event

    contacts = contacts or (ctx.parent.params["contacts"] if ctx.parent else "contacts")
    _configure_logging(0, False)
    folder = _open(contacts)
    try:
        result = rename_event(folder, old, new, date, to_date)
    except CardscanError as exc:
        _fail(exc, 0)
    for before, after in sorted(result.meetings.items(), key=lambda item: item[0].date):
        _say(f"{before.date.isoformat()} {before.event} -> {after.date.isoformat()} {after.event}: "
             f"{folder.event_path(after)}")
    people = len(result.contacts)
    _say(f"{people} contact{'' if people == 1 else 's'} renamed (cardscan undo takes it back)")


@main.command("undo")
@contacts_option
@click.option("--force", is_flag=True, help="Take the run back even when its files changed since (losing that).")
@click.option("--list", "show", is_flag=True, help="List the runs journaled, change nothing.")
def undo_command(contacts: str, force: bool, show: bool) -> None:
    """Take back the last run (a scan, forget, rename, restore): every file it changed goes back as it was."""
    from .contacts.run_journal import history, undo_last

    _configure_logging(0, False)
    folder = _open(contacts)
    if show:
        runs = list(history(folder))
        for record, state in runs:
            _say(f"{state:<13}  {record.describe()}: {len({c.path for c in record.changes})} files", err=False)
        if not runs:
            _say(f"no run journaled in {contacts}")
        return
    try:
        result = undo_last(folder, force)
    except CardscanError as exc:
        _fail(exc, 0)
    _say(f"undone: {result.undone.describe()}: {len(result.restored)} file"
         f"{'' if len(result.restored) == 1 else 's'} put back as they were, {len(result.removed)} removed")


@main.command("forget")
@click.argument("photos", nargs=-1, required=True, metavar="PHOTO...")
@contacts_option
def forget_command(photos: Sequence[str], contacts: str) -> None:
    """Take a photo's cards out of the address book, as if it had never been read (undo takes it back)."""
    from .refile import forget_photos

    _configure_logging(0, False)
    folder = _open(contacts)
    try:
        results = forget_photos(folder, list(photos))
    except CardscanError as exc:
        _fail(exc, 0)
    code = ExitCode.OK
    for photo, result in results:
        if isinstance(result, CardscanError):
            _say(f"error: {result}")
            code = max(code, result.exit_code)
            continue
        for stored in result.removed:
            _say(f"{photo}: {stored.full_name} taken out of the address book (kept in trash/: "
                 "cardscan restore)")
        for stored in result.updated:
            _say(f"{photo}: {stored.full_name} keeps the other photos; what only this one brought is gone")
    sys.exit(code)


@main.command("restore")
@click.argument("text", nargs=-1)
@contacts_option
@click.option("--list", "show", is_flag=True, help="List what is in trash/, change nothing.")
def restore_command(text: Sequence[str], contacts: str, show: bool) -> None:
    """Put back the contact last taken out (review's "Not a card", forget), or those TEXT matches."""
    from .refile import restore, trashed

    _configure_logging(0, False)
    folder = _open(contacts)
    if show:
        items = trashed(folder)
        for item in items:
            met = ", ".join(f"{m.event} on {m.date.isoformat()}" for m in item.stored.meetings)
            _say(f"{item.when:%Y-%m-%d %H:%M}  {item.stored.full_name}" + (f"  (met at {met})" if met else ""),
                 err=False)
        if not items:
            _say(f"nothing in {folder.trash}")
        return
    try:
        restored = restore(folder, " ".join(text))
    except CardscanError as exc:
        _fail(exc, 0)
    for stored in restored:
        met = ", ".join(f"{m.event} on {m.date.isoformat()}" for m in stored.meetings) or "no recorded meeting"
        _say(f"restored {stored.full_name} (met at {met})")


@main.command("find")
@click.argument("text", nargs=-1, required=True)
@contacts_option
@click.option("--json", "as_json", is_flag=True, help="One JSON object per contact on stdout.")
def find_command(text: Sequence[str], contacts: str, as_json: bool) -> None:
    """Find contacts by name, company, e-mail or phone (one typo forgiven), and say where you met them."""
    _configure_logging(0, False)
    query = " ".join(text)
    people, exact = search_people(_open(contacts), query)
    if people and not exact and not as_json:
        _say(f"no contact matches {query!r} exactly; one letter apart:")
    _print_people(people, as_json)
    if not people:
        _fail(NothingFoundError(f"no contact matches {query!r} in {contacts}"), 0)


@main.command("list")
@event_filter("Only the people met at this event.")
@contacts_option
@click.option("--json", "as_json", is_flag=True, help="One JSON object per contact on stdout.")
def list_command(event: str | None, date: dt.date | None, contacts: str, as_json: bool) -> None:
    """List the people met (at an event, with --event): name, company, phone, e-mail, where you met."""
    _configure_logging(0, False)
    folder = _open(contacts)
    people = (people_met_at(folder, event, date) if event
              else [Person(path, stored) for path, stored in folder.stored_cards()])
    people.sort(key=lambda p: fold(p.stored.full_name))
    _print_people(people, as_json)
    if not people:
        where = f" met at {event!r}" + (f" on {date.isoformat()}" if date else "") if event else ""
        _fail(NothingFoundError(f"nobody{where} in {contacts}"), 0)


def _print_people(people: Sequence[Person], as_json: bool) -> None:
    for person in people:
        s = person.stored
        if as_json:
            click.echo(json_line({
                "name": s.full_name, "organisation": s.organisation, "emails": list(s.emails),
                "phones": list(s.phones), "vcard": str(person.path),
                "met": [{"event": m.event, "date": m.date.isoformat()} for m in s.meetings],
            }))
        else:
            _say(describe_person(person), err=False)


@main.command("export")
@event_filter("The event whose contacts to export.", required=True)
@contacts_option
@click.option("--format", "fmt", type=click.Choice(EXPORT_FORMATS), default="vcf", show_default=True,
              help="vcf: one file for any phone; google-csv / outlook-csv: for those products' import.")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, allow_dash=True),
              help="File to write ('-' for stdout).")
def export_command(event: str, date: dt.date | None, contacts: str, fmt: str, output: str) -> None:
    """Write everyone met at an event as one file to import into a phone or a contacts service."""
    _configure_logging(0, False)
    people = people_met_at(_open(contacts), event, date)
    if not people:
        on = f" on {date.isoformat()}" if date else ""
        _fail(NothingFoundError(f"nobody met at {event!r}{on} in {contacts}"), 0)
    data = export_people(people, fmt)
    if output == "-":
        sys.stdout.buffer.write(data)
        return
    try:
        atomic_write_bytes(Path(output), data)
    except OSError as exc:
        _fail(OutputError(f"{output}: cannot write ({exc.strerror or exc})"), 0)
    _say(f"{len(people)} contact{'' if len(people) == 1 else 's'} written to {output}")


@main.command("sheet")
@event_filter("The event whose people to show.", required=True)
@contacts_option
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="The page to write (.html).")
def sheet_command(event: str, date: dt.date | None, contacts: str, output: str) -> None:
    """One page to look at: everyone met at an event, their card, how to reach them, what to check."""
    from .deliver.event_sheet import collect_sheet, render_sheet

    _configure_logging(0, False)
    sheet = collect_sheet(_open(contacts), event, date)
    if not sheet.people:
        on = f" on {date.isoformat()}" if date else ""
        _fail(NothingFoundError(f"nobody met at {event!r}{on} in {contacts}"), 0)
    page = render_sheet(sheet, review_command=_command_line("review", "--event", sheet.event, contacts=contacts))
    try:
        atomic_write_bytes(Path(output), page.encode("utf-8"))
    except OSError as exc:
        _fail(OutputError(f"{output}: cannot write ({exc.strerror or exc})"), 0)
    people = len(sheet.people)
    _say(f"{output}: {people} {'person' if people == 1 else 'people'} met at {sheet.event}, "
         f"{sheet.to_check} field{'' if sheet.to_check == 1 else 's'} to check")


@main.command("watch")
@click.argument("inbox", type=click.Path(file_okay=False))
@event_option("Event of photos at the top of INBOX; a photo in INBOX/<name>/ is filed under <name>.", default=UNFILED,
              show_default=True)
@contacts_option
@click.option("--poll", type=click.FloatRange(min=0.1), default=None, metavar="SECONDS",
              help="Poll every SECONDS instead of file-system events (network shares).")
@click.option("--once", is_flag=True, help="File what is in INBOX now, then exit (for cron).")
@click.option("--stability", type=click.FloatRange(min=0.1), default=DEFAULT_STABILITY, show_default=True,
              metavar="SECONDS", help="A photo is taken once unchanged for this long.")
@reading_options
@click.option("--push", "push_url", metavar="URL", help="Also push each new contact to this CardDAV server.")
@click.option("--user", help="CardDAV account for --push (password: CARDSCAN_CARDDAV_PASSWORD or ~/.netrc).")
@click.option("--insecure", is_flag=True, help="With --push: accept an untrusted TLS certificate.")
@click.option("--log-file", type=click.Path(dir_okay=False), help="Also append the log to this file.")
@click.option("-v", "--verbose", count=True, help="Debugging details.")
@click.option("-q", "--quiet", is_flag=True, help="Only errors.")
def watch_command(inbox: str, event: str, contacts: str, poll: float | None, once: bool, stability: float,
                  push_url: str | None, user: str | None, insecure: bool, log_file: str | None, verbose: int,
                  quiet: bool, **reading: Any) -> None:
    """Watch a folder synced from a phone and file every card photo that lands in it."""
    _configure_logging(verbose + 1, quiet, log_file)
    inbox_path = Path(inbox)
    if inbox_path.exists() and not inbox_path.is_dir():
        _fail(BadArgumentsError(f"{inbox}: not a folder"), verbose)
    if not inbox_path.exists():
        # a service's first start: the phone has not synced anything yet
        try:
            inbox_path.mkdir(parents=True)
        except OSError as exc:
            _fail(OutputError(f"{inbox}: cannot create the inbox folder ({exc.strerror or exc})"), verbose)
        log.warning("cardscan watch: created the inbox %s", inbox_path)
    scan_options, folder, jobs = _start_reading(event, contacts, reading, verbose)
    options = WatchOptions(inbox=inbox_path, scan=scan_options, poll=poll, once=once, stability=stability,
                           jobs=jobs)
    pusher = _pusher(push_url, user, insecure, folder) if push_url else None
    write = WriteOptions(note_lang=scan_options.note_lang, version=scan_options.version, merge=scan_options.merge)
    watcher = Watcher(options, folder, write, on_filed=pusher)
    received: list[int] = []

    def stop(signum: int, _frame: object) -> None:
        received.append(signum)
        log.warning("cardscan watch: stopping after the photos being read")
        watcher.stop()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    how = "once" if once else f"polling every {poll:g} s" if poll else "file-system events"
    log.info("cardscan watch: %s -> %s (%s)", inbox_path, contacts, how)
    try:
        summary = watcher.run()
    finally:
        if pusher is not None:
            pusher.close()  # what is still queued is pushed (for a while), then the thread ends
    log.info("cardscan watch: %d filed, %d failed, %d already filed", summary.filed, summary.failed,
             summary.already_filed)
    sys.exit(ExitCode.INTERRUPTED if signal.SIGINT in received else ExitCode.OK)


@main.command("push")
@event_filter("Only the contacts met at this event (default: all).")
@contacts_option
@click.option("--url", required=True, help="The CardDAV server, or the address book's own URL.")
@click.option("--user", required=True, help="Account name. The password comes from CARDSCAN_CARDDAV_PASSWORD, "
              "~/.netrc, or a prompt, never from the command line.")
@click.option("--insecure", is_flag=True, help="Accept a server whose TLS certificate is not trusted (self-signed).")
@click.option("--force", is_flag=True, help="Overwrite contacts changed on the server since the last push.")
@click.option("--address-book", "address_book_name", metavar="NAME",
              help="The address book of that name (created if missing).  [default: the first one; 'cardscan' is "
                   "created when there is none]")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per contact on stdout.")
def push_command(event: str | None, date: dt.date | None, contacts: str, url: str, user: str, insecure: bool,
                 force: bool, address_book_name: str | None, as_json: bool) -> None:
    """Upload contacts to a CardDAV address book (iCloud, Nextcloud, Fastmail, Radicale...)."""
    _configure_logging(1, False)
    folder = _open(contacts)
    people = (people_met_at(folder, event, date) if event
              else [Person(path, stored) for path, stored in folder.stored_cards()])
    if not people:
        _fail(NothingFoundError(f"no contacts to push in {contacts}" + (f" for {event!r}" if event else "")), 0)
    client = _carddav_client(url, user, insecure)
    summary: dict[str, int] = {}

    def report(result: PushResult | None, name: str, error: PushError | None) -> None:
        action = result.action if result else "failed"
        summary[action] = summary.get(action, 0) + 1
        if as_json:
            click.echo(json_line({"name": name, "action": action, "href": result.href if result else None,
                                  "error": str(error) if error else None}))
        elif error:
            _say(f"error: {name}: {error}")
        elif action != "unchanged":
            _say(f"{name}: {action}")

    journal = PushJournal(folder.root / PUSH_JOURNAL_NAME)
    try:
        address_book = client.discover(url, address_book_name, on_created=_say_created)
        cards = [(p.stored.uid, p.stored.full_name, read_vcf(p.path)) for p in people]
        errors = push_folder(client, journal, address_book, cards, force=force, on_result=report)
    except PushError as exc:
        _fail(exc, 0)
    finally:
        journal.close()
    counts = ", ".join(f"{n} {action}" for action, n in sorted(summary.items()))
    _say(f"{address_book}: {counts}")
    sys.exit(max((e.exit_code for e in errors), default=ExitCode.OK))


@main.command("qr")
@click.argument("text", nargs=-1)
@event_filter("Only the contacts met at this event.")
@contacts_option
@click.option("-o", "--output", required=True, type=click.Path(file_okay=False), help="Folder to write into.")
@click.option("--format", "fmt", type=click.Choice(QR_FORMATS), default="png", show_default=True,
              help="png/svg: one code per contact, named after the person; html: one page with every code.")
def qr_command(text: Sequence[str], event: str | None, date: dt.date | None, contacts: str, output: str,
               fmt: str) -> None:
    """QR codes that a phone's camera turns into "add contact" (TEXT selects contacts as find does)."""
    _configure_logging(0, False)
    folder = _open(contacts)
    people = (people_met_at(folder, event, date) if event
              else [Person(path, stored) for path, stored in folder.stored_cards()])
    if text:
        wanted = {p.path for p in find_people(folder, " ".join(text))}
        people = [p for p in people if p.path in wanted]
    if not people:
        _fail(NothingFoundError(f"no contact to make a QR code for in {contacts}"), 0)
    title = f"{event} — {date.isoformat()}" if event and date else event or "cardscan"
    try:
        written, codes, skipped = write_qr_codes(people, Path(output), fmt, title)
    except OSError as exc:
        _fail(OutputError(f"{output}: cannot write ({exc.strerror or exc})"), 0)
    for bad in skipped:
        _say(f"warning: {bad.path}: skipped: {bad.reason}")
    for code in codes:
        if code.left_out:
            _say(f"warning: {code.name}: too large for one QR code; left out {', '.join(code.left_out)}")
    names = ", ".join(p.name for p in written[:3]) + (", …" if len(written) > 3 else "")
    _say(f"{len(codes)} QR code{'' if len(codes) == 1 else 's'} written: "
         + (str(written[0]) if fmt == "html" else f"{output}/ ({names})"))


@main.command("review")
@event_filter("Only the contacts met at this event.")
@contacts_option
@click.option("--only-doubtful", is_flag=True, help="Only cards with doubtful fields not yet reviewed.")
@click.option("--no-browser", is_flag=True, help="Print the address; do not open a browser.")
@click.option("--port", type=click.IntRange(0, 65535), default=0, help="Port on 127.0.0.1.  [default: a free one]")
@click.option("--region", default="FR", show_default=True, callback=_parse_region,
              help="Country of phone numbers typed without +prefix.")
def review_command(event: str | None, date: dt.date | None, contacts: str, only_doubtful: bool, no_browser: bool,
                   port: int, region: str) -> None:
    """Check and correct each card on a local page before it reaches the phone."""
    from .deliver.review.server import ReviewScope, ReviewSession, check_scope, make_server, page_url

    session = ReviewSession(_open(contacts), ReviewScope(event, date, only_doubtful, region))
    try:
        check_scope(session)
        server = make_server(session, port)
    except CardscanError as exc:
        _fail(exc, 0)
    except OSError as exc:
        _fail(BadArgumentsError(f"cannot listen on 127.0.0.1:{port} ({exc.strerror or exc})"), 0)
    url = page_url(server, session)
    click.echo(f"Review {len(session.uids)} cards at {url}\n(this address holds the session's key: "
               "share it with nobody; Ctrl+C to stop)", err=True)
    if not no_browser:
        import webbrowser

        webbrowser.open(url)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        click.echo("cardscan review: stopped", err=True)
    finally:
        server.server_close()


def _pusher(url: str, user: str | None, insecure: bool, folder: ContactsFolder) -> BackgroundPusher:
    """For watch --push: check the server once at start; then each contact filed is queued and pushed by a
    thread of its own, off the filing path (``close`` when the watcher stops)."""
    if not user:
        _fail(BadArgumentsError("--push needs --user"), 0)
    client = _carddav_client(url, user, insecure)
    try:
        address_book = client.discover(url, on_created=_say_created)
    except PushError as exc:
        _fail(exc, 0)
    log.info("cardscan watch: new contacts are pushed to %s", address_book)
    return BackgroundPusher(client, address_book, folder.root / PUSH_JOURNAL_NAME)


def _say_created(url: str, name: str) -> None:
    log.warning("the server had no address book %r: created it at %s", name, url)


def _carddav_client(url: str, user: str, insecure: bool) -> CardDavClient:
    if credentials_in_url(url):
        _fail(BadArgumentsError("the URL holds a password: put it in CARDSCAN_CARDDAV_PASSWORD or ~/.netrc, "
                                "where other users and the shell history cannot read it"), 0)
    if not url.startswith(("http://", "https://")):
        _fail(BadArgumentsError(f"{url!r} is not an http(s) URL"), 0)
    prompt = (lambda: click.prompt(f"CardDAV password for {user}", hide_input=True)) if sys.stdin.isatty() else None
    try:
        password = password_for(url, user, dict(os.environ), prompt)
    except PushError as exc:
        _fail(exc, 0)
    if insecure:
        log.warning("warning: --insecure: the server's TLS certificate is not checked")
    elif url.startswith("http://") and not re.match(r"http://(localhost|127\.|\[::1\])", url):
        log.warning("warning: %s is not encrypted (http): the password crosses the network in clear", url)
    return CardDavClient(user, password, verify=not insecure, url=url)


def _command_line(*args: str, contacts: str = "contacts") -> str:
    """A cardscan command line to copy and paste, quoted for the shell; --contacts only when not the default."""
    words = ["cardscan", *args]
    if contacts != "contacts" and not os.environ.get(CONTACTS_ENV):
        words += ["--contacts", contacts]
    return shlex.join(words)


def _open(contacts: str) -> ContactsFolder:
    """The contacts folder, with what a killed command left finished first (see runs.recover)."""
    from .contacts.run_journal import recover

    folder = ContactsFolder(contacts)
    try:
        for message in recover(folder):
            _say(f"cardscan: {message}")
    except CardscanError as exc:
        _fail(exc, 0)
    return folder


def _fail(exc: CardscanError, verbose: int) -> NoReturn:
    if verbose > 1:
        log.exception("details")
    message = printable(f"cardscan: error: {exc}")
    click.echo(message, err=True)
    for handler in logging.getLogger().handlers:
        if isinstance(handler, logging.FileHandler):  # a service's log file says why it stopped, too
            handler.handle(logging.makeLogRecord({"msg": message, "levelno": logging.ERROR, "levelname": "ERROR"}))
    sys.exit(exc.exit_code)


def _say(message: str, err: bool = True) -> None:
    """One line for the user: whatever a file name or a card's text holds, it stays one line of text."""
    click.echo(printable(message), err=err)


def _configure_logging(verbose: int, quiet: bool, log_file: str | None = None) -> None:
    level = logging.WARNING if quiet or not verbose else logging.INFO if verbose == 1 else logging.DEBUG
    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stderr)]
    if log_file:
        try:
            Path(log_file).parent.mkdir(parents=True, exist_ok=True)
            file_handler = logging.FileHandler(log_file, encoding="utf-8")
        except OSError as exc:
            _fail(OutputError(f"{log_file}: cannot write the log file ({exc.strerror or exc})"), 0)
        file_handler.setFormatter(_PrintableFormatter("%(asctime)s %(message)s"))
        handlers.append(file_handler)
    handlers[0].setFormatter(_PrintableFormatter("%(message)s"))
    logging.basicConfig(level=level, handlers=handlers, force=True)
    logging.getLogger("watchfiles").setLevel(logging.WARNING)  # its "N changes detected" is noise to users


class _PrintableFormatter(logging.Formatter):
    """Log lines with control characters escaped: a file name cannot start a line of its own."""

    def formatMessage(self, record: logging.LogRecord) -> str:
        return printable(super().formatMessage(record))


class _Progress:
    """A rich progress bar on stderr when it is a terminal; silent otherwise."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self._bar: Any = None
        self._task: Any = None

    def __enter__(self) -> _Progress:
        if self.enabled:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            self._bar = Progress(TextColumn("reading cards"), BarColumn(), MofNCompleteColumn(),
                                 TimeRemainingColumn(), console=Console(stderr=True), transient=True)
            self._bar.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.__exit__(*exc)

    def set_total(self, total: int) -> None:
        if self._bar is not None:
            self._task = self._bar.add_task("cards", total=total)

    def advance(self) -> None:
        if self._bar is not None and self._task is not None:
            self._bar.advance(self._task)

    def print(self, message: str) -> None:
        message = printable(message)
        if self._bar is not None:
            self._bar.console.print(message, markup=False, highlight=False)
        else:
            click.echo(message, err=True)

