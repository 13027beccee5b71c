"""What the answerer knows about a question (its intent, terms, the talks and roles it names) and the shared
vocabulary of answering: a scored unit, a sentence's terms and talks, the sentences about a set of talks."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from confqa.answer.intents import Intent, classify
from confqa.answer.readable import display_text
from confqa.answer.units import Unit
from confqa.index.store import IndexStore
from confqa.lexical import question_terms, surname, terms
from confqa.search.base import Hit, Query, TalkRoute
from confqa.search.routing import ASKING_TERMS as _ASKING_WORDS
from confqa.search.routing import topic_terms_of
from confqa.text import lexicon


@lru_cache(maxsize=65536)
def terms_of(text: str) -> frozenset[str]:
    """BM25 terms of a sentence or a talk's names; sentences recur across questions, so this is cached."""
    return frozenset(terms(text))


def talk_ids_of(sentence_id: int, store: IndexStore) -> list[str]:
    """The talks a sentence is about. A table row attributed to every talk of its table is about the talks
    whose title or speaker it names."""
    sentence = store.sentences[sentence_id]
    if sentence.kind != "row" or len(sentence.talk_ids) < 2:
        return sentence.talk_ids
    text = display_text(sentence.text).lower()
    named = [t for t in sentence.talk_ids if store.talks_by_id[t].title.lower() in text
             or any(surname(s).lower() in text for s in store.talks_by_id[t].speakers)
             or any(_names_alias(alias, text) for alias in store.talks_by_id[t].aliases)]
    return named or sentence.talk_ids


def _names_alias(alias: str, text: str) -> bool:
    """The lower-cased text names a talk by another of its names ("b-12", a poster's board), as whole words."""
    alias = alias.lower()
    return alias in text and bool(re.search(rf"(?<![\w-]){re.escape(alias)}(?![\w-])", text))


def sentences_of_talks(talk_ids: list[str], store: IndexStore, mask: np.ndarray | None = None) -> list[int]:
    """The sentences about any of these talks, in note order, read from the talks' own passages (not a scan of
    every sentence of the index); with a mask, only those of allowed passages."""
    chunks = store.chunks_of_talks(list(set(talk_ids)))
    if mask is not None:
        chunks = chunks[mask[chunks]]
    return sentences_about(talk_ids, chunks, store)


def sentences_about(talk_ids: Iterable[str], chunks: np.ndarray, store: IndexStore) -> list[int]:
    """The sentences of these chunks about any of these talks (talk_ids_of), in chunk order. Only a table row
    shared by several talks is read; the others are decided by the index's sentence → talk table."""
    wanted = set(talk_ids)
    ids, shared = store.sentences_about(wanted, chunks)
    return [i for i, row in zip(ids.tolist(), shared.tolist()) if not row or wanted & set(talk_ids_of(i, store))]


# A second question after the first ("who gave it, and whose joint work was it", "how much, and what should be
# exempt").
ASKS_MORE = re.compile(r"\band (?:what|which|who|whom|whose|how|why|when|where)\b", re.I)


@dataclass
class Question:
    """What the answerer knows about the question: its text, intent, terms and the talks it names."""

    text: str
    intent: Intent
    route: TalkRoute | None
    terms: set[str]
    topic: set[str]  # terms minus the asking words
    content: set[str]  # topic minus the named talk's or speaker's words
    speaker_talks: set[str] = field(default_factory=set)
    # Terms minus the names of the talk or speaker the question names: "Horvat" is gone from "which async pitfalls
    # did Horvat walk through", "pitfalls" stays though the talk is "Async Pitfalls We Paid For" (a word written in
    # lower case names no one, and a heading "## The pitfalls" in that talk's note is what the question asks).
    unnamed: set[str] = field(default_factory=set)
    roles: tuple[str, ...] = ()  # the roles a who-question asks about ("moderator" in "who moderated …")
    head: str | None = None  # the noun a what- or which-question asks about ("weather" in "what was the weather like")
    notes: frozenset[int] = frozenset()  # the notes it names by their titles (positions in doc_names)
    vector: np.ndarray | None = None  # what units are ranked against (the asking words, when it names a speaker)

    @property
    def wanted(self) -> set[str]:
        """The words a unit should share with the question: its topic, less the talk or speaker it names (every
        passage about that talk shares those)."""
        return self.content if self.route and self.route.talk_ids else self.topic

    @property
    def asks_who(self) -> bool:
        return self.intent.name == "who"

    @property
    def asks_more(self) -> bool:
        """Whether the question goes on to ask a second thing (ASKS_MORE)."""
        return bool(ASKS_MORE.search(self.text))


