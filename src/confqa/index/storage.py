"""Where an index lives and which generation of it is current. Light on purpose: the question path imports it."""

from __future__ import annotations

import os
import re
import shlex
from pathlib import Path

from confqa.errors import ConfqaUsageError
from confqa.models import Manifest

CURRENT_FILE = "CURRENT"
LOCK_FILE = ".lock"
# The ONNX export of the model, inside each generation and checksummed in its manifest like every other file (a
# hard link to the previous generation's copy while the model is unchanged).
ONNX_FILE = "model.onnx"
# Where an index records the folders and files it was built from, outside its generations, so that a rebuild of
# a damaged index (whose manifest cannot be read) still uses the user's notes.
SOURCES_FILE = "sources.json"
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

        raise IndexCorruptError(f"{pointer} is damaged; rebuild with: {rebuild_command(index_dir)}")
    return index_dir / name


def read_manifest(generation: Path) -> Manifest:
    from confqa.errors import IndexCorruptError

    path = generation / "manifest.json"
    try:
        return Manifest.model_validate_json(path.read_bytes())
    except FileNotFoundError:
        raise IndexCorruptError(f"{path} is missing; rebuild with: {rebuild_command(generation.parent)}") from None
    except ValueError as exc:
        first = str(exc).splitlines()[0]
        raise IndexCorruptError(f"{path} is not a valid confqa manifest ({first}); rebuild with: "
                                f"{rebuild_command(generation.parent)}") from None


def rebuild_command(index_dir: Path) -> str:
    """The command that rebuilds this index from the notes it was built from (recorded in SOURCES_FILE)."""
    return f"confqa index --index {shlex.quote(str(index_dir))} --rebuild"


def refresh_command(index_dir: Path) -> str:
    """The command that updates this index from the notes it was built from."""
    return f"confqa index --index {shlex.quote(str(index_dir))}"


def recorded_sources(index_dir: Path) -> list[Path] | None:
    """The folders and files this index was built from, or None for an index that never recorded them."""
    import json

    try:
        paths = json.loads((index_dir / SOURCES_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        paths = None
    if paths is None:  # an index built before SOURCES_FILE existed: its manifest says the same
        from confqa.errors import ConfqaError

        try:
            generation = current_generation(index_dir)
            paths = read_manifest(generation).corpus_dirs if generation is not None else None
        except ConfqaError:
            return None
    if not isinstance(paths, list) or not paths or not all(isinstance(p, str) and p for p in paths):
        return None
    return [Path(p) for p in paths]
