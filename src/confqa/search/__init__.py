"""Search: a question becomes a Query, a Query becomes hits, through one backend interface."""

from __future__ import annotations

from pathlib import Path

from confqa.index.store import IndexStore
from confqa.search.base import Hit, Query, SearchBackend, TalkRoute
from confqa.search.filters import CompiledFilters, Filters, compile_filters
from confqa.search.hybrid import HybridSearch
from confqa.settings import Settings

__all__ = ["CompiledFilters", "Filters", "Hit", "HybridSearch", "Query", "SearchBackend", "TalkRoute",
           "compile_filters", "open_backend"]


def open_backend(index_dir: Path, store: IndexStore, settings: Settings, sync_missing: bool) -> SearchBackend:
    """The backend the settings choose, for an opened index. The Milvus one first brings the index's collection in
    line with the local generation when it lags behind (or, with sync_missing, when it was never written)."""
    if settings.backend != "milvus":
        from confqa.search.local import LocalBackend

        return LocalBackend(store)
    from confqa.index.milvus import read_state, sync
    from confqa.search.milvus import MilvusBackend

    state = read_state(index_dir)
    if (state is not None and state.generation != store.generation.name) or (state is None and sync_missing):
        sync(index_dir, store, settings)
    return MilvusBackend(index_dir, store, settings)
