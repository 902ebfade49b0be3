"""The command line: exit codes, messages, --json lines, the summary (stages faked where noted)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import pipeline.batch as batch
from pipeline.cli import main
from pipeline.core.errors import ExitCode, NoTextError
from pipeline.core.models import CardReading, Contact, Found, Meeting, PersonName

from .conftest import SAMPLES


def fake_reading(source: str, options: batch.ScanOptions) -> list[CardReading]:
    """Stands in for stages 1-5 so these tests check the CLI alone."""
    if "notext" in source:
        raise NoTextError("no text found on the photo")
    from pipeline.read.load import load_photo

    photo = load_photo(source)  # the real loader, so bad files fail as they really do
    contact = Contact(name=Found(PersonName("Camille Martin", "Camille", "Martin"), 0.9),
                      emails=(Found("camille@exemple-atelier.fr", 0.4),))
    return [CardReading(source=source, sha256=photo.sha256, contact=contact,
                        meeting=Meeting(options.event, options.date or photo.taken or photo.modified),
                        ocr_confidence=0.9, found_card=True)]


@pytest.fixture
def fake_pipeline(monkeypatch):
    monkeypatch.setattr(batch, "read_photo", fake_reading)


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def good_photo(tmp_path: Path, name: str = "card.jpg") -> Path:
    target = tmp_path / name
    target.write_bytes((SAMPLES / "fr-atelier-lumiere.jpg").read_bytes())
    return target


def test_scan_is_the_default_command(fake_pipeline, tmp_path: Path, contacts: Path):
    photo = good_photo(tmp_path)
    code, out, err = run(str(photo), "--event", "vernissage", "--contacts", str(contacts), "-j", "1")
    assert code == ExitCode.OK
    assert out == ""
    assert "1 card written to" in err and "0 failed" in err and "1 doubtful field to review" in err
    assert len(list((contacts / "people").glob("*.vcf"))) == 1
    assert (contacts / "events" / "2026-11-20_vernissage.vcf").exists()


def test_json_lines_for_good_and_bad_photos(fake_pipeline, tmp_path: Path, contacts: Path):
    photo = good_photo(tmp_path)
    bad = tmp_path / "text.jpg"
    bad.write_text("not a photo", encoding="utf-8")
    code, out, err = run(str(photo), str(bad), str(tmp_path / "missing.jpg"), "--event", "salon",
                         "--contacts", str(contacts), "--json", "-j", "1")
    records = [json.loads(line) for line in out.splitlines()]
    assert code == ExitCode.INPUT_UNREADABLE
    by_source = {Path(r["source"]).name: r for r in records}
    assert set(by_source) == {"card.jpg", "text.jpg", "missing.jpg"}
    ok = by_source["card.jpg"]
    assert ok["status"] == "ok" and ok["error"] is None and Path(ok["vcard"]).exists()
    assert ok["contact"]["name"]["full"] == "Camille Martin"
    assert ok["contact"]["emails"][0]["confidence"] == 0.4
    bad_record = by_source["text.jpg"]
    assert bad_record["status"] == "error" and bad_record["vcard"] is None
    assert "not an image" in bad_record["error"]
    assert by_source["missing.jpg"]["error"] == "no such file"
    assert f"error: {bad}: not an image" in err


def test_each_bad_input_gets_one_line_and_the_batch_goes_on(fake_pipeline, tmp_path: Path, contacts: Path):
    empty = tmp_path / "empty.jpg"
    empty.write_bytes(b"")
    tiny = tmp_path / "tiny.png"
    from PIL import Image

    Image.new("RGB", (1, 1)).save(tiny)
    folder_without_images = tmp_path / "nothing"
    folder_without_images.mkdir()
    photo = good_photo(tmp_path)
    code, _, err = run(str(empty), str(tiny), str(folder_without_images), str(photo),
                       "--event", "x", "--contacts", str(contacts), "-j", "1")
    error_lines = [line for line in err.splitlines() if line.startswith("error:")]
    assert len(error_lines) == 3
    assert any("empty.jpg: empty file" in line for line in error_lines)
    assert any("tiny.png: image too small" in line for line in error_lines)
    assert any("nothing: no photos in this folder" in line for line in error_lines)
    assert "Traceback" not in err
    assert "1 card written" in err and "3 failed" in err
    assert code == ExitCode.INPUT_UNREADABLE


def test_photo_with_no_text(fake_pipeline, tmp_path: Path, contacts: Path):
    blank = good_photo(tmp_path, "notext.jpg")
    code, _, err = run(str(blank), "--contacts", str(contacts), "-j", "1")
    assert code == ExitCode.NO_TEXT
    assert "notext.jpg: no text found on the photo" in err


def test_folder_of_photos(fake_pipeline, tmp_path: Path, contacts: Path):
    photos = tmp_path / "photos"
    photos.mkdir()
    good_photo(photos, "a.jpg")
    good_photo(photos, "b.JPG")
    (photos / "notes.txt").write_text("ignored", encoding="utf-8")
    code, out, _ = run(str(photos), "--event", "salon", "--contacts", str(contacts), "--json", "-j", "1")
    assert code == ExitCode.OK
    assert [Path(json.loads(line)["source"]).name for line in out.splitlines()] == ["a.jpg", "b.JPG"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--event", "x" * 300], "too long"),
        (["--event", "  "], "empty"),
        (["--date", "20-11-2026"], "YYYY-MM-DD"),
        (["--region", "XX"], "country code"),
        (["-j", "0"], "0"),
    ],
)
def test_bad_arguments(fake_pipeline, tmp_path: Path, contacts: Path, args, message):
    code, _, err = run(str(good_photo(tmp_path)), "--contacts", str(contacts), *args)
    assert code == ExitCode.BAD_ARGS
    assert message in err
    assert not (contacts / "people").exists() or not any((contacts / "people").iterdir())


def test_hostile_event_name_is_filed_safely(fake_pipeline, tmp_path: Path, contacts: Path):
    code, _, _ = run(str(good_photo(tmp_path)), "--event", "../../etc", "--contacts", str(contacts), "-j", "1")
    assert code == ExitCode.OK
    assert [p.name for p in (contacts / "events").iterdir()] == ["2026-11-20_etc.vcf"]
    assert not (tmp_path / "etc").exists()


def test_date_option_overrides_exif(fake_pipeline, tmp_path: Path, contacts: Path):
    run(str(good_photo(tmp_path)), "--event", "gala", "--date", "2027-01-31", "--contacts", str(contacts), "-j", "1")
    assert (contacts / "events" / "2027-01-31_gala.vcf").exists()


def test_unwritable_output(fake_pipeline, tmp_path: Path):
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    code, _, err = run(str(good_photo(tmp_path)), "--contacts", str(blocker / "contacts"))
    assert code == ExitCode.OUTPUT_NOT_WRITABLE
    assert "cannot write the contacts folder" in err


def test_contacts_folder_from_the_environment(fake_pipeline, tmp_path: Path, monkeypatch):
    monkeypatch.setenv("CARDSCAN_CONTACTS", str(tmp_path / "from-env"))
    code, _, _ = run(str(good_photo(tmp_path)), "--event", "x", "-j", "1")
    assert code == ExitCode.OK
    assert (tmp_path / "from-env" / "people").is_dir()


def test_tesseract_missing(tmp_path: Path, contacts: Path, monkeypatch):
    import pytesseract

    from pipeline.read.ocr_tesseract import check_tesseract

    check_tesseract.cache_clear()
    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", str(tmp_path / "no-tesseract"))
    try:
        code, _, err = run(str(good_photo(tmp_path)), "--contacts", str(contacts))
    finally:
        check_tesseract.cache_clear()
    assert code == ExitCode.TESSERACT_MISSING
    assert "Tesseract is not installed" in err and "apt-get install tesseract-ocr" in err


def test_version_and_help():
    assert run("--version")[1].startswith("cardscan, version")
    code, out, _ = run("--help")
    assert code == 0 and "scan" in out


def test_meeting_someone_again_is_reported_and_merged(fake_pipeline, tmp_path: Path, contacts: Path):
    first = good_photo(tmp_path, "first.jpg")
    second = tmp_path / "second.png"
    from PIL import Image

    Image.open(first).save(second)  # same person, another photo (another hash)
    run(str(first), "--event", "vernissage", "--contacts", str(contacts), "-j", "1")
    code, out, err = run(str(second), "--event", "salon", "--date", "2027-01-10", "--contacts", str(contacts),
                         "--json", "-j", "1")
    assert code == ExitCode.OK
    assert "second.png: merged with Camille Martin (met at vernissage, 2026-11-20)" in err
    record = json.loads(out)
    assert record["merged_with"]["name"] == "Camille Martin"
    assert len(list((contacts / "people").iterdir())) == 1
    assert sorted(p.name for p in (contacts / "events").iterdir()) == [
        "2026-11-20_vernissage.vcf", "2027-01-10_salon.vcf"]

    code, out, _ = run("events", "--contacts", str(contacts))
    assert code == 0
    assert out.splitlines() == ["2027-01-10  salon  (1 contact)", "2026-11-20  vernissage  (1 contact)"]

    code, out, _ = run("find", "CAMILLE", "--contacts", str(contacts))
    assert out.strip() == ("Camille Martin · camille@exemple-atelier.fr · met at vernissage on 2026-11-20, "
                           "salon on 2027-01-10")
    code, out, _ = run("find", "camille@exemple-atelier.fr", "--contacts", str(contacts), "--json")
    assert [m["event"] for m in json.loads(out)["met"]] == ["vernissage", "salon"]
    code, _, err = run("find", "nobody", "--contacts", str(contacts))
    assert code == ExitCode.NOTHING_FOUND and "no contact matches 'nobody'" in err


def test_no_merge_option(fake_pipeline, tmp_path: Path, contacts: Path):
    first = good_photo(tmp_path, "first.jpg")
    second = tmp_path / "second.png"
    from PIL import Image

    Image.open(first).save(second)
    run(str(first), str(second), "--event", "x", "--contacts", str(contacts), "-j", "1", "--no-merge")
    assert len(list((contacts / "people").iterdir())) == 2


@pytest.mark.parametrize(("fmt", "start"), [("vcf", b"BEGIN:VCARD\r\n"), ("google-csv", b"First Name,"),
                                            ("outlook-csv", b"\xef\xbb\xbfTitle,First Name,")])
def test_export(fake_pipeline, tmp_path: Path, contacts: Path, fmt: str, start: bytes):
    run(str(good_photo(tmp_path)), "--event", "Vernissage Nord", "--contacts", str(contacts), "-j", "1")
    target = tmp_path / f"out.{fmt}"
    code, _, err = run("export", "--event", "vernissage nord", "--contacts", str(contacts), "--format", fmt,
                       "-o", str(target))
    assert code == 0, err
    assert target.read_bytes().startswith(start)
    assert f"1 contact written to {target}" in err
    code, _, err = run("export", "--event", "gala", "--contacts", str(contacts), "-o", str(target))
    assert code == ExitCode.NOTHING_FOUND and "nobody met at 'gala'" in err


def test_photo_option_keeps_a_small_jpeg(tmp_path: Path, contacts: Path):
    import numpy as np

    from pipeline.read.card_images import MAX_BYTES, MAX_SIDE, contact_photo

    noisy = np.random.default_rng(0).integers(0, 255, (1200, 1800, 3), dtype=np.uint8)
    jpeg = contact_photo(noisy)
    assert jpeg.startswith(b"\xff\xd8") and len(jpeg) <= MAX_BYTES
    from PIL import Image

    assert max(Image.open(io.BytesIO(jpeg)).size) <= MAX_SIDE


def test_the_summary_ends_with_the_next_steps(fake_pipeline, tmp_path: Path, contacts: Path):
    code, _, err = run(str(good_photo(tmp_path)), "--event", "Vernissage Nord", "--contacts", str(contacts), "-j", "1")
    assert code == ExitCode.OK
    summary = err.strip().splitlines()[-1]
    assert summary.startswith("1 card written to")
    assert summary.endswith(
        f"; for the phone: {contacts}/events/2026-11-20_vernissage-nord.vcf; next: cardscan review --event "
        f"'Vernissage Nord' --contacts {contacts} or cardscan sheet --event 'Vernissage Nord' -o "
        f"vernissage-nord.html --contacts {contacts}")


def test_the_same_card_twice_in_one_run_is_not_someone_met_before(fake_pipeline, tmp_path: Path, contacts: Path):
    first = good_photo(tmp_path, "first.jpg")
    second = tmp_path / "second.png"
    from PIL import Image

    Image.open(first).save(second)  # the same card, photographed again (another hash)
    code, _, err = run(str(first), str(second), "--event", "vernissage", "--contacts", str(contacts), "-j", "1")
    assert code == ExitCode.OK
    assert f"{second}: same person as {first} (Camille Martin)" in err
    assert "met before" not in err and "merged" not in err
    assert "2 cards written to" in err and "(1 photographed twice)" in err
    assert len(list((contacts / "people").iterdir())) == 1


def address_book(tmp_path: Path) -> Path:
    """Three people on disk, written the way a scan writes them."""
    import datetime as dt

    from pipeline.contacts.folder import ContactsFolder
    from pipeline.core.models import Phone

    folder = ContactsFolder(tmp_path / "contacts")
    folder.prepare()
    people = [("a", "Camille Martin", "Atelier Lumière SARL", "camille@atelier-lumiere.fr", "+33612345678",
               "Vernissage"),
              ("b", "Hélène Lefèvre", "Éditions du Quai", "helene@editions-du-quai.fr", "+33698765432", "Salon"),
              ("c", "Jean Dupont", "", "jean@dupont.fr", "+33142685300", "Vernissage")]
    for sha, name, org, email, phone, event in people:
        contact = Contact(name=Found(PersonName(name, *name.split(" ", 1)), 0.9),
                          organisation=Found(org, 0.9) if org else None, emails=(Found(email, 0.9),),
                          phones=(Found(Phone(phone, "cell", "240" if sha == "c" else ""), 0.9),))
        folder.write_contact(CardReading(source=f"/p/{sha}.jpg", sha256=sha * 64, contact=contact,
                                         meeting=Meeting(event, dt.date(2026, 11, 20)), ocr_confidence=0.9,
                                         found_card=True))
    return folder.root


@pytest.mark.parametrize("query", ["camile", "Camille Martn", "camlile", "MARTIN", "lumiere", "atelier lumère"])
def test_find_forgives_one_typo_and_accents(tmp_path: Path, query: str):
    contacts = address_book(tmp_path)
    code, out, _ = run("find", *query.split(), "--contacts", str(contacts))
    assert code == 0
    assert out.splitlines() == ["Camille Martin (Atelier Lumière SARL) · +33 6 12 34 56 78 · "
                                "camille@atelier-lumiere.fr · met at Vernissage on 2026-11-20"]


def test_find_says_when_it_guessed_and_is_not_too_loose(tmp_path: Path):
    contacts = address_book(tmp_path)
    code, out, err = run("find", "helen", "lefevre", "--contacts", str(contacts))
    assert code == 0 and out.startswith("Hélène Lefèvre (Éditions du Quai)") and "one letter apart" not in err
    code, out, err = run("find", "lefebre", "--contacts", str(contacts))
    assert code == 0 and out.startswith("Hélène Lefèvre") and "no contact matches 'lefebre' exactly" in err
    for far in ("lefbvre2", "dupnot jean x", "xam"):  # two typos; an unknown word; too short to guess
        code, out, err = run("find", *far.split(), "--contacts", str(contacts))
        assert code == ExitCode.NOTHING_FOUND and out == "", far


def test_list_an_event(tmp_path: Path):
    contacts = address_book(tmp_path)
    code, out, _ = run("list", "--event", "vernissage", "--contacts", str(contacts))
    assert code == 0
    assert out.splitlines() == [
        "Camille Martin (Atelier Lumière SARL) · +33 6 12 34 56 78 · camille@atelier-lumiere.fr · "
        "met at Vernissage on 2026-11-20",
        "Jean Dupont · +33 1 42 68 53 00 · jean@dupont.fr · met at Vernissage on 2026-11-20"]
    code, out, _ = run("list", "--contacts", str(contacts), "--json")
    assert [json.loads(line)["name"] for line in out.splitlines()] == ["Camille Martin", "Hélène Lefèvre",
                                                                       "Jean Dupont"]
    code, _, err = run("list", "--event", "gala", "--contacts", str(contacts))
    assert code == ExitCode.NOTHING_FOUND and "nobody met at 'gala'" in err


# ---------------------------------------------------------------- a forgiving command line

def test_a_missing_event_is_one_warning_naming_the_default(fake_pipeline, tmp_path: Path, contacts: Path):
    code, _, err = run(str(good_photo(tmp_path)), "--contacts", str(contacts), "-j", "1")
    assert code == ExitCode.OK
    warnings = [line for line in err.splitlines() if line.startswith("warning:")]
    assert warnings == ["warning: no --event given: the cards are filed under 'unfiled' "
                        "(cardscan events rename unfiled NAME files them under an event later)"]
    assert (contacts / "events" / "2026-11-20_unfiled.vcf").exists()
    _, _, err = run(str(good_photo(tmp_path)), "--event", "gala", "--contacts", str(contacts), "-j", "1")
    assert "warning" not in err


@pytest.mark.parametrize(("typo", "command"), [("exprot", "export"), ("lsit", "list"), ("evnets", "events"),
                                               ("reveiw", "review"), ("sheets", "sheet")])
def test_a_command_typo_is_not_read_as_a_photo(tmp_path: Path, contacts: Path, typo: str, command: str):
    code, _, err = run(typo, "--event", "x", "--contacts", str(contacts))
    assert code == ExitCode.BAD_ARGS
    assert err.strip() == f"cardscan: error: {typo!r} is no command and no file; did you mean `{command}`?"
    assert not contacts.exists()


def test_a_file_named_like_a_command_is_still_a_photo(fake_pipeline, tmp_path: Path, contacts: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    good_photo(tmp_path, "lists")  # a photo someone saved without an extension
    code, _, err = run("lists", "--event", "x", "--contacts", str(contacts), "-j", "1")
    assert code == ExitCode.OK, err


@pytest.mark.parametrize(("words", "event", "suggestion"), [
    (["vernissage"], None, "--event vernissage"),
    (["du", "livre"], "salon", "--event 'salon du livre'"),
])
def test_a_bare_word_after_the_photos_is_probably_the_event(fake_pipeline, tmp_path: Path, contacts: Path,
                                                           words, event, suggestion):
    args = [str(good_photo(tmp_path)), *words, "--contacts", str(contacts)] + (["--event", event] if event else [])
    code, _, err = run(*args)
    assert code == ExitCode.BAD_ARGS
    assert err.strip() == f"cardscan: error: {', '.join(words)}: no such file; did you mean `{suggestion}`?"
    assert not contacts.exists()  # nothing filed, nothing created


def test_nothing_is_created_when_nothing_is_filed(fake_pipeline, tmp_path: Path, contacts: Path):
    code, _, _ = run(str(tmp_path / "missing.jpg"), "--event", "x", "--contacts", str(contacts))
    assert code == ExitCode.INPUT_UNREADABLE
    code, _, _ = run(str(good_photo(tmp_path, "notext.jpg")), "--event", "x", "--contacts", str(contacts), "-j", "1")
    assert code == ExitCode.NO_TEXT
    assert not contacts.exists()


def test_files_that_are_not_photos_beside_the_photos_are_skipped_and_counted(fake_pipeline, tmp_path: Path,
                                                                            contacts: Path):
    shot = tmp_path / "shot"
    shot.mkdir()
    good_photo(shot, "a.jpg")
    (shot / "a.json").write_text("{}", encoding="utf-8")
    (shot / "notes.txt").write_text("x", encoding="utf-8")
    everything = sorted(str(p) for p in shot.iterdir())  # what the shell makes of shot/*
    code, out, err = run(*everything, "--event", "x", "--contacts", str(contacts), "--json", "-j", "1")
    assert code == ExitCode.OK, err
    assert [Path(json.loads(line)["source"]).name for line in out.splitlines()] == ["a.jpg"]
    assert "1 card written to" in err and "0 failed, 2 files not photos skipped" in err
    assert "error" not in err
    # a folder given as such: the same count
    code, _, err = run(str(shot), "--event", "x", "--contacts", str(contacts), "-j", "1")
    assert code == ExitCode.OK and "0 failed, 2 files not photos skipped" in err


def test_a_file_named_alone_that_is_not_a_photo_is_an_error(fake_pipeline, tmp_path: Path, contacts: Path):
    notes = tmp_path / "notes.txt"
    notes.write_text("x", encoding="utf-8")
    code, _, err = run(str(notes), "--event", "x", "--contacts", str(contacts))
    assert code == ExitCode.INPUT_UNREADABLE
    assert f"error: {notes}: not an image cardscan can read" in err
    elsewhere = tmp_path / "photos"
    elsewhere.mkdir()
    code, _, err = run(str(good_photo(elsewhere)), str(notes), "--event", "x", "--contacts", str(contacts), "-j", "1")
    assert code == ExitCode.INPUT_UNREADABLE and f"error: {notes}: not an image" in err
