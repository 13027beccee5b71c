"""The sides of a comparison: "adaptive zone maps vs static min/max", "how did Okoye's and de Wilde's views
differ", "compare exact flat search with IVF-PQ". An answer to a comparison quotes each side; when the best units
all speak of one, the best unit that speaks of the other joins them."""

from __future__ import annotations

import re
from collections.abc import Collection

from confqa.answer.question import Question, Scored, terms_of
from confqa.answer.units import unit_text
from confqa.index.store import IndexStore
from confqa.settings import AnswerSettings

# What joins the two sides: "X vs Y", "X versus Y", "X compared with Y", "compare X with Y", "X or Y", "X and Y".
_JOIN = re.compile(r"\s+(?:vs\.?|versus|compared (?:with|to)|against|or|and|with|to)\s+", re.I)
_COMPARE = re.compile(r"\b(?:compare|comparing|between)\s+", re.I)  # "compare X with Y" (not "X compared with Y")
# Where a side's words stop: punctuation, or a word that starts what the sides are compared on.
_SIDE_END = re.compile(r"[,:;?!]|\s(?:on|in|for|at|when|regarding|about|of|differ\w*|compare\w*|agree\w*|views?|"
                       r"approach\w*|results?)\b", re.I)
SIDE_WORDS = 4  # a side is named by at most this many words next to the word that joins it to the other
# Words after the sides that say a comparison is asked for, not what it is on ("how did their views differ").
_COMPARING = terms_of("differ differed differs difference compare compared agree agreed disagree views view "
                      "approach approaches results result say said think thought")


def sides_of(question: str) -> list[frozenset[str]]:
    """The terms that name each side of a comparison, without those both sides share; none when the question
    joins no two sides."""
    return _parts(question)[0]


def basis_of(question: str) -> frozenset[str]:
    """The terms of what the sides are compared on, written after them ("% of files pruned" in "adaptive zone maps
    vs static min/max, % of files pruned", "latency and memory" in "compare flat search with IVF-PQ on latency
    and memory"); none when the question names no such thing."""
    return _parts(question)[1]


def _parts(question: str) -> tuple[list[frozenset[str]], frozenset[str]]:
    text = re.sub(r"['’]s\b", "", question)
    opening = _COMPARE.search(text)
    start = opening.end() if opening else 0
    join = _JOIN.search(text, start)
    if join is None:
        return [], frozenset()
    left_words = re.split(r"\s+", text[start:join.start()].strip())
    right = text[join.end():]
    end = _SIDE_END.search(right)
    right_words = right[:end.start() if end else len(right)].split()
    left = terms_of(" ".join(left_words[-SIDE_WORDS:]))
    right_terms = terms_of(" ".join(right_words[:SIDE_WORDS]))
    if not left or not right_terms:
        return [], frozenset()
    shared = left & right_terms
    sides = [left - shared, right_terms - shared]
    if not all(sides):
        return [], frozenset()
    basis = terms_of(right[end.start():]) - _COMPARING - left - right_terms if end else frozenset()
    return sides, frozenset(basis)


def with_both_sides(chosen: list[Scored], scored: list[Scored], asked: Question, store: IndexStore,
                    settings: AnswerSettings) -> list[Scored]:
    """The chosen units, and the best unit that names a side none of them names (in the place of the weakest unit
    after the lead when the answer has no words left for it)."""
    sides, basis = _parts(asked.text)
    if not sides or not chosen:
        return chosen
    basis &= store.vocabulary.keys()
    used = {m for c in chosen for m in c.unit.members}
    out = list(chosen)
    # A side is named by its rarest word of the notes ("Gemini" in "Gemini 3 score higher", "Wilde" in "de Wilde").
    keys = [max((t for t in side if t in store.vocabulary), key=lambda t: (store.term_weight(t), t), default=None)
            for side in sides]
    for side, key in zip(sides, keys):
        if key is None:
            continue
        naming = [s for s in scored if key in terms_of(unit_text(s.unit, store)) and not used & set(s.unit.members)
                  and s.score >= chosen[0].score * settings.keep_ratio]
        # A comparison on something ("% of files pruned") wants each side's own figure for it: a side is said by a
        # unit that names the whole side and the thing compared ("Adaptive zone maps; Files pruned: 71%", not "a
        # zone map stores min/max values per data file"), when some unit does; else by any unit that names it.
        whole = side & store.vocabulary.keys()
        on_basis = [s for s in naming if _says(terms_of(unit_text(s.unit, store)), whole, basis)]
        if any(_says(terms_of(unit_text(c.unit, store)), whole if on_basis else {key}, basis if on_basis else set())
               for c in out):
            continue
        naming = on_basis or naming
        if not naming:
            continue
        best = max(naming, key=lambda s: (len(side & terms_of(unit_text(s.unit, store))), s.score))
        words = sum(len(unit_text(c.unit, store).split()) for c in out)
        while words + len(unit_text(best.unit, store).split()) > settings.max_words:
            # The weakest unit after the lead whose words name no side that no other unit names.
            spare = [c for c in out[1:] if all(key_ is None or key_ not in terms_of(unit_text(c.unit, store)) or any(
                key_ in terms_of(unit_text(o.unit, store)) for o in out if o is not c) for key_ in keys)]
            if not spare:
                break
            weakest = min(spare, key=lambda c: c.score)
            out.remove(weakest)
            words -= len(unit_text(weakest.unit, store).split())
        out.append(best)
        used.update(best.unit.members)
    return out


def _says(said: frozenset[str], side: Collection[str], basis: Collection[str]) -> bool:
    """Whether a unit's terms name every term of the side and, when a basis is given, something of it."""
    return all(t in said for t in side) and (not basis or any(t in said for t in basis))
