"""Which talks a question names: by a speaker's name ('Mitchell'), by title words or an alias ('the imitation
learning tutorial'). The catalogue is read once into a `RoutingTable` (word → talks), so that routing a question
looks at the talks that share a word with it, not at every talk of a large catalogue."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from confqa.lexical import surname, terms, words
from confqa.models import Talk
from confqa.search.base import TalkRoute
from confqa.search.filters import CompiledFilters
from confqa.settings import RoutingSettings
from confqa.text.lexicon import ASKING_WORDS

ASKING_TERMS = frozenset(terms(ASKING_WORDS))

# Words that appear in talk titles but say nothing about which talk is meant.
_GENERIC_TITLE_WORDS = {
    "ai", "talk", "tutorial", "session", "panel", "workshop", "oral", "invited", "keynote", "paper", "new", "art",
    "science", "perspective", "beyond", "towards", "toward", "via", "using", "part", "next",
}
_KIND_HINTS = {
    "tutorial": "tutorial", "keynote": "invited talk", "invited": "invited talk", "panel": "panel",
    "workshop": "workshop", "oral": "oral", "expo": "expo", "paper": "paper",
}
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class _Speaker:
    talk_id: str
    full: str  # lower case
    last: str  # lower case surname
    first: str  # lower case first name ('' for a one-word name)
    et_al: bool


class RoutingTable:
    """The catalogue as routing reads it: speakers and title words by the words a question would share with them,
    and each title's word weights (IDF among the catalogue's titles)."""

    def __init__(self, talks: list[Talk]) -> None:
        self.talks = {t.id: t for t in talks}
        self.order = {t.id: i for i, t in enumerate(talks)}  # catalogue order: ties keep it
        self.speakers: dict[str, list[_Speaker]] = {}
        self.talks_by_surname_word: dict[str, set[str]] = {}
        for talk in talks:
            for name in talk.speakers:
                if not name.strip():
                    continue  # a blank name matches every question
                full = name.lower()
                parts = full.split()
                speaker = _Speaker(talk.id, full, surname(name).lower(), parts[0] if len(parts) > 1 else "",
                                   "et al" in name)
                self.speakers.setdefault(talk.id, []).append(speaker)
                # A question that names the speaker has the surname's first word (the full name holds it too).
                for word in _WORD.findall(speaker.last)[:1]:
                    self.talks_by_surname_word.setdefault(word, set()).add(talk.id)
        self.title_words = {t.id: _title_words(t) for t in talks}
        frequency: dict[str, int] = {}
        for bag in self.title_words.values():
            for word in bag:
                frequency[word] = frequency.get(word, 0) + 1
        n_talks = max(len(talks), 1)
        self.idf = {w: math.log(1 + n_talks / f) for w, f in frequency.items()}
        self.talks_by_title_word: dict[str, list[str]] = {}
        for talk_id, bag in self.title_words.items():
            for word in bag:
                self.talks_by_title_word.setdefault(word, []).append(talk_id)
        self.names = {t.id: _names_of(t) for t in talks}


def route_talks(question: str, table: RoutingTable, settings: RoutingSettings) -> TalkRoute:
    """The talks a question names, best first, with how sure the match is."""
    q_words = set(words(question))
    q_raw = question.lower()
    matched_by_talk: dict[str, set[str]] = {}
    speaker_hits = _speaker_hits(q_raw, q_words, table, settings, matched_by_talk)
    title_hits = _title_hits(question, q_words, table, settings, matched_by_talk)
    if speaker_hits:
        # A named speaker decides which talk is meant. A title that matches another talk does not widen the
        # question: "What did Tufekci present in the imitation learning tutorial?" is about Tufekci, whose
        # passages then do not cover the tutorial's topic, and the answer abstains (a near miss).
        title_hits = {t: v for t, v in title_hits.items() if t in speaker_hits}
    hits = {**title_hits}
    for talk_id, value in speaker_hits.items():
        hits[talk_id] = max(hits.get(talk_id, 0), value) + (
            settings.speaker_and_title_bonus if talk_id in title_hits else 0.0)
    if not hits:
        return TalkRoute()
    best = max(hits.values())
    chosen = sorted((t for t, v in hits.items() if v >= best - settings.tie_margin), key=lambda t: -hits[t])
    return TalkRoute(
        talk_ids=tuple(chosen), strength=min(best, 1.0), by_speaker=any(t in speaker_hits for t in chosen),
        matched_words=frozenset().union(*(matched_by_talk.get(t, set()) for t in chosen)),
    )


def _speaker_hits(q_raw: str, q_words: set[str], table: RoutingTable, settings: RoutingSettings,
                  matched_by_talk: dict[str, set[str]]) -> dict[str, float]:
    hits: dict[str, float] = {}
    talk_ids = {t for w in set(_WORD.findall(q_raw)) for t in table.talks_by_surname_word.get(w, ())}
    for speaker in [s for t in sorted(talk_ids, key=table.order.__getitem__) for s in table.speakers[t]]:
        talk_id = speaker.talk_id
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
    hits: dict[str, float] = {}
    candidates = sorted({t for w in q_words for t in table.talks_by_title_word.get(w, [])}, key=table.order.__getitem__)
    kind_hint = {k for w, k in _KIND_HINTS.items() if w in q_words}
    q_norm = f" {' '.join(words(question))} "
    for talk_id in candidates:
        bag = table.title_words[talk_id]
        matched = bag & q_words
        # fsum: exact, so the score does not depend on the order a set iterates in (it varies between processes)
        score = math.fsum(table.idf[w] for w in matched) / math.fsum(table.idf[w] for w in bag)
        if table.talks[talk_id].kind in kind_hint:
            score += settings.kind_bonus
        if any(len(n) >= 3 and f" {n} " in q_norm for n in table.names[talk_id]):
            score = max(score, settings.short_name)  # the question uses the talk's own short name ("XAI", "DL4C")
        if score >= settings.title_min and (len(matched) >= 2 or score >= settings.title_single_word):
            hits[talk_id] = score
            matched_by_talk.setdefault(talk_id, set()).update(matched)
    return hits


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
                     matched_words=route.matched_words)


def topic_terms_of(question: str, route: TalkRoute | None) -> set[str]:
    """The question's topic: its terms minus the talk or speaker it names and the words that only ask."""
    route_words = set(terms(" ".join(sorted(route.matched_words)))) if route else set()
    return set(terms(question)) - route_words - ASKING_TERMS