@dataclass
class Scored:
    unit: Unit
    score: float
    features: dict[str, float] = field(default_factory=dict)  # confqa.answer.ranking.FEATURES, when ranked by them
    talk_id: str | None = None  # for a unit that stands for a talk (a catalogue answer): that talk


def understand(query: Query) -> Question:
    """What the answerer needs to know about a question: its intent, terms, the talks and roles it names."""
    question, route = query.text, query.route
    intent = classify(question)
    # "Which company does she work for": "company" and "work" say what is asked for, the notes need not write them.
    form = _AFFILIATION_FORM if intent.measure == "affiliation" else frozenset()
    q_terms = set(question_terms(question)) - form
    head = head_of(question)
    asked = Question(
        text=question, intent=intent, route=route, terms=q_terms, topic=q_terms - _ASKING_WORDS,
        content=topic_terms_of(question, route) - form,
        speaker_talks=set(route.talk_ids) if route and route.by_speaker else set(),
        unnamed=q_terms - ((set(terms(" ".join(route.matched_words))) - _common_words(question)) if route else set()),
        roles=roles_asked(question),
        head=None if head in form else head,
        notes=frozenset(query.notes),
    )
    # A question that names a speaker is ranked by what it asks about them: their name is in every passage.
    asked.vector = query.intent if asked.speaker_talks and query.intent is not None else query.vector
    return asked


# Terms of the words that name the kind of answer a question wants, not its topic (lexicon.FORM_WORDS).
# Words of the question's form, and the small counts a list question asks for ("the five commandments": the notes
# number their items, they rarely spell the count out).
FORM_TERMS = frozenset(terms(lexicon.FORM_WORDS)) | frozenset(lexicon.SMALL_NUMBERS)
_AFFILIATION_FORM = frozenset(terms(" ".join(lexicon.AFFILIATION_NOUNS) + " work works worked working"))
# The opening of a question that names the thing asked about next: "what was the", "which". ("How many" and "how
# much" are followed as often by a modifier as by the noun: "how much longer", "how many exposed buckets".)
_HEAD = re.compile(r"^\s*(?i:what|which)\s+(?i:(?:is|was|are|were)\s+)?(?i:(?:the|a|an)\s+)?"
                   r"(?:(?i:" + "|".join(lexicon.SMALL_NUMBERS) + r"|\d{1,2})\s+)?"
                   r"(?:(?:first|second|third|last|final|main|best|biggest|largest|most|next|previous|latest|only)\s+)?"
                   r"(?P<head>[a-z][\w-]*)")


# "What was the weather like", "what is the food like": a question that asks what its head noun was like, and
# nothing else about it.
_LIKE = re.compile(r"^\s*what\s+(?:is|was|are|were)\s+(?:the\s+)?[a-z][\w-]*\s+like\b", re.I)


def asks_what_it_was_like(question: str) -> bool:
    return bool(_LIKE.match(question.replace("’", "'")))


def head_of(question: str) -> str | None:
    """The term of the noun a what- or which-question opens with ("weather" in "what was the weather like in
    Lisbon", "hotel" in "which hotel did the notes recommend", "stages" in "what are the four stages"), when it is
    written in lower case and is not a word
    of the question's form ("which city", "what kind"): the thing whose absence from the notes means they do not
    answer."""
    found = _HEAD.match(question.replace("’", "'"))
    if not found:
        return None
    head = terms(found.group("head"))
    return head[0] if len(head) == 1 and head[0] not in FORM_TERMS else None


def _common_words(question: str) -> set[str]:
    """Terms of the question's words written in lower case (a name is capitalised; in a question typed all in
    lower case every word counts)."""
    return set(terms(" ".join(w for w in re.findall(r"[\w'’-]+", question) if w[:1].islower())))


def answer_pool(asked: Question, hits: list[Hit]) -> list[Hit]:
    """The hits that may answer: when the question names a speaker, only passages about their talks."""
    return [h for h in hits if h.in_route] if asked.speaker_talks else hits


def roles_asked(question: str) -> tuple[str, ...]:
    """The roles a who-question names (lexicon.ROLES): "who moderated and who spoke on the panel" → moderator."""
    if classify(question).name != "who":
        return ()
    return tuple(role for role, words in lexicon.ROLES.items() if words.search(question))
