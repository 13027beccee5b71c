"""The talk catalogue: which talks, tutorials, panels, workshops, orals, expo sessions and papers the notes
discuss, who gave them, and which lines of which notes are about each.

detectors (one small function per way notes introduce a talk) → merge (one talk per title and speaker, with
talks.yaml) → attribution (a mapping from lines to talks) → build (the catalogue and the attributed chunks).

The names below load on first use: the question path imports `confqa.talks.naming` alone, not the detectors."""

from __future__ import annotations

from importlib import import_module
from typing import Any

_WHERE = {
    "Catalogue": "build", "attributed": "build", "build_catalogue": "build", "detect": "build",
    "CATALOGUE_FILE": "catalogue_file", "CatalogueEntry": "catalogue_file", "read_catalogue_file": "catalogue_file",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'confqa.talks' has no attribute {name!r}")
    return getattr(import_module(f"confqa.talks.{_WHERE[name]}"), name)
