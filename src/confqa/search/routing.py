"""Which talks a question names: by a speaker's name ('Mitchell'), by title words or an alias ('the imitation
learning tutorial'). The catalogue is read once into a `RoutingTable` (word → talks), so that routing a question
looks at the talks that share a word with it, not at every talk of a large catalogue."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache, partial
from typing import Any

import numpy as np

from confqa.lexical import question_terms, surname, terms, words
from confqa.models import Talk
from confqa.search.base import TalkRoute
from confqa.search.filters import CompiledFilters
from confqa.settings import RoutingSettings
from confqa.talks.naming import postings, title_idf
from confqa.text.lexicon import ASKING_WORDS

ASKING_TERMS = frozenset(terms(ASKING_WORDS))

_KIND_HINTS = {
    "tutorial": "tutorial", "keynote": "invited talk", "invited": "invited talk", "panel": "panel",
    "workshop": "workshop", "oral": "oral", "expo": "expo", "paper": "paper", "lightning": "lightning talk",
}
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class _Speaker:
    full: str  # lower case
    last: str  # lower case surname
    first: str  # lower case first name ('' for a one-word name)
    et_al: bool


class RoutingTable:
    """The catalogue as routing reads it: the index's postings (title word → talks, surname → talks), each word's
    weight (IDF among the catalogue's titles), and the talks themselves, read only for those that share a word
    with the question."""

    def __init__(self, postings: Mapping[str, Any], talk_ids: Sequence[str], talk: Callable[[str], Talk]) -> None:
        self.talk_ids = list(talk_ids)
        self.title: dict[str, list[int]] = postings["title"]
        self.surname: dict[str, list[int]] = postings["surname"]
        self.idf = {w: title_idf(len(self.talk_ids), len(p)) for w, p in self.title.items()}
        self.weight = np.asarray(postings["weight"], dtype=np.float64)
        self.names: dict[str, list[int]] = postings["names"]
        self.kind_code = {k: i for i, k in enumerate(sorted(set(postings["kinds"])))}
        self.kinds = np.array([self.kind_code[k] for k in postings["kinds"]], dtype=np.int32)
        # Per-table caches of what routing reads of a candidate talk (closures over `talk`, not bound methods:
        # a cache must not keep the table, and through it an opened index, alive).
        self.speakers = lru_cache(maxsize=_CACHED_TALKS)(partial(_speakers_of, talk))

    @classmethod
    def of(cls, talks: Sequence[Talk]) -> RoutingTable:
        """The table of a list of talks (an opened index has its postings already)."""
        by_id = {t.id: t for t in talks}
        return cls(postings(talks), [t.id for t in talks], by_id.__getitem__)


# Talks whose speakers, title words and names a table keeps parsed.
_CACHED_TALKS = 4096


def _speakers_of(talk: Callable[[str], Talk], talk_id: str) -> tuple[_Speaker, ...]:
    out = []
    for name in talk(talk_id).speakers:
        if not name.strip():
            continue  # a blank name matches every question
        full = name.lower()
        parts = full.split()
        out.append(_Speaker(full, surname(name).lower(), parts[0] if len(parts) > 1 else "", "et al" in name))
    return tuple(out)


def route_talks(question: str, table: RoutingTable, settings: RoutingSettings) -> TalkRoute:
    """The talks a question names, best first, with how sure the match is."""
    q_words = set(words(question))
    q_raw = question.lower()
    matched_by_talk: dict[str, set[str]] = {}
    speaker_hits = _speaker_hits(q_raw, q_words, table, settings, matched_by_talk)
    title_hits = _title_hits(question, q_words, table, settings, matched_by_talk)
    elsewhere: tuple[str, ...] = ()
    if speaker_hits:
        # A named speaker decides which talk is meant. A title that matches another talk does not widen the
        # question: "What did Tufekci present in the imitation learning tutorial?" is about Tufekci, and the
        # tutorial is kept aside as where the question places her (the answer declines: a near miss).
        own = {t: v for t, v in title_hits.items() if t in speaker_hits}
        # Only when the speaker's own titles share no word with the question: "what did Kokel present in the
        # planning tutorial" names her tutorial by a word of its title, however weakly.
        shares = any(table.talk_ids[p] in speaker_hits for w in q_words for p in table.title.get(w, ()))
        elsewhere = () if own or shares else tuple(sorted(title_hits))
        title_hits = own
    hits = {**title_hits}
    for talk_id, value in speaker_hits.items():
        hits[talk_id] = max(hits.get(talk_id, 0), value) + (
            settings.speaker_and_title_bonus if talk_id in title_hits else 0.0)
    if not hits:
        return TalkRoute(elsewhere=elsewhere)
    best = max(hits.values())
    chosen = sorted((t for t, v in hits.items() if v >= best - settings.tie_margin), key=lambda t: -hits[t])
    return TalkRoute(
        talk_ids=tuple(chosen), strength=min(best, 1.0), by_speaker=any(t in speaker_hits for t in chosen),
        matched_words=frozenset().union(*(matched_by_talk.get(t, set()) for t in chosen)), elsewhere=elsewhere,
    )


def _speaker_hits(q_raw: str, q_words: set[str], table: RoutingTable, settings: RoutingSettings,
                  matched_by_talk: dict[str, set[str]]) -> dict[str, float]:
    hits: dict[str, float] = {}
    positions = sorted({p for w in set(_WORD.findall(q_raw)) for p in table.surname.get(w, ())})
    for talk_id, speaker in [(table.talk_ids[p], s) for p in positions for s in table.speakers(table.talk_ids[p])]:
        if speaker.et_al:
            if re.search(rf"\b{re.escape(speaker.last)}\b", q_raw):
                hits[talk_id] = max(hits.get(talk_id, 0), settings.et_al)
            continue
        if " " in speaker.full and speaker.full in q_raw:
            hits[talk_id] = max(hits.get(talk_id, 0), settings.full_name)  # the full name beats the surname
            matched_by_talk.setdefault(talk_id, set()).update(words(speaker.full))
        elif re.search(rf"\b{re.escape(speaker.last)}\b", q_raw) and (len(speaker.last) > 2 or speaker.last in q_words):
            hits[talk_id] = max(hits.get(talk_id, 0), settings.surname)
            matched_by_talk.setdefault(talk_id, set()).add(speaker.last)
        first = speaker.first
        if first and len(first) > 2 and talk_id in hits and re.search(rf"\b{re.escape(first)}\b", q_raw):
            hits[talk_id] += settings.first_name_bonus
    return hits


def _title_hits(question: str, q_words: set[str], table: RoutingTable, settings: RoutingSettings,
                matched_by_talk: dict[str, set[str]]) -> dict[str, float]:
    """Talks whose title shares enough of its word weight with the question, from the postings alone: the
    question's title words add their weight to the talks that have them (a common word reaches thousands of
    talks in a large catalogue, and none of them is read)."""
    present = [w for w in sorted(q_words) if w in table.title]
    q_norm = words(question)
    # Names the question uses whole: a title, an alias, a short name ("XAI"), a numbered label ("Tutorial 4", whose
    # words are no title words).
    named_by: dict[int, set[str]] = {}
    for size in range(1, len(q_norm) + 1):
        for start in range(len(q_norm) - size + 1):
            for p in table.names.get(" ".join(q_norm[start:start + size]), ()):
                named_by.setdefault(p, set()).update(q_norm[start:start + size])
    named = set(named_by)
    if not present and not named:
        return {}
    share = np.zeros(len(table.talk_ids), dtype=np.float64)
    count = np.zeros(len(table.talk_ids), dtype=np.int32)
    lists = {w: np.asarray(table.title[w], dtype=np.int64) for w in present}
    for word, positions in lists.items():
        share[positions] += table.idf[word]
        count[positions] += 1
    candidates = np.union1d(np.flatnonzero(count), np.asarray(sorted(named), dtype=np.int64))
    weight = table.weight[candidates]
    scores = np.divide(share[candidates], weight, out=np.zeros(len(candidates)), where=weight > 0)
    kind_hint = [table.kind_code[k] for w, k in _KIND_HINTS.items() if w in q_words and k in table.kind_code]
    if kind_hint:
        scores = scores + settings.kind_bonus * np.isin(table.kinds[candidates], kind_hint)
    if named:
        # The question uses the talk's own short name ("XAI", "DL4C") or its whole title.
        scores = np.where(np.isin(candidates, sorted(named)), np.maximum(scores, settings.short_name), scores)
    reach = scores + _SCORE_TOLERANCE
    passing = (reach >= settings.title_min) & ((count[candidates] >= 2) | (reach >= settings.title_single_word))
    chosen = candidates[passing]
    having = {w: np.isin(chosen, positions) for w, positions in lists.items()}
    hits: dict[str, float] = {}
    for row, (position, score) in enumerate(zip(chosen.tolist(), scores[passing].tolist())):
        talk_id = table.talk_ids[position]
        hits[talk_id] = score
        matched_by_talk.setdefault(talk_id, set()).update(w for w, has in having.items() if has[row])
        matched_by_talk[talk_id].update(named_by.get(position, ()))  # "tutorial 4" names it, is not its topic
    return hits


# A score equal to a threshold reaches it, whatever order its terms were summed in.
_SCORE_TOLERANCE = 1e-9


def disambiguate(route: TalkRoute, vector: np.ndarray, members_of: Callable[[str], np.ndarray],
                 vectors: Callable[[np.ndarray], np.ndarray], filters: CompiledFilters,
                 settings: RoutingSettings) -> TalkRoute:
    """'Zhang' names two people here. Keep the talks whose passages match the question best, so that an answer
    about one Zhang is never drawn from the other."""
    if len(route.talk_ids) < 2:
        return route
    best: dict[str, float] = {}
    for talk_id in route.talk_ids:
        members = filters.allowed(members_of(talk_id))
        if len(members):
            best[talk_id] = float(np.max(vectors(members) @ vector))
    if not best:
        return route
    top = max(best.values())
    keep = tuple(t for t in route.talk_ids if best.get(t, -1.0) >= top - settings.disambiguation_margin)
    return TalkRoute(talk_ids=keep, strength=route.strength, by_speaker=route.by_speaker,
                     matched_words=route.matched_words, elsewhere=route.elsewhere)


def topic_terms_of(question: str, route: TalkRoute | None) -> set[str]:
    """The question's topic: its terms minus the talk or speaker it names and the words that only ask."""
    route_words = set(terms(" ".join(sorted(route.matched_words)))) if route else set()
    return set(question_terms(question)) - route_words - ASKING_TERMS


def without_route_words(question: str, route: TalkRoute, talks: Mapping[str, Talk]) -> str:
    """The question without what it was routed on, to keep what it asks about a talk: a speaker's name when the
    question names one ("what did Zhou recommend for speculative decoding" keeps "speculative decoding"), else every
    word that matched the talk."""
    remove = set(route.matched_words)
    if route.by_speaker:
        names = {w.lower() for t in route.talk_ids for s in talks[t].speakers for w in re.findall(r"[\w’'-]+", s)}
        remove = {w for w in route.matched_words if w in names} or remove
    kept = [w for w in re.findall(r"[\w’'-]+|[^\w\s]", question) if re.sub(r"[’'].*$", "", w.lower()) not in remove]
    return " ".join(kept)
