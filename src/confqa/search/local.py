"""The local backend: dense candidates by an exact scan of the memory-mapped vectors or FAISS HNSW, lexical
candidates from the BM25 arrays, filters as a chunk mask."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache, partial
from typing import Any

import numpy as np

from confqa.index.store import IndexStore
from confqa.search.base import Ranking
from confqa.search.filters import CompiledFilters
from confqa.search.fusion import top_indices


class LocalBackend:
    """Search over an opened index folder.

    Dense: an exact scan where it is cheap (an index of at most `exact_search_limit` chunks, or filters that allow
    at most that many), else FAISS HNSW, with the filters as a FAISS ID selector. Lexical: BM25 over the arrays
    that bm25s wrote, with the filters as a mask."""

    def __init__(self, store: IndexStore) -> None:
        self.store = store
        self.limit = store.manifest.index_parameters.exact_search_limit
        # One question asks for the BM25 scores of the same terms two or three times (ranking, a named talk's
        # passages, the hits' own scores): computed once (a closure over the store: no cycle through self).
        self._scores = lru_cache(maxsize=4)(partial(_all_scores, store))

    def dense(self, vector: np.ndarray, limit: int, filters: CompiledFilters) -> Ranking:
        store = self.store
        query = np.ascontiguousarray(vector, dtype=np.float32)
        if filters.mask is None and store.size <= self.limit:
            return _exact(np.asarray(store.chunk_vectors @ query, dtype=np.float32), limit)
        if filters.mask is not None:
            allowed = np.flatnonzero(filters.mask)
            if len(allowed) <= self.limit:
                scores = np.asarray(store.chunk_vectors[allowed] @ query, dtype=np.float32)
                return [(int(allowed[i]), s) for i, s in _exact(scores, limit)]
        return _hnsw(store.dense_index, query, limit, filters.mask, store.manifest.index_parameters.hnsw_ef_search)

    def lexical(self, terms: Sequence[str], limit: int, filters: CompiledFilters) -> Ranking:
        if not terms:
            return []
        scores = self._scores(tuple(terms))
        if filters.mask is not None:
            scores = np.where(filters.mask, scores, np.float32(0.0))
        return [(int(i), float(scores[i])) for i in top_indices(scores, limit) if scores[i] > 0]

    def lexical_scores(self, terms: Sequence[str], ids: np.ndarray) -> np.ndarray:
        if not terms or not len(ids):
            return np.zeros(len(ids), dtype=np.float32)
        return np.asarray(self._scores(tuple(terms))[ids], dtype=np.float32)

    def vectors(self, ids: np.ndarray) -> np.ndarray:
        return np.asarray(self.store.chunk_vectors[np.asarray(ids, dtype=np.int64)], dtype=np.float32)



def _all_scores(store: IndexStore, terms: tuple[str, ...]) -> np.ndarray:
    scores = store.bm25.get_scores(list(terms))
    scores.setflags(write=False)  # shared between calls: never changed in place
    return scores


def _exact(scores: np.ndarray, limit: int) -> Ranking:
    return [(int(i), float(scores[i])) for i in top_indices(scores, limit)]


def _hnsw(index: Any, query: np.ndarray, limit: int, mask: np.ndarray | None, ef_search: int) -> Ranking:
    import faiss

    params = faiss.SearchParametersHNSW()  # type: ignore[attr-defined]  # in faiss, missing from its stubs
    params.efSearch = max(ef_search, limit)
    if mask is not None:
        bits = np.packbits(mask, bitorder="little")
        selector = faiss.IDSelectorBitmap(len(mask), faiss.swig_ptr(bits))  # params.sel does not keep it alive
        params.sel = selector
    scores, ids = index.search(query.reshape(1, -1), limit, params=params)
    return [(int(i), float(s)) for i, s in zip(ids[0], scores[0]) if i >= 0]
