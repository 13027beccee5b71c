"""Where an index lives and which generation of it is current. Light on purpose: the question path imports it."""

from __future__ import annotations

import os
import re
from pathlib import Path

from confqa.errors import ConfqaUsageError
from confqa.models import Manifest

CURRENT_FILE = "CURRENT"
LOCK_FILE = ".lock"
_INDEX_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


def resolve_index_dir(index: str, index_root: Path) -> Path:
    """An index is a name under index_root, or an explicit folder path. Names cannot escape index_root."""
    if "/" in index or os.sep in index:
        if index.startswith("../") or "/../" in index:
            raise ConfqaUsageError(f"index path {index!r} is not allowed; give a name or a folder path")
        return Path(index).expanduser()
    if not _INDEX_NAME.match(index):
        raise ConfqaUsageError(
            f"invalid index name {index!r}: use letters, digits, '.', '_' or '-' (or give a folder path)"
        )
    return index_root / index


def current_generation(index_dir: Path) -> Path | None:
    pointer = index_dir / CURRENT_FILE
    try:
        name = pointer.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    if not re.fullmatch(r"gen-[A-Za-z0-9_.-]+", name):
        from confqa.errors import IndexCorruptError

        raise IndexCorruptError(f"{pointer} is damaged; rebuild with: confqa index --rebuild")
    return index_dir / name


def read_manifest(generation: Path) -> Manifest:
    from confqa.errors import IndexCorruptError

    path = generation / "manifest.json"
    try:
        return Manifest.model_validate_json(path.read_bytes())
    except FileNotFoundError:
        raise IndexCorruptError(f"{path} is missing; rebuild with: confqa index --rebuild") from None
    except ValueError as exc:
        first = str(exc).splitlines()[0]
        raise IndexCorruptError(f"{path} is not a valid confqa manifest ({first}); rebuild with: confqa index --rebuild") from None
