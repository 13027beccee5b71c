"""The one sentence splitter: chunking cuts notes into sentences with it, talk detection reads titles and
bylines with it, the answerer finds the sentence that answers inside a quoted line, generation checks a
generated answer sentence by sentence."""

from __future__ import annotations

import re

from confqa.text import lexicon

# A sentence ends at . ! ? (optionally followed by closing quotes/brackets/emphasis) and whitespace,
# unless the word before is a common abbreviation.
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]*_]*\s+")
_INITIAL = re.compile(r"(?:^|[\s(*_])([^\W\d_])\.$")
_ABBREVIATIONS = {
    "e.g", "i.e", "etc", "vs", "al", "dr", "mr", "mrs", "ms", "prof", "fig", "eq", "no", "approx", "cf",
    "st", "jr", "sr", "inc", "ltd", "co", "u.s", "u.k", "ph.d", "a.k.a", "resp", "sec", "vol", "ca",
}


# Characters a parenthesis may hold and still keep its sentence whole: "(wall power? GPU counters?)" is one
# sentence with what is around it (a question or an exclamation inside it ends nothing); a "(" with no ")" this
# close after it is a stray.
PARENTHESIS_SPAN = 200
_ORDINAL_DATE = re.compile(r"(?:^|[\s(–-])\d{1,2}\.$")
_LETTERED = re.compile(rf"(?i:\b(?:{lexicon.LETTERED_NOUNS}))\s+[A-Z]\.$")
_MONTH_NEXT = re.compile(r"(?:" + "|".join(lexicon.OTHER_MONTHS + lexicon.MONTHS) + r")\b", re.I)


# A chat message's header at the start of a line ("[10:25] raj.s: …", "**priya** 9:05 AM"): a new message, so a new
# sentence, whatever the line before it ended with.
_CHAT_LINE = re.compile(lexicon.CHAT_HEADER, re.M)


def sentence_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Split text[start:end] into sentences; returns absolute (start, end) offsets, whitespace trimmed. A line that
    opens with a chat message's header starts a sentence."""
    cuts = [start + m.start() for m in _CHAT_LINE.finditer(text[start:end]) if m.start() > 0]
    if cuts:
        bounds = [start, *cuts, end]
        return [span for a, b in zip(bounds, bounds[1:]) for span in _spans(text, a, b)]
    return _spans(text, start, end)


def _spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    segment = text[start:end]
    cursor = 0
    for match in _SENTENCE_END.finditer(segment):
        stop = match.end()
        candidate = segment[cursor:match.start() + 1]
        word = re.findall(r"([A-Za-z][A-Za-z.]*)\.?$", candidate[-12:])
        if word and word[0].rstrip(".").lower() in _ABBREVIATIONS:
            continue
        initial = _INITIAL.search(candidate)
        if initial and initial.group(1).isupper() and not _LETTERED.search(candidate):
            continue  # an initial: "J. K. Ortiz", "A. Feder Cooper"
        following = segment[stop:stop + 1]
        if following and following.islower():
            continue  # "e.g. foo" or "approx. ten": not a sentence start
        opened = candidate.rfind("(")
        in_parenthesis = opened > candidate.rfind(")") and len(candidate) - opened <= PARENTHESIS_SPAN \
            and ")" in segment[stop:stop + PARENTHESIS_SPAN]
        if segment[match.start()] in "?!" and in_parenthesis:
            continue  # "(wall power? GPU counters? the CPU host?)": a question inside a parenthesis
        if _ORDINAL_DATE.search(candidate) and _MONTH_NEXT.match(segment, stop):
            continue  # "Dresden, 14.–15. März 2024": a German date, not a sentence end
        if len(candidate.strip()) < 2 or re.fullmatch(r"\W*\d{1,3}[.)]?", candidate.strip()):
            continue  # "**1." is an enumerator, not a sentence
        spans.append((cursor, stop))
        cursor = stop
    if cursor < len(segment):
        spans.append((cursor, len(segment)))
    result = []
    for s, e in spans:
        piece = segment[s:e]
        lead = len(piece) - len(piece.lstrip())
        trail = len(piece) - len(piece.rstrip())
        if e - trail > s + lead:
            result.append((start + s + lead, start + e - trail))
    return result
