"""Terminal escape sequences and control characters: removed whole from anything that reaches a terminal or
that a user typed (a question pasted with its colour codes, a file name with a newline in it).

ECMA-48 defines the sequences: CSI (ESC [ parameters intermediates final), OSC/DCS/SOS/PM/APC strings ended
by BEL or ST (ESC \\), two-character escapes (ESC and one byte), and their 8-bit C1 forms (U+009B for CSI,
U+009D for OSC). Removing only the ESC byte would leave "[31m" behind, so whole sequences go first."""

from __future__ import annotations

import re

_CSI = r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]"
_STRING = r"(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
_TWO_CHAR = r"\x1b[ -~]"
ESCAPE_SEQUENCE = re.compile(f"{_CSI}|{_STRING}|{_TWO_CHAR}")
# C0 controls except tab and newline, DEL, C1 controls.
_CONTROL_CHAR = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Line and paragraph separators that terminals and str.splitlines() treat as line breaks.
_SEPARATORS = re.compile(r"[\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
# Characters that print as nothing: zero-width spaces and joiners, the BOM, bidi marks and overrides.
INVISIBLE = re.compile(r"[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u00ad]")


def strip_control(text: str, replacement: str = "") -> str:
    """Escape sequences removed whole, then every other control character replaced (tab and newline kept)."""
    text = ESCAPE_SEQUENCE.sub(replacement, text)
    return _CONTROL_CHAR.sub(replacement, text)


def one_line(text: str) -> str:
    """Text safe to print on one terminal line: no escape sequences, control characters or line breaks."""
    text = _CONTROL_CHAR.sub(" ", _SEPARATORS.sub(" ", ESCAPE_SEQUENCE.sub("", text)))
    return re.sub(r"\s+", " ", text).strip()
