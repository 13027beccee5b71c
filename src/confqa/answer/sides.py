"""The sides of a comparison: "adaptive zone maps vs static min/max", "how did Okoye's and de Wilde's views
differ", "compare exact flat search with IVF-PQ". An answer to a comparison quotes each side; when the best units
all speak of one, the best unit that speaks of the other joins them."""

from __future__ import annotations

import re
from collections.abc import Collection

import numpy as np

from confqa.answer.question import Question, Scored, terms_of
from confqa.answer.units import unit_text
from confqa.index.store import IndexStore
from confqa.search.base import Hit
from confqa.settings import AnswerSettings

# What joins the two sides: "X vs Y", "X versus Y", "X compared with Y", "compare X with Y", "X or Y", "X and Y".
_JOIN = re.compile(r"\s+(?:vs\.?|versus|compared (?:with|to)|against|or|and|with|to)\s+", re.I)
_COMPARE = re.compile(r"\b(?:compare|comparing|between)\s+", re.I)  # "compare X with Y" (not "X compared with Y")
# Where a side's words stop: punctuation, or a word that starts what the sides are compared on.
_SIDE_END = re.compile(r"[,:;?!]|\s(?:on|in|for|at|when|regarding|about|of|differ\w*|compare\w*|(?:dis)?agree\w*|views?|"
                       r"approach\w*|results?)\b", re.I)
SIDE_WORDS = 4  # a side is named by at most this many words next to the word that joins it to the other
# A side's word names it only if it is at least this share as rare (idf) as the side's rarest: "search" in "exact
# flat search" is in many lines that are not about the flat index.
SIDE_WORD_SHARE = 0.75
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
    if opening and (join is None or join.start() <= start):
        # "How did Arrow Flight compare with JDBC", "how did Bun, Deno and Node compare when …": the sides stand
        # before the verb, not after it.
        start, join = 0, _JOIN.search(text)
        left_end = opening.start() if join is not None and join.start() >= opening.start() else None
    else:
        left_end = None
    if join is None:
        return [], frozenset()
    left_words = re.split(r"\s+", text[start:left_end or join.start()].strip())
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
    keys = side_keys(sides, store)
    for side, key in zip(sides, keys):
        if key is None:
            continue
        unused = [s for s in scored if key in terms_of(unit_text(s.unit, store)) and not used & set(s.unit.members)]
        naming = [s for s in unused if s.score >= chosen[0].score * settings.keep_ratio]
        # A comparison on something ("% of files pruned") wants each side's own figure for it: a side is said by a
        # unit that names the side's telling words and the thing compared ("Adaptive zone maps; Files pruned: 71%",
        # not "a zone map stores min/max values per data file"; "Flat (exact) … latency 48.0" for "exact flat
        # search", whose "search" is in every line), when some unit does (however far it ranks when no chosen unit
        # names the side at all); else by any unit that names it and would join the answer.
        weights = {t: store.term_weight(t) for t in side if t in store.vocabulary}
        whole = {t for t, w in weights.items() if w >= SIDE_WORD_SHARE * max(weights.values())}
        named = any(key in terms_of(unit_text(c.unit, store)) for c in out)
        on_basis = [s for s in (naming if named else unused)
                    if basis and _says(terms_of(unit_text(s.unit, store)), whole, basis)]
        if any(_says(terms_of(unit_text(c.unit, store)), whole if on_basis else {key}, basis if on_basis else set())
               for c in out):
            continue
        naming = on_basis or naming
        if not naming:
            continue
        best = max(naming, key=lambda s: (len(side & terms_of(unit_text(s.unit, store))), s.score))
        out = _joined(out, best, keys, store, settings)
        used.update(best.unit.members)
    stance = stance_asked(asked.text)
    named_by = telling_words(sides, store, asked.text)
    if stance and not any(stance.search(unit_text(c.unit, store)) for c in out):
        # "What did Carlos Ibáñez and Nguyen Thi Lan disagree about?": the line that says they did ("Carlos and Lan
        # disagreed, amicably, on whether …") joins a roster that names them both.
        saying = [s for s in scored if not used & set(s.unit.members) and stance.search(unit_text(s.unit, store))
                  and sum(1 for words in named_by if words & terms_of(unit_text(s.unit, store))) >= 2]
        if saying:
            out = _joined(out, max(saying, key=lambda s: s.score), keys, store, settings)
    return out


def _joined(out: list[Scored], best: Scored, keys: list[str | None], store: IndexStore,
            settings: AnswerSettings) -> list[Scored]:
    """The chosen units with `best` after them, in the place of the weakest units after the lead whose words name
    no side that no other unit names, as many as the answer needs to stay within `max_words`."""
    out = list(out)
    words = sum(len(unit_text(c.unit, store).split()) for c in out)
    while words + len(unit_text(best.unit, store).split()) > settings.max_words:
        spare = [c for c in out[1:] if all(key is None or key not in terms_of(unit_text(c.unit, store)) or any(
            key in terms_of(unit_text(o.unit, store)) for o in out if o is not c) for key in keys)]
        if not spare:
            break
        weakest = min(spare, key=lambda c: c.score)
        out.remove(weakest)
        words -= len(unit_text(weakest.unit, store).split())
    return [*out, best]


def side_keys(sides: list[frozenset[str]], store: IndexStore) -> list[str | None]:
    """Each side's rarest word of the notes, which is what names it in a line ("Gemini" in "Gemini 3 score higher",
    "Wilde" in "de Wilde"); None for a side none of whose words the notes use."""
    return [max((t for t in side if t in store.vocabulary), key=lambda t: (store.term_weight(t), t), default=None)
            for side in sides]


