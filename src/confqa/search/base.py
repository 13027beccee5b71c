"""What the search stage hands on, and the one interface its backends implement.

A question becomes one `Query` (its text, vector, filters compiled for every backend, the talks it names);
`hybrid.HybridSearch` sends it to a `SearchBackend` for candidates and fuses them into `Hit`s. The local backend
(exact scan or FAISS HNSW plus BM25 arrays) and the Milvus backend implement the same four calls, so that
routing, fusion and scoring exist once."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from confqa.search.filters import CompiledFilters

# A ranking: (chunk position, score), best first.
Ranking = list[tuple[int, float]]


@dataclass(frozen=True)
class TalkRoute:
    """Talks the question names, with how sure the match is (1.0 for a speaker's name)."""

    talk_ids: tuple[str, ...] = ()
    strength: float = 0.0
    by_speaker: bool = False
    matched_words: frozenset[str] = frozenset()
    # Talks whose titles the question names when none of them is the named speaker's: "what did Tufekci present in
    # the imitation learning tutorial" places her in a talk she did not give.
    elsewhere: tuple[str, ...] = ()


@dataclass(frozen=True)
class Query:
    """A question as the search and answer stages see it.

    `filters` are the user's filters and, when the question names a speaker, that speaker's talks, compiled once
    (a chunk mask for the local backend, a filter expression for Milvus). `intent` is the vector of the question
    without the names it was routed on ("what did Mitchell recommend" → "what did recommend"), when that differs
    from `vector`. `years` are the conference years the question names, `notes` the notes whose titles it names
    ("at ISRL", "the Thoughts on NeurIPS 2025 author"): preferences, not filters."""

    text: str
    vector: np.ndarray
    filters: CompiledFilters
    route: TalkRoute = TalkRoute()
    intent: np.ndarray | None = None
    years: tuple[int, ...] = ()
    notes: tuple[int, ...] = ()  # positions (in doc_names) of the notes whose titles the question names
    terms: tuple[str, ...] = ()
    notices: tuple[str, ...] = field(default=())
    # Terms that place the named talks rather than ask about them ("the talk on phishing kits at SecureCoast"):
    # the titles of the notes they are in (confqa.search.hybrid.placing_terms).
    placing: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Hit:
    """One retrieved passage: its fused score in [0, 1], its dense and BM25 scores, whether it is about a talk the
    question names, and its closeness to the query's intent vector (None without one)."""

    chunk: int
    score: float
    dense: float
    bm25: float
    in_route: bool
    intent: float | None = None


class SearchBackend(Protocol):
    """Candidates for one query, with the compiled filters pushed down. Chunk positions are those of the opened
    index generation; scores are inner products (dense) and BM25 scores on the bm25s scale (lexical)."""

    def dense(self, vector: np.ndarray, limit: int, filters: CompiledFilters) -> Ranking:
        """The `limit` allowed chunks closest to the vector."""
        ...

    def lexical(self, terms: Sequence[str], limit: int, filters: CompiledFilters) -> Ranking:
        """The `limit` allowed chunks with the highest BM25 score for the terms (only scores above 0)."""
        ...

    def lexical_scores(self, terms: Sequence[str], ids: np.ndarray) -> np.ndarray:
        """The BM25 score of each given chunk for the terms (0 where a chunk has none)."""
        ...

    def vectors(self, ids: np.ndarray) -> np.ndarray:
        """The dense vectors of the given chunks, one row per id, in order."""
        ...
