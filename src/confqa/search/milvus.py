"""The Milvus backend: dense and BM25 candidates from the index's Milvus collection (written by
confqa.index.milvus), with the compiled filters pushed down as a Milvus filter expression. Chunk vectors come from
Milvus too: a Milvus-backed search opens neither the local dense index, the chunk vectors nor the BM25 arrays."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from confqa.errors import ConfqaError, IndexNotFoundError
from confqa.index.milvus import alias_for, connect, filter_arguments, first_line, lexical_text, read_state, same_milvus
from confqa.index.store import IndexStore
from confqa.search.base import Ranking
from confqa.search.filters import CompiledFilters
from confqa.settings import Settings


class MilvusBackend:
    """Candidates from Milvus for one opened index generation."""

    def __init__(self, index_dir: Path, store: IndexStore, settings: Settings) -> None:
        self.client = connect(settings)
        state = read_state(index_dir)
        command = f"confqa index --index {index_dir} --backend milvus --milvus-uri {settings.milvus_uri}"
        if state is None or not same_milvus(state, settings):
            raise IndexNotFoundError(f"the index {index_dir} is not in the Milvus at {settings.milvus_uri}; write "
                                     f"it there with: {command}")
        self.alias = state.alias if state.alias else alias_for(index_dir)
        try:
            # Milvus Lite forgets across processes that a collection was loaded; on a server this is a no-op.
            self.client.load_collection(self._collection(state.collection))
        except Exception as exc:  # noqa: BLE001
            raise IndexNotFoundError(f"the Milvus collection of {index_dir} cannot be loaded ({first_line(exc)}); "
                                     f"rewrite it with: {command} --rebuild") from None
        self.ids = store.chunk_ids
        self.positions = {chunk_id: i for i, chunk_id in enumerate(self.ids)}
        self.hnsw = state.index_type == "HNSW"
        self.parameters = store.manifest.index_parameters
        self.dimension = store.dimension

    def _collection(self, fallback: str) -> str:
        aliases = self.client.list_aliases().get("aliases", [])
        return str(self.client.describe_alias(self.alias)["collection_name"]) if self.alias in aliases else fallback

    def dense(self, vector: np.ndarray, limit: int, filters: CompiledFilters) -> Ranking:
        params: dict[str, Any] = {"metric_type": "IP"}
        if self.hnsw:
            params["params"] = {"ef": max(self.parameters.hnsw_ef_search, limit)}
        data = [np.asarray(vector, dtype=np.float32).reshape(-1).tolist()]
        return self._search(data, "dense", limit, filters.expression, filters.params, params)

    def lexical(self, terms: Sequence[str], limit: int, filters: CompiledFilters) -> Ranking:
        if not terms:
            return []
        hits = self._search([lexical_text(list(terms))], "sparse", limit, filters.expression, filters.params,
                            {"params": {}})
        return [(i, s) for i, s in hits if s > 0]

    def lexical_scores(self, terms: Sequence[str], ids: np.ndarray) -> np.ndarray:
        if not terms or not len(ids):
            return np.zeros(len(ids), dtype=np.float32)
        wanted = [self.ids[int(i)] for i in ids]
        scores = dict(self._search([lexical_text(list(terms))], "sparse", len(wanted), "id in {ids}",
                                   {"ids": wanted}, {"params": {}}))
        return np.array([scores.get(int(i), 0.0) for i in ids], dtype=np.float32)

    def vectors(self, ids: np.ndarray) -> np.ndarray:
        wanted = [self.ids[int(i)] for i in ids]
        if not wanted:
            return np.zeros((0, self.dimension), dtype=np.float32)
        try:
            rows = self.client.query(self.alias, output_fields=["id", "dense"],
                                     **filter_arguments(self.client, self.alias, "id in {ids}", {"ids": wanted}))
        except Exception as exc:  # noqa: BLE001
            raise ConfqaError(f"Milvus query failed ({first_line(exc)}); check that Milvus is running at the "
                              "--milvus-uri the index was written to") from None
        found = {str(r["id"]): r["dense"] for r in rows}
        missing = [w for w in wanted if w not in found]
        if missing:
            raise ConfqaError(f"Milvus has no record for chunk {missing[0]!r} of this index generation; write the "
                              "index to Milvus again with: confqa index --backend milvus")
        return np.array([found[w] for w in wanted], dtype=np.float32)

    def _search(self, data: list[Any], field: str, limit: int, template: str, values: dict[str, Any],
                params: dict[str, Any]) -> Ranking:
        try:
            result = self.client.search(self.alias, data=data, anns_field=field, limit=limit, output_fields=["id"],
                                        search_params=params,
                                        **filter_arguments(self.client, self.alias, template, values))
        except Exception as exc:  # noqa: BLE001
            raise ConfqaError(f"Milvus search failed ({first_line(exc)}); check that Milvus is running at the "
                              "--milvus-uri the index was written to") from None
        out = []
        for hit in result[0]:
            position = self.positions.get(str(hit["id"]))
            if position is None:  # written by a newer sync than the local generation this reader opened
                continue
            # Milvus Lite reports BM25 as a negative distance, a server as a positive score; Milvus's BM25 is
            # bm25s's times (k1 + 1).
            score = float(hit["distance"])
            out.append((position, abs(score) / (self.parameters.bm25_k1 + 1) if field == "sparse" else score))
        return sorted(out, key=lambda item: (-item[1], item[0]))