def telling_words(sides: list[frozenset[str]], store: IndexStore, question: str) -> list[frozenset[str]]:
    """For each side, the words of which any one names it in a line. A side the question writes as a name names
    itself by any of its words at least `SIDE_WORD_SHARE` as rare as its rarest ("Carlos" or "Ibáñez" for Carlos
    Ibáñez, "Lan" for Nguyen Thi Lan); a side in common words only by its rarest ("adaptive" for adaptive zone
    maps, whose "zone map" a line about static min/max zone maps uses too)."""
    capitalised = {t for word in re.findall(r"[\w'’-]+", question) if word[:1].isupper() for t in terms_of(word)}
    out = []
    for side, key in zip(sides, side_keys(sides, store)):
        weights = {t: store.term_weight(t) for t in side if t in store.vocabulary}
        if key is None:
            out.append(frozenset())
        elif side <= capitalised:
            out.append(frozenset(t for t, w in weights.items() if w >= SIDE_WORD_SHARE * weights[key]))
        else:
            out.append(frozenset({key}))
    return out


_FIGURES = re.compile(r"\d+(?:[.,]\d+)*")  # "41", "6", "0.8", "1,200"
# What a question about two people's views asks them to have done, and the root that says it in a line
# ("disagree" → "disagreed", "disagreement").
_STANCE = re.compile(r"\b(disagre|agre|differ|argu|debat)\w*", re.I)


def stance_asked(question: str) -> re.Pattern[str] | None:
    """For "what did Carlos and Lan disagree about", the pattern of a line that says they did ("Carlos and Lan
    disagreed, amicably, on …"); None when the question asks no stance."""
    found = _STANCE.search(question)
    return re.compile(rf"\b{found.group(1)}", re.I) if found else None


def both_sides_rank(text: str, asked: Question, named_by: list[frozenset[str]]) -> int:
    """How well a line answers a comparison by itself: 0 unless it names two sides or more (by a telling word of
    each); then 1, and one more for each of: it gives a figure the question does not ("Arrow Flight took 41
    seconds; JDBC took 6 minutes 10 seconds"), it says the stance the question asks ("Carlos and Lan disagreed on
    whether …")."""
    said = terms_of(text)
    if sum(1 for words in named_by if words & said) < 2:
        return 0
    asked_figures = set(_FIGURES.findall(asked.text))
    stance = stance_asked(asked.text)
    return 1 + any(f not in asked_figures for f in _FIGURES.findall(text)) + bool(stance and stance.search(text))


def both_sides_first(chosen: list[Scored], asked: Question, store: IndexStore,
                     settings: AnswerSettings) -> list[Scored]:
    """A comparison whose lead unit names one side or none opens with the chosen unit that best answers it by itself
    (both_sides_rank; the first of equals) when it says the stance asked or scores at least `lead_share` of the
    lead: "Okonkwo vs Huamán:
    open license helps research, but companies give nothing back" over the panel's roster row that names Okonkwo.
    Only the order of the quotes changes (the confidence is the chosen units')."""
    sides = sides_of(asked.text)
    if len(chosen) < 2 or not sides or asked.intent.name != "comparison":
        return chosen
    named_by = telling_words(sides, store, asked.text)
    ranks = [both_sides_rank(unit_text(c.unit, store), asked, named_by) for c in chosen]
    best = max(range(len(chosen)), key=lambda i: (ranks[i], -i))
    stance = stance_asked(asked.text)
    says_it = bool(stance and stance.search(unit_text(chosen[best].unit, store)))
    # A line naming both sides and saying the stance asked answers however it scores.
    if ranks[best] <= ranks[0] or (not says_it and chosen[best].score < chosen[0].score * settings.lead_share):
        return chosen
    return [chosen[best], *(c for i, c in enumerate(chosen) if i != best)]


def _says(said: frozenset[str], side: Collection[str], basis: Collection[str]) -> bool:
    """Whether a unit's terms name every term of the side and, when a basis is given, something of it."""
    return all(t in said for t in side) and (not basis or any(t in said for t in basis))


def side_passages(asked: Question, pool: list[Hit], store: IndexStore, most: int,
                  mask: np.ndarray | None = None) -> list[Hit]:
    """Passages for a side of a comparison that no passage of the pool names ("compare exact flat search with
    IVF-PQ on latency", retrieved for IVF-PQ only): those that name every word of the side, and what is compared
    when the question says, first; at most `most` per side, scored as the pool's last."""
    sides, basis = _parts(asked.text)
    if not sides or not pool or not most or asked.vector is None:
        return []
    known = {h.chunk for h in pool}
    said: set[str] = set().union(*(terms_of(store.chunks[c].text) for c in known))
    route = set(store.chunks_of_talks(list(asked.route.talk_ids)).tolist()) if asked.route else set()
    extra: list[int] = []
    for side in sides:
        words = sorted(t for t in side if t in store.vocabulary)
        if not words or all(w in said for w in words):
            continue
        compared = sorted(t for t in basis if t in store.vocabulary)
        found = [c for c in [*store.chunks_with(words + compared).tolist(), *store.chunks_with(words).tolist()]
                 if c not in known and (mask is None or mask[c])]
        extra += [c for c in dict.fromkeys(found) if c not in extra][:most]
    floor = min(h.score for h in pool)
    return [Hit(chunk=c, score=floor, dense=float(store.chunk_vectors[c] @ asked.vector), bm25=0.0,
                in_route=not asked.speaker_talks or c in route) for c in extra]
