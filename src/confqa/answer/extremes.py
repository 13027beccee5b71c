"""The record a superlative asks for: "which card got the most votes" over a list of cards with their votes, "which
talk did Kowal rank first" over a ranking table, "who had the highest score". The records are the rows and items
near the best units; each is read for its number of the thing measured (the cell under the column that names it,
or the number next to its word), and the one with the largest (or smallest) number leads the answer."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from confqa.answer.question import Question, Scored, terms_of
from confqa.answer.readable import display_text
from confqa.answer.units import Unit, row_cells, table_header
from confqa.index.store import IndexStore
from confqa.lexical import STOPWORDS
from confqa.settings import AnswerSettings

# "which card got the most votes", "the highest score", "had the largest attendance": a superlative and its noun.
# ("What did most people think" uses "most" as a quantifier: no superlative after "did", "were", "of".)
_SUPERLATIVE = re.compile(r"(?<!\bdid )(?<!\bdo )(?<!\bwere )(?<!\bare )(?<!\bof )"
                          r"\b(?P<word>most|highest|largest|biggest|greatest|fewest|least|lowest|smallest)\s+"
                          r"(?P<noun>[\w-]+)", re.I)
# "which model scored highest", "which run was slowest": a verb, then its superlative at the end of the question.
_VERB_SUPERLATIVE = re.compile(r"\b(?P<noun>[\w-]+)\s+(?:the\s+)?(?P<word>most|highest|lowest|best|worst)\s*[?.!]*$",
                               re.I)
# "which talk did she rank first", "the top-ranked poster", "ranked number one", "ranked last".
_RANKED = re.compile(r"\b(?:rank(?:ed|s)?\s+(?:it\s+)?(?P<place>first|top|#?1|number one|no\.? ?1|last)|"
                     r"(?P<top>top|first|highest)[- ]ranked)\b", re.I)
_ASKS_WHICH = re.compile(r"^\W*(?:[\w'’-]+\s+){0,3}?(?:which|what|who|whose)\b", re.I)
_SMALLEST = frozenset({"fewest", "least", "lowest", "smallest", "worst"})
_RANK = frozenset(terms_of("rank ranking place position"))
_NUMBER = re.compile(r"(?<![\w.])#?(\d[\d,]*(?:\.\d+)?)(?![\d])")
_WORD = re.compile(r"[^\s|—–]+")
MEASURE_WORDS = 2  # a number measures the thing whose word stands at most this many words before or after it


@dataclass(frozen=True)
class Extreme:
    """What a superlative asks: the terms of the thing measured ("vote", "rank") and which end of it."""

    measure: frozenset[str]
    largest: bool


def extreme_asked(question: str) -> Extreme | None:
    """The superlative a which-, what- or who-question asks for, or None."""
    if not _ASKS_WHICH.search(question):
        return None
    if found := _RANKED.search(question):
        return Extreme(_RANK, largest=(found.group("place") or "").lower() == "last")
    for pattern in (_SUPERLATIVE, _VERB_SUPERLATIVE):
        found = pattern.search(question)
        if found and found.group("noun").lower() not in STOPWORDS and (measure := terms_of(found.group("noun"))):
            return Extreme(measure, largest=found.group("word").lower() not in _SMALLEST)
    return None


def extreme_first(chosen: list[Scored], ranked: list[Scored], asked: Question, store: IndexStore,
                  settings: AnswerSettings) -> list[Scored]:
    """The chosen units led by the record the superlative asks for: of the notes of the best-ranked units, the
    section (a list or a table, even one split over chunks) with the most records that give a number of the thing
    measured, two at least, and of those the record with the extreme number (a tie leads nothing): "Card #3 — INP
    debugging war stories — 22 votes" for "which card got the most votes", the row ranked 1 for "which talk did
    she rank first". The record is quoted alone, first; the other chosen units follow (one that quoted it among other
    records is left out)."""
    extreme = extreme_asked(asked.text)
    if extreme is None or not chosen or asked.vector is None:
        return chosen
    docs = list(dict.fromkeys(int(store.chunk_doc[store.sentences[s.unit.members[0]].chunk])
                              for s in ranked[:settings.extreme_sections] + chosen[:1]))
    groups = [values for doc in docs for values in _measured_sections(doc, extreme, store) if len(values) > 1]
    if not groups:
        return chosen
    values = max(groups, key=len)  # the list or table that measures the most records (the first of equals)
    sid = (max if extreme.largest else min)(values, key=lambda s: values[s])
    if sum(1 for v in values.values() if v == values[sid]) > 1:
        return chosen  # a tie: no one record is the answer
    # The record alone, in the place of a chosen unit that quotes it among others (a table's rows as one unit).
    kind = "row" if store.sentences[sid].kind == "row" else "sentence"
    record = Scored(Unit((sid,), kind, float(store.sentence_vectors[sid] @ asked.vector)),
                    score=max(s.score for s in chosen))
    return [record, *(s for s in chosen if sid not in s.unit.members)]


def _measured_sections(doc: int, extreme: Extreme, store: IndexStore) -> list[dict[int, float]]:
    """For each section of a note (its chunks under one heading, a table split over several chunks being one), the
    number of the thing measured of each of its rows and items that gives one, by sentence id."""
    sections: dict[str, dict[int, float]] = {}
    for chunk in np.flatnonzero(store.chunk_doc == doc).tolist():
        measured = sections.setdefault(store.chunks[chunk].section, {})
        for sid in store.sentences_by_chunk[chunk]:
            if store.sentences[sid].kind in ("row", "item") and (value := _value(sid, extreme, store)) is not None:
                measured[sid] = value
    return list(sections.values())


def _value(sentence_id: int, extreme: Extreme, store: IndexStore) -> float | None:
    """The record's number of the thing measured: in a row, the cell under the column whose name says it ("Votes",
    "Rank", "Score /10"); in an item, the number next to its word ("22 votes", "attendance: 2,100")."""
    sentence = store.sentences[sentence_id]
    if sentence.kind == "row":
        header, cells = table_header(sentence_id, store), row_cells(sentence_id, store)
        if len(header) != len(cells):
            return None
        column = next((i for i, name in enumerate(header) if _measures(terms_of(name), extreme)), None)
        return _number(cells[column]) if column is not None else None
    words = _WORD.findall(display_text(sentence.text))
    for i, word in enumerate(words):
        if _measures(terms_of(word), extreme):
            near = words[i + 1: i + 1 + MEASURE_WORDS] + words[max(0, i - MEASURE_WORDS): i][::-1]
            for candidate in near:
                if (value := _number(candidate)) is not None:
                    return value
    return None


def _measures(said: frozenset[str], extreme: Extreme) -> bool:
    """The words name the thing measured: one of its terms, or a word of the same stem ("attendees", "attendance")."""
    return any(a == b or min(len(a), len(b)) >= STEM_PREFIX and (a.startswith(b) or b.startswith(a))
               for a in said for b in extreme.measure)


STEM_PREFIX = 5  # two terms one of which begins the other, this long at least, are one word ("attend", "attende")


def _number(text: str) -> float | None:
    found = _NUMBER.search(text)
    return float(found.group(1).replace(",", "")) if found else None
