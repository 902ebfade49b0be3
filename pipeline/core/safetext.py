"""Text from outside (file names, card text, a server's answers) made safe to store and to print.

Two dangers, one helper each:
- a file name that is not UTF-8 reaches Python as lone surrogates (PEP 383), which no UTF-8 file, SQLite
  database or JSON line can hold: ``storable`` puts U+FFFD in place of each byte that did not decode;
- a line break or a terminal escape inside a file name or a card's text would let it print a line of its
  own ("error: other.jpg: ...") or repaint the terminal: ``printable`` writes every control character as an
  escape (``\\n``, ``\\x1b``, ``\\u202e``) and a byte that did not decode as ``\\xff``, so what cardscan
  prints is always its own lines, one per message.
"""

from __future__ import annotations

import os
import re

_SURROGATES = re.compile("[\ud800-\udfff]")
# C0 and C1 controls, DEL, line and paragraph separators, the bidirectional overrides and isolates
# (which reorder what follows them on screen), and the surrogates of undecodable bytes
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def storable(text: str | os.PathLike[str]) -> str:
    """``text`` with each undecodable byte of a file name (a lone surrogate) as U+FFFD: it encodes as UTF-8."""
    text = os.fspath(text)
    return _SURROGATES.sub("\ufffd", text) if not text.isascii() else text


def printable(text: object) -> str:
    """``str(text)`` on one line, with nothing that a terminal would obey: control characters escaped."""
    string = os.fspath(text) if isinstance(text, os.PathLike) else str(text)
    return _UNPRINTABLE.sub(_escape, string)


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    if char in _NAMED:
        return _NAMED[char]
    if 0xDC80 <= code <= 0xDCFF:  # the byte of a file name that was not UTF-8
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"
