"""Exit codes and the exceptions that carry them.

Every failure cardscan reports is one of these exceptions; the CLI maps them to
exit codes in one place (``cli.exit_code_for``), so a code never drifts from its
meaning.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Process exit codes, documented in the README."""

    OK = 0
    BAD_ARGS = 2
    INPUT_UNREADABLE = 3
    NO_TEXT = 4
    TESSERACT_MISSING = 5
    OUTPUT_NOT_WRITABLE = 6
    NOTHING_FOUND = 7
    AUTH_FAILED = 8
    FORBIDDEN = 9
    INTERNAL = 10
    NOT_AN_ADDRESS_BOOK = 11
    CONFLICT = 12
    SERVER_UNREACHABLE = 13
    PUSH_FAILED = 14
    INTERRUPTED = 130


class CardscanError(Exception):
    """Base of every error cardscan reports as one line."""

    exit_code: ExitCode = ExitCode.INTERNAL


class BadArgumentsError(CardscanError):
    """The command line asks for something impossible (bad event name, date...)."""

    exit_code = ExitCode.BAD_ARGS


class InputError(CardscanError):
    """A photo cannot be read: missing, empty, not an image, truncated, too large."""

    exit_code = ExitCode.INPUT_UNREADABLE


class NoTextError(CardscanError):
    """The photo decodes but nothing that looks like a card's text was read on it."""

    exit_code = ExitCode.NO_TEXT


class TesseractMissingError(CardscanError):
    """Tesseract or one of the requested languages is not installed."""

    exit_code = ExitCode.TESSERACT_MISSING


class OcrFailedError(CardscanError):
    """Tesseract ran but failed or timed out on one image."""

    exit_code = ExitCode.INPUT_UNREADABLE


class NothingFoundError(CardscanError):
    """A query (find, export) matched no contact."""

    exit_code = ExitCode.NOTHING_FOUND


class OutputError(CardscanError):
    """The contacts folder cannot be written."""

    exit_code = ExitCode.OUTPUT_NOT_WRITABLE


class UnexpectedError(CardscanError):
    """Something went wrong that cardscan did not foresee (a bug), or a reading process was killed.

    It is the error of one photo: the batch and the watcher go on. ``details`` keeps the traceback for -vv.
    """

    exit_code = ExitCode.INTERNAL

    def __init__(self, message: str, details: str = "") -> None:
        super().__init__(message)
        self.details = details

    def __reduce__(self) -> tuple[type[UnexpectedError], tuple[str, str]]:
        return (type(self), (str(self), self.details))  # crosses from a worker process whole

    @classmethod
    def from_exception(cls, exc: BaseException) -> UnexpectedError:
        import traceback

        details = "".join(traceback.format_exception(exc))
        return cls(f"unexpected error: {type(exc).__name__}: {exc}", details)