def without_route_words(question: str, route: TalkRoute, talks: dict[str, Talk]) -> str:
    """The question without what it was routed on, to keep what it asks about a talk: a speaker's name when the
    question names one ("what did Zhou recommend for speculative decoding" keeps "speculative decoding"), else every
    word that matched the talk."""
    remove = set(route.matched_words)
    if route.by_speaker:
        names = {w.lower() for t in route.talk_ids for s in talks[t].speakers for w in re.findall(r"[\w’'-]+", s)}
        remove = {w for w in route.matched_words if w in names} or remove
    kept = [w for w in re.findall(r"[\w’'-]+|[^\w\s]", question) if re.sub(r"[’'].*$", "", w.lower()) not in remove]
    return " ".join(kept)


def _names_of(talk: Talk) -> list[str]:
    """Whole titles and aliases, as word sequences, and acronyms in parentheses: ways a question may name it."""
    names = [" ".join(words(n)) for n in [talk.title, *talk.aliases]]
    names += [a.lower() for a in re.findall(r"\(([A-Za-z][A-Za-z0-9]{1,9})\)", talk.title)]
    return [n for n in names if n and n not in _GENERIC_TITLE_WORDS]


def _title_words(talk: Talk) -> set[str]:
    text = " ".join([talk.title, *talk.aliases])
    return {w for w in words(text) if w not in _GENERIC_TITLE_WORDS and len(w) > 1 and not w.isdigit()}
