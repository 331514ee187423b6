"""The one rule for text people send: characters that no page, feed, e-mail header, CSV cell or DynamoDB item can
carry faithfully are refused, with a message the form shows next to the field."""
from __future__ import annotations

import unicodedata

# Line breaks and tabs belong in a paragraph of text (a note, a description), never in a one-line answer: there a
# CR or LF could start a new e-mail header or CSV row.
MULTILINE_WHITESPACE = frozenset("\t\n\r")
UNSHOWABLE = ("Remove the character shown as \ufffd from this answer: it stands for an invisible control "
              "character (it may have come with pasted text), which cannot be stored.")


def unshowable(text: str, multiline: bool = False) -> bool:
    """Whether ``text`` holds a control character (NUL and the other C0 and C1 codes, DEL), half of a surrogate
    pair (not encodable as UTF-8) or a noncharacter such as U+FFFE (not allowed in XML: the feeds would break)."""
    allowed = MULTILINE_WHITESPACE if multiline else frozenset()
    return any(_unshowable_char(char, allowed) for char in text)


def shown(text: str, multiline: bool = False) -> str:
    """``text`` with each such character replaced by U+FFFD, as a browser would show it: a refused answer is
    given back in its field with the rest of what was typed, and the page stays well-formed."""
    allowed = MULTILINE_WHITESPACE if multiline else frozenset()
    return "".join("\ufffd" if _unshowable_char(char, allowed) else char for char in text)


def _unshowable_char(char: str, allowed: frozenset) -> bool:
    if char in allowed:
        return False
    return unicodedata.category(char) in ("Cc", "Cs") or (ord(char) & 0xFFFE) == 0xFFFE or 0xFDD0 <= ord(char) <= 0xFDEF
