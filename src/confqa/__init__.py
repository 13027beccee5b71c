"""confqa: offline question answering over conference notes, with answers cited down to the talk,
section and lines.

    >>> import confqa
    >>> assistant = confqa.Assistant()          # the index of ./corpus, built on first use
    >>> answer = assistant.ask("what did Mitchell recommend")
    >>> print(answer)                           # answer with [n] markers, then the sources

Importing confqa is light: torch, sentence-transformers and faiss load only when an index is built or a
question is embedded."""

from __future__ import annotations

from confqa.api import Assistant
from confqa.errors import ConfqaError, ConfqaUsageError, IndexCorruptError, IndexNotFoundError
from confqa.models import Answer, Citation, Passage, Talk, UnsupportedSentence
from confqa.settings import LLMSettings, Settings
from confqa.version import VERSION as __version__

__all__ = [
    "Answer",
    "Assistant",
    "Citation",
    "ConfqaError",
    "ConfqaUsageError",
    "IndexCorruptError",
    "IndexNotFoundError",
    "LLMSettings",
    "Passage",
    "Settings",
    "Talk",
    "UnsupportedSentence",
    "__version__",
]
