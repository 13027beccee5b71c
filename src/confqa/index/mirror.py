"""Where an index is mirrored besides its folder: the one place that asks which search backend the settings
choose when building (opening is search.open_backend)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from confqa.settings import Settings


def check_target(settings: Settings) -> None:
    """Fail before any work when the backend cannot be reached (a missing extra, a bad --milvus-uri)."""
    if settings.backend == "milvus":
        from confqa.index.milvus import connect

        connect(settings)


def mirror(index_dir: Path, settings: Settings, rebuild: bool) -> Any:
    """Bring the backend in line with the index just built: the Milvus collection's SyncReport, or None."""
    if settings.backend != "milvus":
        return None
    from confqa.index.milvus import sync
    from confqa.index.store import open_index

    return sync(index_dir, open_index(index_dir), settings, rebuild=rebuild)
