"""What a detector finds: a talk candidate (title, kind, speakers, where its passages are), and the words that
compare candidates (normalised titles, content words, kinds)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from confqa.ingest.loading import clean_inline
from confqa.models import TalkMention
from confqa.text.lexicon import KIND_IN_HEADING, KIND_IN_TITLE, KIND_WORDS, TITLE_STOP

_WORD = re.compile(r"[a-z0-9]+")


@dataclass
class Candidate:
    title: str
    kind: str
    speakers: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    # A numbered label of a series ("Tutorial 4", "Talk 2"): a name a question may use, never compared when merging
    # (the notes of another event have a "Talk 2" too).
    labels: list[str] = field(default_factory=list)
    mentions: list[TalkMention] = field(default_factory=list)
    weak: bool = False  # found without a title of its own: joins a talk by the same speaker
    organizers: list[str] = field(default_factory=list)  # companies and hosts: matched by full name only
    summaries: list[str] = field(default_factory=list)  # a table's Notes column: what the talk was about
    lead: bool = False  # a bold highlight line with no speaker: joins the talk whose title or summary it matches
    title_only: bool = False  # a heading that may be a known talk's title: joins the talk whose title it is
    topic: bool = False  # known by its topic only ('X talked about Y'): dropped if X has a titled talk in the note
    # Where its passages are: (doc, first line, last line) spans, a heading path that owns a subtree, whole notes.
    spans: list[tuple[str, int, int]] = field(default_factory=list)
    sections: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)
    whole_docs: list[str] = field(default_factory=list)


@lru_cache(maxsize=1 << 16)
def normalize(text: str) -> str:
    """Lowercase words of the text a reader sees. Cached: titles are compared with many blocks and talks."""
    return " ".join(_WORD.findall(clean_inline(text).lower()))


@lru_cache(maxsize=1 << 16)
def content_words(text: str) -> frozenset[str]:
    return frozenset(w for w in _WORD.findall(text.lower()) if w not in TITLE_STOP and len(w) > 1)


def slugify(text: str) -> str:
    return "-".join(_WORD.findall(text.lower())[:8]) or "talk"


def kind_of(word: str | None) -> str:
    return KIND_WORDS.get(" ".join((word or "").lower().split()), "talk")


def kind_from_heading(heading: str) -> str | None:
    """The kind a section heading announces ('Invited Talks' -> invited talk); a panel at a workshop is a session."""
    lower = heading.lower()
    if "panel" in lower and "workshop" in lower:
        return "session"
    return next((kind for word, kind in KIND_IN_HEADING if _says(word, lower)), None)


def kind_under(heading: str) -> str | None:
    """The kind a heading gives the talks under it: 'Invited talks' makes each an invited talk, 'Session A: Forecasting'
    none (a session holds talks of any kind)."""
    kind = kind_from_heading(heading)
    return None if kind == "session" else kind


def kind_from_title(text: str) -> str | None:
    lower = text.lower()
    return next((kind for word, kind in KIND_IN_TITLE if _says(word, lower)), None)


def _says(word: str, lower: str) -> bool:
    """The word (or its plural) is a word of the text: 'Coral Futures' says no 'oral', 'exposure' no 'expo'."""
    return word in lower and re.search(rf"(?<![^\W\d_]){re.escape(word)}(?:s|es)?(?![^\W\d_])", lower) is not None
