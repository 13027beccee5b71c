"""Open a built index: validate every file against the manifest, memory-map the vectors, and keep the lookup
tables that retrieval needs. Read-only, so one store can serve many threads."""

from __future__ import annotations

import hashlib
import json
import math
import mmap
import os
import re
import shlex
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any, BinaryIO, TypeVar, overload

import numpy as np
from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError

from confqa.errors import IndexCorruptError, IndexNotFoundError
from confqa.index.bm25 import Bm25Arrays
from confqa.index.storage import ONNX_FILE, current_generation, read_manifest, rebuild_command
from confqa.lexical import terms
from confqa.models import INDEX_FORMAT_VERSION, Chunk, Manifest, Sentence, Talk
from confqa.talks.naming import names_in
from confqa.version import VERSION as __version__

T = TypeVar("T")


class Records(Sequence[T]):
    """A JSON Lines file read by position: a memory map and the byte offset of every record (an .npy beside it),
    so that opening costs nothing per record and a record is parsed when it is first read. Recently read records
    are kept parsed. Thread-safe: reads never move a shared file position. A record that cannot be parsed, or that
    a wrong offset cut short, raises IndexCorruptError with the command that rebuilds the index."""

    def __init__(self, path: Path, offsets: np.ndarray, parse: Callable[[bytes], T], fix: str,
                 cached: int = 4096) -> None:
        self.path = path
        self.offsets = offsets
        self._file = open(path, "rb")
        size = os.fstat(self._file.fileno()).st_size
        data: mmap.mmap | bytes = mmap.mmap(self._file.fileno(), 0, access=mmap.ACCESS_READ) if size else b""

        def record(position: int) -> T:
            text = bytes(data[int(offsets[position]):int(offsets[position + 1])])
            try:
                if not text.endswith(b"\n"):  # a record is one whole line
                    raise ValueError("it does not end where a line ends (a wrong offset)")
                return parse(text)
            except (ValueError, KeyError, TypeError) as exc:  # pydantic's ValidationError is a ValueError
                raise IndexCorruptError(f"{path}: record {position} cannot be read ({_first_line(exc)}); "
                                        f"rebuild with: {fix}") from None

        # A closure, not a bound method: the cache must not hold the Records (and its open file) in a cycle.
        self._read = lru_cache(maxsize=cached)(record)

    def __len__(self) -> int:
        return len(self.offsets) - 1

    @overload
    def __getitem__(self, index: int) -> T: ...

    @overload
    def __getitem__(self, index: slice) -> list[T]: ...

    def __getitem__(self, index: int | slice) -> T | list[T]:
        if isinstance(index, slice):
            return [self._read(i) for i in range(*index.indices(len(self)))]
        position = int(index)
        if position < 0:
            position += len(self)
        if not 0 <= position < len(self):
            raise IndexError(f"record {index} of {len(self)}")
        return self._read(position)

    def __iter__(self) -> Iterator[T]:
        return (self._read(i) for i in range(len(self)))


class SentencesOfChunks:
    """The sentence ids of each chunk (sentences are stored in chunk order: a chunk's are one range)."""

    def __init__(self, starts: np.ndarray) -> None:
        self.starts = starts

    def __len__(self) -> int:
        return len(self.starts) - 1

    def __getitem__(self, chunk: int) -> list[int]:
        return list(range(int(self.starts[chunk]), int(self.starts[chunk + 1])))


class Keyed(Mapping[str, T]):
    """Records looked up by a key (a talk's id, a note's name), each read when first asked for."""

    def __init__(self, records: Sequence[T], keys: list[str]) -> None:
        self._records = records
        self.positions = {key: i for i, key in enumerate(keys)}

    def __getitem__(self, key: str) -> T:
        return self._records[self.positions[key]]

    def __contains__(self, key: object) -> bool:
        return key in self.positions

    def __iter__(self) -> Iterator[str]:
        return iter(self.positions)

    def __len__(self) -> int:
        return len(self.positions)


