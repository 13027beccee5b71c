"""--doc, --talk, --speaker and --year, resolved against the index and compiled once: to a boolean mask over the
chunks (the local backend) and to a Milvus filter expression with its values as `filter_params` (the Milvus
backend). Unknown values raise with close matches, whichever backend runs."""

from __future__ import annotations

import difflib
import threading
import weakref
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any, Protocol

import numpy as np

from confqa.errors import UnknownFilterError
from confqa.index.store import TalkNames
from confqa.lexical import surname
from confqa.models import Talk


@dataclass(frozen=True)
class Filters:
    """The filters a user asked for; None means not set."""

    doc: str | None = None
    talk: str | None = None
    speaker: str | None = None
    year: int | None = None

    def active(self) -> bool:
        return any(v is not None for v in (self.doc, self.talk, self.speaker, self.year))


class FilterColumns(Protocol):
    """What compiling needs from an opened index: per-chunk columns and the talk catalogue."""

    @property
    def size(self) -> int: ...

    @property
    def doc_names(self) -> list[str]: ...

    @property
    def chunk_doc(self) -> np.ndarray: ...

    @property
    def chunk_year(self) -> np.ndarray: ...

    @property
    def talks(self) -> Sequence[Talk]: ...

    @property
    def talk_ids(self) -> list[str]: ...

    @property
    def talk_names(self) -> TalkNames: ...

    def chunks_of_talks(self, talk_ids: Iterable[str]) -> np.ndarray: ...


NO_YEAR = -1  # chunk_year of a chunk whose note names no conference year


@dataclass(frozen=True)
class CompiledFilters:
    """Filters ready for any backend. `mask` is None when every chunk is allowed; `expression` is a Milvus boolean
    expression whose values are placeholders (`doc in {docs}`) filled from `params`, '' when nothing filters."""

    mask: np.ndarray | None = None
    expression: str = ""
    params: dict[str, Any] = field(default_factory=dict)

    def empty(self) -> bool:
        """Whether the filters allow no chunk at all."""
        return self.mask is not None and not bool(self.mask.any())

    def allowed(self, ids: np.ndarray) -> np.ndarray:
        """The ids among these that the filters allow, in order."""
        return ids if self.mask is None or not len(ids) else ids[self.mask[ids]]

    def narrowed(self, talk_ids: Sequence[str], store: FilterColumns) -> CompiledFilters:
        """These filters and "about one of these talks" (a question that names a speaker is answered from their
        talks only). Unchanged when those talks have no passages."""
        members = store.chunks_of_talks(talk_ids)
        if not len(members):
            return self
        about = np.zeros(store.size, dtype=bool)
        about[members] = True
        key = f"route_talks_{len(self.params)}"
        part = f"array_contains_any(talk_ids, {{{key}}})"
        return CompiledFilters(
            mask=about if self.mask is None else (self.mask & about),
            expression=f"({self.expression}) and ({part})" if self.expression else f"({part})",
            params={**self.params, key: sorted(talk_ids)},
        )


def compile_filters(filters: Filters, store: FilterColumns) -> CompiledFilters:
    """Resolve the filters against the index and compile them; unknown values raise UnknownFilterError."""
    if not filters.active():
        return CompiledFilters()
    mask = np.ones(store.size, dtype=bool)
    parts: list[str] = []
    params: dict[str, Any] = {}
    if filters.doc is not None:
        docs = _docs(filters.doc, store.doc_names)
        wanted = np.array([d in docs for d in store.doc_names], dtype=bool)
        mask &= wanted[store.chunk_doc]
        parts.append("doc in {docs}")
        params["docs"] = sorted(docs)
    talk_sets = []
    if filters.talk is not None:
        talk_sets.append(("talks", _match_talks(filters.talk, talk_directory(store))))
    if filters.speaker is not None:
        talk_sets.append(("speaker_talks", _speaker_talks(filters.speaker, talk_directory(store))))
    for key, talk_ids in talk_sets:
        about = np.zeros(store.size, dtype=bool)
        about[store.chunks_of_talks(talk_ids)] = True
        mask &= about
        parts.append(f"array_contains_any(talk_ids, {{{key}}})")
        params[key] = sorted(talk_ids)
    if filters.year is not None:
        years = sorted({int(y) for y in np.unique(store.chunk_year) if y != NO_YEAR})
        if filters.year not in years:
            raise UnknownFilterError(f"--year {filters.year}: the notes cover {', '.join(map(str, years)) or 'no year'}")
        mask &= store.chunk_year == filters.year
        parts.append("year == {year}")
        params["year"] = int(filters.year)
    return CompiledFilters(mask=mask, expression=" and ".join(f"({p})" for p in parts), params=params)


