"""The ``cardscan`` command: a thin layer of click over the pipeline.

stdout carries only results (``--json`` lines); logs, errors, the progress bar
and the summary go to stderr. Exit codes are decided in ``exit_code_for``.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import re
import signal
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

import click
import phonenumbers

from . import __version__
from .addressbook import EXPORT_FORMATS, Person, export_people, find_people, list_events, people_met_at
from .batch import ENGINES, BatchSummary, PhotoOutcome, ScanOptions, check_engine, default_jobs, scan
from .carddav import JOURNAL_NAME as PUSH_JOURNAL_NAME
from .carddav import (
    CardDavClient,
    PushError,
    PushJournal,
    PushResult,
    credentials_in_url,
    password_for,
    push_card,
    push_folder,
)
from .errors import BadArgumentsError, CardscanError, ExitCode, NothingFoundError, OutputError
from .ocr import DEFAULT_LANG, check_tesseract
from .qrexport import QR_FORMATS, write_qr_codes
from .report import describe, describe_merge, outcome_to_json, summary_line
from .store import ContactsFolder, WriteOptions, atomic_write_bytes, check_event_name, read_vcf
from .vcard import DEFAULT_VERSION, VCARD_VERSIONS
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


def _parse_region(ctx: click.Context, param: click.Parameter, value: str) -> str:
    region = value.upper()
    if region not in phonenumbers.SUPPORTED_REGIONS:
        raise click.BadParameter(f"{value!r} is not a country code phonenumbers knows (e.g. FR, BE, GB, US)")
    return region


def reading_options(func: Any) -> Any:
    """How photos are read and contacts written: the options scan and watch share."""
    for option in reversed([
        click.option("--date", "date", callback=_parse_date, metavar="YYYY-MM-DD",
                     help="Day of the event. Default: each photo's capture date (EXIF), else its file date."),
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


def _start_reading(event: str, contacts: str, reading: dict[str, Any], verbose: int
                   ) -> tuple[ScanOptions, ContactsFolder, int]:
    """Check what reading needs (event name, Tesseract, engine, writable folder) or exit with one line."""
    try:
        event = check_event_name(event)
        check_tesseract(reading["lang"])
        check_engine(reading["engine"])
        folder = ContactsFolder(contacts)
        folder.prepare()
    except CardscanError as exc:
        _fail(exc, verbose)
    options = ScanOptions(event=event, date=reading["date"], region=reading["region"], lang=reading["lang"],
                          note_lang=reading["note_lang"], version=reading["vcard_version"], merge=reading["merge"],
                          photo=reading["photo"], engine=reading["engine"])
    return options, folder, reading["jobs"] or default_jobs()


@main.command("scan")
@click.argument("photos", nargs=-1, required=True, metavar="PHOTO...")
@click.option("--event", "-e", default="unfiled", show_default=True,
              help="Where you met: tags every card of this run.")
@contacts_option
@reading_options
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object per photo on stdout.")
@click.option("-v", "--verbose", count=True, help="One line per card; -vv for debugging details.")
@click.option("-q", "--quiet", is_flag=True, help="Only errors.")
def scan_command(photos: Sequence[str], event: str, contacts: str, as_json: bool, verbose: int, quiet: bool,
                 **reading: Any) -> None:
    """Read business-card photos (files or folders) and file each one as a contact."""
    _configure_logging(verbose, quiet)
    options, folder, jobs = _start_reading(event, contacts, reading, verbose)
    progress = _Progress(enabled=not quiet and not as_json and sys.stderr.isatty())

    def on_outcome(outcome: PhotoOutcome) -> None:
        if as_json:
            click.echo(outcome_to_json(outcome))
        if outcome.ok and outcome.merged_with is not None and not quiet:
            progress.print(describe_merge(outcome))
        elif outcome.ok:
            log.info("%s", describe(outcome))
        else:
            progress.print(f"error: {describe(outcome)}")
        progress.advance()

    try:
        with progress:
            summary = scan(photos, options, folder, jobs,
                           on_outcome=on_outcome, on_total=progress.set_total)
    except KeyboardInterrupt:
        click.echo("cardscan: interrupted; the contacts written so far are complete", err=True)
        sys.exit(ExitCode.INTERRUPTED)
    except CardscanError as exc:
        _fail(exc, verbose)
    if not quiet:
        click.echo(summary_line(summary, contacts), err=True)
    sys.exit(exit_code_for(summary))


@main.command("events")
@contacts_option
@click.option("--json", "as_json", is_flag=True, help="One JSON object per event on stdout.")
def events_command(contacts: str, as_json: bool) -> None:
    """List the events, with their date and how many people were met there."""
    events = list_events(ContactsFolder(contacts))
    for e in events:
        if as_json:
            click.echo(json.dumps({"event": e.event, "date": e.date.isoformat(), "contacts": e.contacts},
                                  ensure_ascii=False))
        else:
            people = "contact" if e.contacts == 1 else "contacts"
            click.echo(f"{e.date.isoformat()}  {e.event}  ({e.contacts} {people})")
    if not events and not as_json:
        click.echo(f"no events yet in {contacts}", err=True)


@main.command("find")
@click.argument("text", nargs=-1, required=True)
@contacts_option
@click.option("--json", "as_json", is_flag=True, help="One JSON object per contact on stdout.")
def find_command(text: Sequence[str], contacts: str, as_json: bool) -> None:
    """Find contacts by name, company, e-mail or phone, and say where and when you met them."""
    query = " ".join(text)
    people = find_people(ContactsFolder(contacts), query)
    for person in people:
        s = person.stored
        if as_json:
            click.echo(json.dumps({
                "name": s.full_name, "organisation": s.organisation, "emails": list(s.emails),
                "phones": list(s.phones), "vcard": str(person.path),
                "met": [{"event": m.event, "date": m.date.isoformat()} for m in s.meetings],
            }, ensure_ascii=False))
        else:
            org = f" ({s.organisation})" if s.organisation and not s.is_company else ""
            met = ", ".join(f"{m.event} on {m.date.isoformat()}" for m in s.meetings) or "no recorded meeting"
            click.echo(f"{s.full_name}{org}: met at {met}")
    if not people:
        _fail(NothingFoundError(f"no contact matches {query!r} in {contacts}"), 0)


@main.command("export")
@click.option("--event", "-e", required=True, help="The event whose contacts to export.")
@click.option("--date", "date", callback=_parse_date, metavar="YYYY-MM-DD", help="Only that day of the event.")
@contacts_option
@click.option("--format", "fmt", type=click.Choice(EXPORT_FORMATS), default="vcf", show_default=True,
              help="vcf: one file for any phone; google-csv / outlook-csv: for those products' import.")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, allow_dash=True),
              help="File to write ('-' for stdout).")
def export_command(event: str, date: dt.date | None, contacts: str, fmt: str, output: str) -> None:
    """Write everyone met at an event as one file to import into a phone or a contacts service."""
    people = people_met_at(ContactsFolder(contacts), event, date)
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
    click.echo(f"{len(people)} contact{'' if len(people) == 1 else 's'} written to {output}", err=True)


@main.command("watch")
@click.argument("inbox", type=click.Path(file_okay=False))
@click.option("--event", "-e", default=UNFILED, show_default=True,
              help="Event of photos at the top of INBOX; a photo in INBOX/<name>/ is filed under <name>.")
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
    if not inbox_path.is_dir():
        _fail(BadArgumentsError(f"{inbox}: no such folder"), verbose)
    scan_options, folder, jobs = _start_reading(event, contacts, reading, verbose)
    options = WatchOptions(inbox=inbox_path, scan=scan_options, poll=poll, once=once, stability=stability,
                           jobs=jobs)
    on_filed = _pusher(push_url, user, insecure, folder) if push_url else None
    write = WriteOptions(note_lang=scan_options.note_lang, version=scan_options.version, merge=scan_options.merge)
    watcher = Watcher(options, folder, write, on_filed=on_filed)
    received: list[int] = []

    def stop(signum: int, _frame: object) -> None:
        received.append(signum)
        log.warning("cardscan watch: stopping after the photos being read")
        watcher.stop()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    how = "once" if once else f"polling every {poll:g} s" if poll else "file-system events"
    log.info("cardscan watch: %s -> %s (%s)", inbox_path, contacts, how)
    summary = watcher.run()
    log.info("cardscan watch: %d filed, %d failed, %d already filed", summary.filed, summary.failed,
             summary.already_filed)
    sys.exit(ExitCode.INTERRUPTED if signal.SIGINT in received else ExitCode.OK)


@main.command("push")
@click.option("--event", "-e", default=None, help="Only the contacts met at this event (default: all).")
@click.option("--date", "date", callback=_parse_date, metavar="YYYY-MM-DD", help="Only that day of the event.")
@contacts_option
@click.option("--url", required=True, help="The CardDAV server, or the address book's own URL.")
@click.option("--user", required=True, help="Account name. The password comes from CARDSCAN_CARDDAV_PASSWORD, "
              "~/.netrc, or a prompt, never from the command line.")
@click.option("--insecure", is_flag=True, help="Accept a server whose TLS certificate is not trusted (self-signed).")
@click.option("--force", is_flag=True, help="Overwrite contacts changed on the server since the last push.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per contact on stdout.")
def push_command(event: str | None, date: dt.date | None, contacts: str, url: str, user: str, insecure: bool,
                 force: bool, as_json: bool) -> None:
    """Upload contacts to a CardDAV address book (iCloud, Nextcloud, Fastmail, Radicale...)."""
    _configure_logging(1, False)
    folder = ContactsFolder(contacts)
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
            click.echo(json.dumps({"name": name, "action": action, "href": result.href if result else None,
                                   "error": str(error) if error else None}, ensure_ascii=False))
        elif error:
            click.echo(f"error: {name}: {error}", err=True)
        elif action != "unchanged":
            click.echo(f"{name}: {action}", err=True)

    journal = PushJournal(folder.root / PUSH_JOURNAL_NAME)
    try:
        address_book = client.discover(url)
        cards = [(p.stored.uid, p.stored.full_name, read_vcf(p.path)) for p in people]
        errors = push_folder(client, journal, address_book, cards, force=force, on_result=report)
    except PushError as exc:
        _fail(exc, 0)
    finally:
        journal.close()
    counts = ", ".join(f"{n} {action}" for action, n in sorted(summary.items()))
    click.echo(f"{address_book}: {counts}", err=True)
    sys.exit(max((e.exit_code for e in errors), default=ExitCode.OK))


@main.command("qr")
@click.argument("text", nargs=-1)
@click.option("--event", "-e", default=None, help="Only the contacts met at this event.")
@click.option("--date", "date", callback=_parse_date, metavar="YYYY-MM-DD", help="Only that day of the event.")
@contacts_option
@click.option("-o", "--output", required=True, type=click.Path(file_okay=False), help="Folder to write into.")
@click.option("--format", "fmt", type=click.Choice(QR_FORMATS), default="png", show_default=True,
              help="png/svg: one code per contact, named by its UID; html: one page with every code.")
def qr_command(text: Sequence[str], event: str | None, date: dt.date | None, contacts: str, output: str,
               fmt: str) -> None:
    """QR codes that a phone's camera turns into "add contact" (TEXT selects contacts as find does)."""
    folder = ContactsFolder(contacts)
    people = (people_met_at(folder, event, date) if event
              else [Person(path, stored) for path, stored in folder.stored_cards()])
    if text:
        wanted = {p.path for p in find_people(folder, " ".join(text))}
        people = [p for p in people if p.path in wanted]
    if not people:
        _fail(NothingFoundError(f"no contact to make a QR code for in {contacts}"), 0)
    title = f"{event} — {date.isoformat()}" if event and date else event or "cardscan"
    try:
        written, codes = write_qr_codes(people, Path(output), fmt, title)
    except OSError as exc:
        _fail(OutputError(f"{output}: cannot write ({exc.strerror or exc})"), 0)
    for code in codes:
        if code.left_out:
            click.echo(f"warning: {code.name}: too large for one QR code; left out {', '.join(code.left_out)}",
                       err=True)
    click.echo(f"{len(codes)} QR code{'' if len(codes) == 1 else 's'} written: "
               + (str(written[0]) if fmt == "html" else f"{output}/<UID>.{fmt}"), err=True)


