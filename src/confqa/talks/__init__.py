"""The talk catalogue: which talks, tutorials, panels, workshops, orals, expo sessions and papers the notes
discuss, who gave them, and which lines of which notes are about each.

detectors (one small function per way notes introduce a talk) → merge (one talk per title and speaker, with
talks.yaml) → attribution (a mapping from lines to talks) → build (the catalogue and the attributed chunks)."""

from confqa.talks.build import Catalogue, attributed, build_catalogue, detect
from confqa.talks.catalogue_file import CATALOGUE_FILE, CatalogueEntry, read_catalogue_file

__all__ = ["CATALOGUE_FILE", "Catalogue", "CatalogueEntry", "attributed", "build_catalogue", "detect",
           "read_catalogue_file"]