def _docs(value: str, docs: list[str]) -> set[str]:
    wanted = value.strip().replace("\\", "/")
    path = PurePosixPath(wanted)
    if not path.parts or path.parts == ("/",):
        # "" and "." name no note (and pathlib refuses an empty pattern).
        raise UnknownFilterError(f"--doc {value!r} names no note; give a path or glob such as '*.md'; notes: "
                                 f"{_few(docs)}")
    if path.is_absolute() or ".." in path.parts:
        raise UnknownFilterError(f"--doc {value!r} must be a path inside the corpus; notes: {_few(docs)}")
    chosen = {d for d in docs if d == wanted or PurePosixPath(d).match(wanted) or PurePosixPath(d).stem == wanted}
    if not chosen:
        raise UnknownFilterError(_unknown("document", value, docs))
    return chosen


@dataclass(frozen=True)
class TalkDirectory:
    """What --talk and --speaker match against, as plain lowered strings: read from the index's talk_names.json
    once per opened index (a catalogue of 60,000 talks is not parsed for every filtered question)."""

    ids: tuple[str, ...]
    titles: tuple[str, ...]  # as written, for "did you mean"
    names: tuple[tuple[str, ...], ...]  # per talk: the lowered title and aliases
    speakers: tuple[tuple[str, ...], ...]  # per talk: the speakers as written
    lowered_speakers: tuple[tuple[tuple[str, str], ...], ...]  # per talk: (lowered name, lowered surname)

    @classmethod
    def of(cls, ids: Sequence[str], names: TalkNames) -> TalkDirectory:
        return cls(
            ids=tuple(ids),
            titles=tuple(names.titles),
            names=tuple((title.lower(), *(a.lower() for a in aliases)) for title, aliases in zip(names.titles,
                                                                                                names.aliases)),
            speakers=tuple(tuple(s) for s in names.speakers),
            lowered_speakers=tuple(tuple((s.lower(), surname(s).lower()) for s in speakers)
                                   for speakers in names.speakers),
        )


# One directory per opened catalogue, dropped with it.
_DIRECTORIES: weakref.WeakKeyDictionary[Sequence[Talk], TalkDirectory] = weakref.WeakKeyDictionary()
_DIRECTORIES_LOCK = threading.Lock()


def talk_directory(store: FilterColumns) -> TalkDirectory:
    """The directory of this index's catalogue, built on first use (kept with its talk records)."""
    with _DIRECTORIES_LOCK:
        known = _DIRECTORIES.get(store.talks)
    if known is not None:
        return known
    directory = TalkDirectory.of(store.talk_ids, store.talk_names)
    with _DIRECTORIES_LOCK:
        return _DIRECTORIES.setdefault(store.talks, directory)


def _speaker_talks(value: str, directory: TalkDirectory) -> set[str]:
    wanted = value.strip().lower()
    matched = {talk for talk, speakers in zip(directory.ids, directory.lowered_speakers)
               if any(wanted in (name, last) or (len(wanted) > 3 and wanted in name) for name, last in speakers)}
    if not matched:
        speakers = sorted({s for names in directory.speakers for s in names})
        raise UnknownFilterError(_unknown("speaker", value, speakers))
    return matched


def _match_talks(value: str, directory: TalkDirectory) -> set[str]:
    wanted = value.strip().lower()
    exact = {talk for talk, names in zip(directory.ids, directory.names) if wanted == talk or wanted in names}
    if exact:
        return exact
    partial = {talk for talk, names in zip(directory.ids, directory.names)
               if len(wanted) >= 3 and any(wanted in name for name in names)}
    if partial:
        return partial
    raise UnknownFilterError(_unknown("talk", value, list(directory.titles)))


def _unknown(what: str, value: str, known: list[str]) -> str:
    close = difflib.get_close_matches(value, known, n=3, cutoff=0.4)
    if not close:
        lowered = value.lower()
        close = [k for k in known if lowered[:4] and lowered[:4] in k.lower()][:3]
    hint = f"; did you mean: {', '.join(repr(c) for c in close)}" if close else f"; known: {_few(known)}"
    return f"unknown {what} {value!r}{hint}"


def _few(items: list[str]) -> str:
    shown = ", ".join(repr(i) for i in items[:6])
    return shown + (f" and {len(items) - 6} more" if len(items) > 6 else "")
