"""Answer prose a reader wants: markdown emphasis, list markers and heading marks removed, table cells joined,
LaTeX rendered to Unicode (pylatexenc), one line. Quotes in citations keep the note's text verbatim; only the
answer's prose goes through here."""

from __future__ import annotations

import re
from functools import lru_cache

from confqa.ingest.loading import clean_inline
from confqa.text.lexicon import CHAT_HEADER_LINE

_LIST_MARKER = re.compile(r"^\s*(?:[-*+:]|\d{1,3}[.)])\s+")  # ":" opens a definition-list entry
# Math as notes write it: \( … \), \[ … \], $$ … $$, and $ … $ when its content looks like math (a backslash,
# a sub- or superscript, an equals sign) rather than two prices ("$500 … $10k").
_MATH = re.compile(r"\\\((.+?)\\\)|\\\[(.+?)\\\]|\$\$(.+?)\$\$|(?<![\w$])\$(?!\s)([^$\n]*?[\\^_=][^$\n]*?)(?<!\s)\$(?![\w$])",
                   re.S)
_HEADING_MARK = re.compile(r"^\s*#{1,6}\s+")
_CHAT_HEADER = re.compile(CHAT_HEADER_LINE)
# A report's paragraph number ("2.5 ", "3.2.1. ") before a capitalised word: not "1.5 GB of memory".
_OUTLINE_NUMBER = re.compile(r"^\s*\d{1,2}(?:\.\d{1,2}){1,3}\.?\s+(?=[A-Z][a-z])")
# A field line: a short label, a colon (two in Logseq's and Dataview's 'speaker:: Jane Doe') and its value. Lines
# joined into one must keep fields apart: 'Type: Talk; Time: 14:00', not 'Type: Talk Time: 14:00'.
_FIELD = re.compile(r"^(?P<label>[^\W\d_][\w()/&'’ -]{0,30}?)\s*::?[ \t]+(?P<value>\S.*)$")
_ENDS_CLAUSE = re.compile(r"[.;:!?,…]$")
# The marks of a question and its answer in notes of a Q&A: '**Q** (student): …', '**A** Yes; …', 'Q: …'.
EXCHANGE_MARK = re.compile(r"^\s*(?:(?:\*\*|__)(?P<bold>Q|A)(?::)?(?:\*\*|__)|(?P<plain>Q|A))(?P<who>\s*\([^()]*\))?"
                           r"(?(plain)\s*:|\s*:?)\s*(?=\S)")
_PLACEHOLDER = "\ue100{}\ue101"


@lru_cache(maxsize=1)
def _latex():  # type: ignore[no-untyped-def]
    from pylatexenc.latex2text import LatexNodes2Text

    return LatexNodes2Text(math_mode="text", strict_latex_spaces=True)


def render_math(latex: str) -> str:
    """A LaTeX formula as readable Unicode: \\pi_\\theta -> π_θ, \\mathcal{D} -> 𝒟, \\frac{a}{b} -> a/b."""
    try:
        text = _latex().latex_to_text(latex)
    except Exception:  # pylatexenc is lenient, but a formula must never break an answer
        return latex.strip()
    return re.sub(r"\s+", " ", text).strip()


def _with_math_rendered(text: str) -> tuple[str, list[str]]:
    formulas: list[str] = []

    def keep(match: re.Match[str]) -> str:
        formulas.append(render_math(next(g for g in match.groups() if g is not None)))
        return _PLACEHOLDER.format(len(formulas) - 1)

    return _MATH.sub(keep, text), formulas


def with_math_rendered(text: str) -> str:
    """The text with its LaTeX formulas in Unicode and everything else as it was."""
    if "\\" not in text and "$" not in text:
        return text
    replaced, formulas = _with_math_rendered(text)
    return re.sub("\ue100(\\d+)\ue101", lambda m: formulas[int(m.group(1))], replaced)


_DEFINITION = re.compile(r"^\s*:\s+")  # the definition of a definition list's term, on the line below it


@lru_cache(maxsize=65536)
def display_text(quote: str) -> str:
    """A quote as a reader wants it in the answer: no markdown, table cells joined, formulas in Unicode, one line."""
    quote, formulas = _with_math_rendered(quote)
    lines = []
    for line in quote.splitlines():
        stripped = line.strip()
        if stripped.startswith("|") and stripped.endswith("|"):
            cells = [clean_inline(c) for c in stripped.strip("|").split("|")]
            lines.append(" — ".join(c for c in cells if c))
        elif _DEFINITION.match(line) and lines and lines[-1] and not lines[-1].endswith(":"):
            # A definition list ('Speakers' then ': Sofie Claes and Malik Diallo') reads 'Speakers: Sofie Claes …'.
            lines[-1] = f"{lines[-1]}: {clean_inline(_DEFINITION.sub('', line))}"
        elif not lines and "\n" in quote.strip() and _CHAT_HEADER.match(stripped):
            lines.append(clean_inline(stripped) + ":")  # "**ana** 9:38 AM" over her message reads "ana 9:38 AM: …"
        else:
            # A list marker inside emphasis ("**1. Evaluation is broken**") shows once the emphasis is gone.
            line = _marked_exchange(_LIST_MARKER.sub("", _HEADING_MARK.sub("", line)))
            if not lines:
                line = _OUTLINE_NUMBER.sub("", line)  # "2.5 The author was accompanied by …" in a numbered report
            lines.append(_LIST_MARKER.sub("", clean_inline(line)))
    lines = _fields_apart([line for line in lines if line])
    text = " ".join(line for line in lines if line)
    text = re.sub("\ue100(\\d+)\ue101", lambda m: formulas[int(m.group(1))], text)
    return re.sub(r"\s+", " ", text).strip()


def _marked_exchange(line: str) -> str:
    """'**A** Yes; a camera helps' reads 'A: Yes; a camera helps': the mark of a question or an answer in notes of
    a Q&A keeps a colon once its bold is gone ('A camera helps' has no mark)."""
    mark = EXCHANGE_MARK.match(line)
    if not mark:
        return line
    return f"{mark.group('bold') or mark.group('plain')}{mark.group('who') or ''}: {line[mark.end():]}"


def _fields_apart(lines: list[str]) -> list[str]:
    """Runs of field lines as they read in one line: one colon each, and a semicolon after each but the text's
    last unless it ends a clause. A lone 'Note: …' line may be prose wrapped onto the next line, and is left alone."""
    fields = [_FIELD.match(line) for line in lines]
    out = []
    for i, (line, field) in enumerate(zip(lines, fields)):
        if field and (i + 1 < len(lines) and fields[i + 1] or i > 0 and fields[i - 1]):
            value = field.group("value").strip()
            line = f"{field.group('label').strip()}: {value}"
            if i + 1 < len(lines) and not _ENDS_CLAUSE.search(value):
                line += ";"
        out.append(line)
    return out