class TalkNames(BaseModel):
    """talk_names.json: the talks' titles, aliases and speakers, by catalogue position."""

    model_config = ConfigDict(extra="forbid")

    titles: list[str]
    aliases: list[list[str]]
    speakers: list[list[str]]


@dataclass
class IndexStore:
    """One opened generation. Opening reads the manifest, the catalogue and small per-chunk columns (note, year,
    talks); chunk, sentence and note records are read by position when asked for; vectors are memory-mapped;
    the dense index and the BM25 arrays are opened on first use (a Milvus-backed search never opens them)."""

    index_dir: Path
    generation: Path
    manifest: Manifest
    chunks: Records[Chunk]
    sentences: Records[Sentence]
    talks: Records[Talk]
    documents: list[dict[str, Any]]
    chunk_doc: np.ndarray  # int32: position in doc_names of each chunk's note
    chunk_year: np.ndarray  # int32: each chunk's conference year, NO_YEAR when its note names none
    sentences_by_chunk: SentencesOfChunks
    talk_offsets: np.ndarray  # int64, len(talks) + 1: talk t's chunks are talk_chunks[talk_offsets[t]:…[t + 1]]
    talk_chunks: np.ndarray  # int64
    # int64, sentences + 1: sentence s is about the talks at positions sentence_talks[offsets[s]:offsets[s + 1]]
    sentence_talk_offsets: np.ndarray
    sentence_talks: np.ndarray  # int32 talk positions
    sentence_shared_rows: np.ndarray  # bool per sentence: a table row attributed to several talks
    texts: Keyed[list[str]]  # the cleaned lines of every note (a quote spanning chunks stays exact)
    talks_by_id: Keyed[Talk] = field(default_factory=lambda: Keyed([], []))
    # The generation's ONNX export, held open from the moment the index is opened: a rebuild may delete the
    # generation later, and an open file stays readable (None for a generation without an export).
    model_file: BinaryIO | None = None
    # Every file read later than opening (vectors, the dense index, the BM25 arrays, chunk ids), held open from
    # the moment the index is opened, for the same reason, and read through /proc/self/fd.
    held: dict[str, BinaryIO] = field(default_factory=dict)

    def held_path(self, name: str) -> Path | None:
        """Where to read a file of this generation that was held open when it was opened (None: not there)."""
        handle = self.held.get(name)
        if handle is None:
            return None
        proc = Path(f"/proc/self/fd/{handle.fileno()}")
        return proc if proc.exists() else self.generation / name

    @property
    def size(self) -> int:
        """The number of chunks."""
        return len(self.chunk_doc)

    @cached_property
    def doc_names(self) -> list[str]:
        """Every note, in the order chunk_doc counts them."""
        return [str(d["doc"]) for d in self.documents]

    @cached_property
    def doc_years(self) -> dict[str, int | None]:
        """The conference year of each note (from its chunks)."""
        docs, first = np.unique(self.chunk_doc, return_index=True)
        return {self.doc_names[int(d)]: (None if int(self.chunk_year[i]) == NO_YEAR else int(self.chunk_year[i]))
                for d, i in zip(docs, first)}

    @cached_property
    def chunk_vectors(self) -> np.ndarray:
        """Every chunk's vector, memory-mapped."""
        return _load_array(self._held("embeddings.npy"), self.fix_command, (self.size, self.dimension))

    @cached_property
    def sentence_vectors(self) -> np.ndarray:
        """Every sentence's vector, memory-mapped."""
        return _load_array(self._held("sentences.npy"), self.fix_command, (len(self.sentences), self.dimension))

    @cached_property
    def dense_index(self) -> Any:
        """The FAISS HNSW index of an index above the exact-search limit, its vectors memory-mapped."""
        return _load_hnsw(self._held("dense.faiss"), self.size, self.dimension,
                          self.manifest.index_parameters.hnsw_ef_search, self.fix_command)

    @cached_property
    def bm25(self) -> Bm25Arrays:
        bm25 = _load_bm25(lambda name: self.held_path(f"bm25/{name}"), self.generation / "bm25", self.fix_command)
        if bm25.num_docs != self.size:
            raise IndexCorruptError(f"{self.generation / 'bm25'} holds {bm25.num_docs} passages, the index has "
                                    f"{self.size}; rebuild with: {self.fix_command}")
        return bm25

    @property
    def vocabulary(self) -> Mapping[str, int]:
        """The BM25 terms of the index (a mapping: `term in store.vocabulary`)."""
        return self.bm25.vocab

    def chunks_with(self, words: Iterable[str]) -> np.ndarray:
        """Positions of the chunks that contain every one of these BM25 terms, ascending."""
        found: np.ndarray | None = None
        for word in words:
            has = self.bm25.passages_with(word)
            found = has if found is None else np.intersect1d(found, has)
        return np.zeros(0, dtype=np.int64) if found is None else np.unique(found)

    @cached_property
    def _document_frequency(self) -> np.ndarray:
        return self.bm25.document_frequency()

    @cached_property
    def chunk_ids(self) -> list[str]:
        """The id of every chunk, by position."""
        return TypeAdapter(list[str]).validate_json(self._held("chunk_ids.json").read_bytes())

    def _held(self, name: str) -> Path:
        path = self.held_path(name)
        if path is None:
            raise IndexCorruptError(f"{self.generation / name} is missing; rebuild with: {self.fix_command}")
        return path

    @property
    def dimension(self) -> int:
        return self.manifest.embedding.dimension

    @cached_property
    def routing(self) -> dict[str, Any]:
        """The catalogue's routing postings (talks.naming.postings): title word → talk positions, surname key →
        talk positions, and every speaker's surname."""
        try:
            data = json.loads(self._held("routing.json").read_bytes())
            if not isinstance(data, dict) or not {"title", "weight", "kinds", "names", "surname", "surnames"} <= set(data):
                raise ValueError("not the routing postings")
            return data
        except ValueError as exc:
            raise IndexCorruptError(f"{self.generation / 'routing.json'} cannot be read ({_first_line(exc)}); "
                                    f"rebuild with: {self.fix_command}") from None

    @cached_property
    def talk_names(self) -> TalkNames:
        """Every talk's title, aliases and speakers, by position (what --talk and --speaker match against)."""
        try:
            names = TalkNames.model_validate_json(self._held("talk_names.json").read_bytes())
            if not len(names.titles) == len(names.aliases) == len(names.speakers) == len(self.talks):
                raise ValueError(f"{len(names.titles)} titles for {len(self.talks)} talks")
            return names
        except ValueError as exc:  # pydantic's ValidationError is a ValueError
            raise IndexCorruptError(f"{self.generation / 'talk_names.json'} cannot be read ({_first_line(exc)}); "
                                    f"rebuild with: {self.fix_command}") from None

    @cached_property
    def _titles_written(self) -> dict[str, int]:
        """Every talk's title and aliases, and the head of a title before its colon or dash ("Artificial Hivemind"
        of "Artificial Hivemind: The Open-Ended Homogeneity …"), lower case, when two words or more: the ways a
        line names a talk. A name two talks share names neither."""
        found: dict[str, int] = {}
        shared: set[str] = set()
        for position, (title, aliases) in enumerate(zip(self.talk_names.titles, self.talk_names.aliases)):
            head = re.split(r":| [—–-] ", title, maxsplit=1)[0]
            for name in {title, head, *aliases}:
                key = " ".join(name.lower().split())
                if len(key.split()) < 2:
                    continue
                if key in found and found[key] != position:
                    shared.add(key)
                found[key] = position
        return {k: v for k, v in found.items() if k not in shared}

    def talk_named_in(self, text: str) -> str | None:
        """The talk a line names by its title, an alias or its title's head (the longest such name, as whole
        words), or None."""
        low = " ".join(text.lower().split())
        best: tuple[int, int] | None = None
        for name, position in self._titles_written.items():
            if len(name) > (best[0] if best else 0) and name in low and \
                    re.search(rf"(?<!\w){re.escape(name)}(?!\w)", low):
                best = (len(name), position)
        return self.talk_ids[best[1]] if best else None

    @cached_property
    def ordinary_words(self) -> frozenset[str]:
        """The capitalised words of the notes that are ordinary words, not names (talks.names.ordinary_capitalised),
        lower case; none for an index built before they were kept."""
        return frozenset(str(w) for w in self.routing.get(ORDINARY_KEY, ()))

    @cached_property
    def speaker_surnames(self) -> frozenset[str]:
        """Every speaker's surname, as the notes write it."""
        return frozenset(str(s) for s in self.routing["surnames"])

    def names_a_speaker(self, text: str) -> bool:
        """Whether the text has the surname of one of the catalogue's speakers, as a whole word."""
        return names_in(text, self.speaker_surnames)

    @cached_property
    def title_terms(self) -> frozenset[str]:
        """The BM25 terms of every note's title and file name (a note may be named by them alone)."""
        return frozenset(t for d in self.documents for t in terms(
            f"{d.get('title') or ''} {re.sub(r'[-_./]+', ' ', str(d.get('doc', '')))}"))

    def talks_of_speakers_named(self, text: str) -> list[str]:
        """The talks whose speaker's surname the text writes capitalised ("Zhang" in "what did Zhang report")."""
        by_surname = self.routing["surname"]
        ids = self.talk_ids
        return sorted({ids[p] for w in re.findall(r"\w+", text) if w[:1].isupper()
                       for p in by_surname.get(w.lower(), ())})

    @property
    def talk_ids(self) -> list[str]:
        """Every talk's id, by catalogue position."""
        return list(self.talks_by_id.positions)

    @property
    def _talk_position(self) -> dict[str, int]:
        return self.talks_by_id.positions

    def model_source(self) -> str | None:
        """Where onnxruntime reads the ONNX export: the file this store holds open (through /proc/self/fd, so a
        rebuild that removed the generation meanwhile does not matter), after checking it against the manifest's
        checksum. A damaged model is refused, never used. None for a generation without an export."""
        if self.model_file is None:
            return None
        descriptor = self.model_file.fileno()
        digest = hashlib.sha256()
        offset = 0
        while block := os.pread(descriptor, _HASH_BLOCK, offset):  # pread: no shared file position between threads
            digest.update(block)
            offset += len(block)
        if digest.hexdigest() != self.manifest.files.get(ONNX_FILE):
            raise IndexCorruptError(f"{self.generation / ONNX_FILE} was modified after the index was built "
                                    f"(checksum mismatch); rebuild with: {self.fix_command}")
        return f"/proc/self/fd/{descriptor}" if Path("/proc/self/fd").is_dir() else str(self.generation / ONNX_FILE)

    def term_weight(self, term: str) -> float:
        """Inverse document frequency of a BM25 term; unknown terms weigh the most."""
        position = self.vocabulary.get(term)
        frequency = self._document_frequency
        if position is None or position >= len(frequency):
            return math.log(1 + self.size)
        count = int(frequency[position])
        return math.log(1 + (self.size - count + 0.5) / (count + 0.5))

    @property
    def fix_command(self) -> str:
        return rebuild_command(self.index_dir)

    def primary_talk(self, chunk: Chunk, prefer: Iterable[str] | None = None) -> Talk | None:
        for talk_id in prefer or []:
            if talk_id in chunk.talk_ids:
                return self.talks_by_id[talk_id]
        return self.talks_by_id[chunk.talk_ids[0]] if chunk.talk_ids else None

    def chunks_of_talks(self, talk_ids: Iterable[str]) -> np.ndarray:
        """Positions of the chunks attributed to any of these talks, ascending."""
        parts = [self.talk_chunks[self.talk_offsets[p]:self.talk_offsets[p + 1]]
                 for p in (self._talk_position.get(t) for t in talk_ids) if p is not None]
        if not parts:
            return np.zeros(0, dtype=np.int64)
        return np.unique(np.concatenate(parts)).astype(np.int64)

    def chunks_of_sentences(self, sentence_ids: Iterable[int]) -> np.ndarray:
        """The chunk of each of these sentences (from the chunk → sentence table, without reading them)."""
        ids = np.fromiter(sentence_ids, dtype=np.int64)
        chunks: np.ndarray = np.searchsorted(self.sentences_by_chunk.starts, ids, side="right") - 1
        return chunks

    def sentences_about(self, talk_ids: Iterable[str], chunks: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Of the sentences of these chunks, in that order, those attributed to any of these talks (read from the
        sentence → talk table, not from the sentences), and for each whether it is a table row shared by several
        talks, which only its own text can narrow down."""
        positions = np.array(sorted({self._talk_position[t] for t in talk_ids if t in self._talk_position}),
                             dtype=np.int32)
        chunks = np.asarray(chunks, dtype=np.int64)
        starts = self.sentences_by_chunk.starts
        ids = _ranges(starts[chunks], starts[chunks + 1])
        if not len(ids) or not len(positions):
            return ids[:0], np.zeros(0, dtype=np.bool_)
        low, high = self.sentence_talk_offsets[ids], self.sentence_talk_offsets[ids + 1]
        owner = np.repeat(np.arange(len(ids)), high - low)
        about = np.zeros(len(ids), dtype=np.bool_)
        about[owner[np.isin(self.sentence_talks[_ranges(low, high)], positions)]] = True
        return ids[about], self.sentence_shared_rows[ids[about]]


NO_YEAR = -1  # chunk_year of a chunk whose note names no conference year

# How often opening starts again when the generation it read was replaced and removed meanwhile (each retry
# needs a rebuild to finish within the open: more than a few in a row means something else is wrong).
OPEN_RETRIES = 5


def open_index(index_dir: Path) -> IndexStore:
    """Open the current generation. A reader that loses a race with rebuilds (its generation removed while it
    was opening it) opens the new current one instead of failing."""
    missing = IndexNotFoundError(f"no index at {index_dir}; build it with: confqa index PATH --index "
                                 f"{shlex.quote(str(index_dir))}")
    for _ in range(OPEN_RETRIES):
        generation = current_generation(index_dir)
        if generation is None:
            raise missing
        try:
            return _open_generation(index_dir, generation)
        except (IndexCorruptError, FileNotFoundError):
            if current_generation(index_dir) == generation:
                raise  # not replaced: really damaged
    generation = current_generation(index_dir)
    if generation is None:
        raise missing
    return _open_generation(index_dir, generation)


def _open_generation(index_dir: Path, generation: Path) -> IndexStore:
    fix = rebuild_command(index_dir)
    if not generation.is_dir():
        raise IndexCorruptError(f"{generation} named by {index_dir / 'CURRENT'} is missing; rebuild with: {fix}")
    manifest = read_manifest(generation)
    if manifest.format_version != INDEX_FORMAT_VERSION:
        raise IndexCorruptError(
            f"{generation / 'manifest.json'} has index format {manifest.format_version}, this confqa "
            f"({__version__}) reads format {INDEX_FORMAT_VERSION}; rebuild with: {fix}"
        )
    verify_files(generation, manifest, fix)
    n_chunks, n_sentences = manifest.chunks, manifest.sentences
    try:
        talk_ids = TypeAdapter(list[str]).validate_json((generation / "talk_ids.json").read_bytes())
        documents = json.loads((generation / "documents.json").read_text(encoding="utf-8"))
        names = [str(d["doc"]) for d in documents]
    except (OSError, ValidationError, ValueError, KeyError, TypeError) as exc:
        raise IndexCorruptError(f"{generation}: {_first_line(exc)}; rebuild with: {fix}") from None
    column = _Columns(generation, fix)
    chunk_offsets = column.offsets("chunks", n_chunks)
    sentence_offsets = column.offsets("sentences", n_sentences)
    text_offsets = column.offsets("texts", len(names))
    talk_record_offsets = column.offsets("talks", len(talk_ids))
    chunk_doc = column.array("chunk_doc", (n_chunks,), np.int32, high=len(names))
    chunk_year = column.array("chunk_year", (n_chunks,), np.int32)
    starts = column.array("chunk_sentences", (n_chunks + 1,), np.int64, high=n_sentences + 1)
    talk_offsets = column.array("talk_offsets", (len(talk_ids) + 1,), np.int64)
    talk_chunks = column.array("talk_chunks", (int(talk_offsets[-1]),), np.int64, high=n_chunks)
    sentence_talk_offsets = column.array("sentence_talk_offsets", (n_sentences + 1,), np.int64)
    sentence_talks = column.array("sentence_talks", (int(sentence_talk_offsets[-1]),), np.int32,
                                  high=len(talk_ids))
    shared_rows = column.array("sentence_shared_rows", (n_sentences,), np.bool_)
    if int(starts[0]) != 0 or int(starts[-1]) != n_sentences or bool(np.any(np.diff(starts) < 0)) \
            or bool(np.any(np.diff(talk_offsets) < 0)) or int(sentence_talk_offsets[0]) != 0 \
            or bool(np.any(np.diff(sentence_talk_offsets) < 0)):
        column.problems.append("the chunk → sentence, talk → chunk or sentence → talk tables are out of order")
    if column.problems:
        raise IndexCorruptError(f"index {generation} is inconsistent: {'; '.join(column.problems)}; "
                                f"rebuild with: {fix}")
    _check_dense_file(generation / "dense.faiss", manifest, fix)
    model_file = _open_model(generation, manifest, fix)
    held = _hold(generation, manifest, fix)
    try:
        texts = Records(generation / "texts.jsonl", text_offsets, _note_lines, fix, cached=64)
        talks = Records(generation / "talks.jsonl", talk_record_offsets, Talk.model_validate_json, fix, cached=8192)
        return IndexStore(
            index_dir=index_dir,
            generation=generation,
            manifest=manifest,
            chunks=Records(generation / "chunks.jsonl", chunk_offsets, Chunk.model_validate_json, fix),
            sentences=Records(generation / "sentences.jsonl", sentence_offsets, Sentence.model_validate_json, fix,
                              cached=16384),
            talks=talks,
            documents=documents,
            chunk_doc=chunk_doc,
            chunk_year=chunk_year,
            sentences_by_chunk=SentencesOfChunks(starts),
            talk_offsets=talk_offsets,
            talk_chunks=talk_chunks,
            sentence_talk_offsets=sentence_talk_offsets,
            sentence_talks=sentence_talks,
            sentence_shared_rows=shared_rows,
            texts=Keyed(texts, names),
            talks_by_id=Keyed(talks, talk_ids),
            model_file=model_file,
            held=held,
        )
    except OSError as exc:
        raise IndexCorruptError(f"{generation}: {exc.strerror or exc}; rebuild with: {fix}") from None


# The routing postings' entry for the ordinary capitalised words of the notes.
ORDINARY_KEY = "ordinary"
# Files that are read after opening, when first needed (bm25/ files are added by name).
_READ_LATER = ("embeddings.npy", "sentences.npy", "dense.faiss", "chunk_ids.json", "routing.json", "talk_names.json")


def _hold(generation: Path, manifest: Manifest, fix: str) -> dict[str, BinaryIO]:
    """Open every file that is read later, now: a rebuild may remove the generation before it is read."""
    held: dict[str, BinaryIO] = {}
    names = [n for n in manifest.files if n in _READ_LATER or n.startswith("bm25/")]
    try:
        for name in names:
            held[name] = open(generation / name, "rb")
    except OSError as exc:
        for handle in held.values():
            handle.close()
        raise IndexCorruptError(f"{generation}: {exc.strerror or exc}: {exc.filename}; rebuild with: {fix}") from None
    return held


def _note_lines(data: bytes) -> list[str]:
    return [str(line) for line in json.loads(data)["lines"]]


def _ranges(starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """The integers of [starts[i], ends[i]) for every i, concatenated in order."""
    lengths = np.asarray(ends, dtype=np.int64) - np.asarray(starts, dtype=np.int64)
    total = int(lengths.sum())
    if not total:
        return np.zeros(0, dtype=np.int64)
    first = np.cumsum(lengths) - lengths  # where each range begins in the output
    out: np.ndarray = np.arange(total, dtype=np.int64) + np.repeat(np.asarray(starts, dtype=np.int64) - first, lengths)
    return out


class _Columns:
    """Reads a generation's .npy tables, collecting what does not fit instead of failing at the first."""

    def __init__(self, generation: Path, fix: str) -> None:
        self.generation = generation
        self.fix = fix
        self.problems: list[str] = []

    def offsets(self, name: str, records: int) -> np.ndarray:
        """Byte offsets of `records` records of name.jsonl: records + 1 ascending values ending at its size."""
        array = self.array(f"{name}.offsets", (records + 1,), np.int64)
        size = (self.generation / f"{name}.jsonl").stat().st_size
        if len(array) and (int(array[0]) != 0 or int(array[-1]) != size or bool(np.any(np.diff(array) <= 0))):
            self.problems.append(f"{name}.offsets.npy does not match {name}.jsonl ({records} records, {size} bytes)")
        return array

    def array(self, name: str, shape: tuple[int, ...], dtype: type, high: int | None = None) -> np.ndarray:
        path = self.generation / f"{name}.npy"
        try:
            array: np.ndarray = np.load(path, mmap_mode="r", allow_pickle=False)
        except (OSError, ValueError) as exc:
            raise IndexCorruptError(f"{path} cannot be read ({_first_line(exc)}); rebuild with: {self.fix}") from None
        if array.dtype != np.dtype(dtype) or array.shape != shape:
            self.problems.append(f"{name}.npy holds {array.dtype}{list(array.shape)}, expected "
                                 f"{np.dtype(dtype)}{list(shape)}")
            return np.zeros(shape, dtype=dtype)
        if high is not None and len(array) and (int(array.min()) < 0 or int(array.max()) >= high):
            self.problems.append(f"{name}.npy points outside the index")
        # A plain array over the same mapped pages: np.memmap's Python-level __getitem__ costs ~20 µs for each
        # single value read (offsets are read one record at a time).
        return array.view(np.ndarray)


_HASH_BLOCK = 1 << 20

# Files up to this size are hashed on every open; larger ones (vectors at scale) are checked by size only.
_HASH_LIMIT = 64 * 1024 * 1024


# What only a build reads (the hashes of the embedded texts, to reuse their vectors): checked by the build
# (every_file, as _intact does), not by every reader.
_BUILD_ONLY = frozenset({"chunk_hashes.json", "sentence_hashes.json"})


def verify_files(generation: Path, manifest: Manifest, fix: str, every_file: bool = False) -> None:
    """Every file the manifest lists must be there and unchanged: an edited chunk store or a swapped vector file
    is refused, not silently used. The ONNX model is checked when it is loaded (IndexStore.model_source), in the
    file that is loaded, unless every_file asks for it (and for the files only a build reads) here. Files are
    hashed in parallel (hashlib releases the GIL)."""
    hashed: list[tuple[Path, str]] = []
    for name, expected in manifest.files.items():
        path = generation / name
        if ".." in Path(name).parts or not path.is_file():
            raise IndexCorruptError(f"{path} is missing; rebuild with: {fix}")
        if (name == ONNX_FILE or name in _BUILD_ONLY) and not every_file:
            continue
        if path.stat().st_size > _HASH_LIMIT and name != ONNX_FILE:
            continue
        hashed.append((path, expected))
    with ThreadPoolExecutor(max_workers=max(1, min(len(hashed), os.cpu_count() or 1))) as pool:
        digests = list(pool.map(_sha256, (path for path, _ in hashed)))
    for (path, expected), digest in zip(hashed, digests):
        if digest != expected:
            raise IndexCorruptError(f"{path} was modified after the index was built (checksum mismatch); "
                                    f"rebuild with: {fix}")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(_HASH_BLOCK):
            digest.update(block)
    return digest.hexdigest()


def _open_model(generation: Path, manifest: Manifest, fix: str) -> BinaryIO | None:
    if ONNX_FILE not in manifest.files:
        return None  # built without an export (it failed): questions use torch
    try:
        return open(generation / ONNX_FILE, "rb")
    except OSError as exc:
        raise IndexCorruptError(f"{generation / ONNX_FILE} cannot be read ({exc.strerror or exc}); rebuild with: "
                                f"{fix}") from None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def _load_array(path: Path, fix: str, shape: tuple[int, int]) -> np.ndarray:
    try:
        array: np.ndarray = np.load(path, mmap_mode="r", allow_pickle=False)
    except (OSError, ValueError) as exc:
        raise IndexCorruptError(f"{path} cannot be read ({_first_line(exc)}); rebuild with: {fix}") from None
    if array.dtype != np.float32 or array.shape != shape:
        raise IndexCorruptError(f"{path} holds {array.dtype}{list(array.shape)}, not the float32 matrix "
                                f"{list(shape)} the index needs; rebuild with: {fix}")
    return array.view(np.ndarray)  # the same mapped pages, without np.memmap's per-access Python overhead


def _check_dense_file(path: Path, manifest: Manifest, fix: str) -> None:
    """The dense index file is there and, for an exact-search index (a flat FAISS file holds every vector), not
    truncated. The file itself is read only by an HNSW search."""
    if not path.is_file() or path.stat().st_size == 0:
        raise IndexCorruptError(f"{path} is missing or empty; rebuild with: {fix}")
    if manifest.dense_index == "flat" and path.stat().st_size < manifest.chunks * manifest.embedding.dimension * 4:
        raise IndexCorruptError(f"{path} is truncated (not a complete FAISS index); rebuild with: {fix}")


def _load_hnsw(path: Path, chunks: int, dimension: int, ef_search: int, fix: str) -> Any:
    """The HNSW graph in memory, its vectors memory-mapped from the file (IO_FLAG_MMAP_IFC): at 10^6 chunks the
    graph is ~0.25 GB, the vectors 1.5 GB that stay in the page cache."""
    import faiss

    try:
        index = faiss.read_index(str(path), faiss.IO_FLAG_MMAP_IFC | faiss.IO_FLAG_READ_ONLY)
    except RuntimeError as exc:
        raise IndexCorruptError(f"{path} is not a readable FAISS index ({_first_line(exc)}); rebuild with: {fix}") from None
    if not isinstance(index, faiss.IndexHNSW):
        raise IndexCorruptError(f"{path} is not an HNSW index, which the manifest says it is; rebuild with: {fix}")
    if index.ntotal != chunks or index.d != dimension:
        raise IndexCorruptError(f"{path} holds {index.ntotal} vectors of dimension {index.d}, the index has "
                                f"{chunks} of dimension {dimension}; rebuild with: {fix}")
    index.hnsw.efSearch = ef_search
    return index


def _load_bm25(path_of: Callable[[str], Path | None], folder: Path, fix: str) -> Bm25Arrays:
    try:
        return Bm25Arrays(path_of)
    except (OSError, ValueError, KeyError, json.JSONDecodeError) as exc:
        raise IndexCorruptError(f"{folder} cannot be read ({_first_line(exc)}); rebuild with: {fix}") from None