@main.command("review")
@click.option("--event", "-e", default=None, help="Only the contacts met at this event.")
@click.option("--date", "date", callback=_parse_date, metavar="YYYY-MM-DD", help="Only that day of the event.")
@contacts_option
@click.option("--only-doubtful", is_flag=True, help="Only cards with low-confidence fields not yet reviewed.")
@click.option("--no-browser", is_flag=True, help="Print the address; do not open a browser.")
@click.option("--port", type=click.IntRange(0, 65535), default=0, help="Port on 127.0.0.1.  [default: a free one]")
@click.option("--region", default="FR", show_default=True, callback=_parse_region,
              help="Country of phone numbers typed without +prefix.")
def review_command(event: str | None, date: dt.date | None, contacts: str, only_doubtful: bool, no_browser: bool,
                   port: int, region: str) -> None:
    """Check and correct each card on a local page before it reaches the phone."""
    from .review import ReviewScope, ReviewSession, check_scope, make_server, page_url

    session = ReviewSession(ContactsFolder(contacts), ReviewScope(event, date, only_doubtful, region))
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


def _pusher(url: str, user: str | None, insecure: bool, folder: ContactsFolder) -> Callable[[PhotoOutcome], None]:
    """For watch --push: check the server once at start, then push each contact as it is filed."""
    if not user:
        _fail(BadArgumentsError("--push needs --user"), 0)
    client = _carddav_client(url, user, insecure)
    try:
        address_book = client.discover(url)
    except PushError as exc:
        _fail(exc, 0)
    log.info("cardscan watch: new contacts are pushed to %s", address_book)

    def push_one(outcome: PhotoOutcome) -> None:
        if outcome.vcard is None:
            return
        text = read_vcf(outcome.vcard)
        journal = PushJournal(folder.root / PUSH_JOURNAL_NAME)
        try:
            action = push_card(client, journal, address_book, outcome.vcard.stem, text)
            log.info("%s: %s on %s", outcome.vcard.stem, action, address_book)
        except PushError as exc:
            # the contact is safe on disk; `cardscan push` sends it later
            log.warning("error: push of %s: %s (retry with cardscan push)", outcome.source, exc)
        finally:
            journal.close()

    return push_one


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
        import urllib3

        urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)
        log.warning("warning: --insecure: the server's TLS certificate is not checked")
    elif url.startswith("http://") and not re.match(r"http://(localhost|127\.|\[::1\])", url):
        log.warning("warning: %s is not encrypted (http): the password crosses the network in clear", url)
    return CardDavClient(user, password, verify=not insecure)


def _fail(exc: CardscanError, verbose: int) -> NoReturn:
    if verbose > 1:
        log.exception("details")
    click.echo(f"cardscan: error: {exc}", err=True)
    sys.exit(exc.exit_code)


def _configure_logging(verbose: int, quiet: bool, log_file: str | None = None) -> None:
    level = logging.WARNING if quiet or not verbose else logging.INFO if verbose == 1 else logging.DEBUG
    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stderr)]
    if log_file:
        file_handler = logging.FileHandler(log_file, encoding="utf-8")
        file_handler.setFormatter(logging.Formatter("%(asctime)s %(message)s"))
        handlers.append(file_handler)
    handlers[0].setFormatter(logging.Formatter("%(message)s"))
    logging.basicConfig(level=level, handlers=handlers, force=True)
    logging.getLogger("watchfiles").setLevel(logging.WARNING)  # its "N changes detected" is noise to users


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
        if self._bar is not None:
            self._bar.console.print(message, markup=False, highlight=False)
        else:
            click.echo(message, err=True)

