"""Open a built index: validate every file against the manifest, memory-map the vectors, and keep the lookup
tables that retrieval needs. Read-only, so one store can serve many threads."""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import shlex
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
from pydantic import TypeAdapter, ValidationError

from confqa.errors import IndexCorruptError, IndexNotFoundError
from confqa.layout import ONNX_FILE, current_generation, read_manifest, rebuild_command
from confqa.lexical import surname
from confqa.lexical_index import Bm25Arrays
from confqa.models import INDEX_FORMAT_VERSION, Chunk, Manifest, Sentence, Talk
from confqa.version import VERSION as __version__


@dataclass
class IndexStore:
    index_dir: Path
    generation: Path
    manifest: Manifest
    chunks: list[Chunk]
    sentences: list[Sentence]
    talks: list[Talk]
    dense: Any  # faiss.Index
    chunk_vectors: np.ndarray
    sentence_vectors: np.ndarray
    bm25: Bm25Arrays
    documents: list[dict[str, Any]]
    talks_by_id: dict[str, Talk] = field(default_factory=dict)
    sentences_by_chunk: list[list[int]] = field(default_factory=list)
    vocabulary: frozenset[str] = frozenset()
    texts: dict[str, list[str]] = field(default_factory=dict)
    talk_members: dict[str, np.ndarray] = field(default_factory=dict)
    idf: dict[str, float] = field(default_factory=dict)
    # The generation's ONNX export, held open from the moment the index is opened: a rebuild may delete the
    # generation later, and an open file stays readable (None for a generation without an export).
    model_file: BinaryIO | None = None

    @cached_property
    def doc_years(self) -> dict[str, int | None]:
        """The conference year of each note (from its chunks)."""
        return {chunk.doc: chunk.year for chunk in self.chunks}

    @cached_property
    def speaker_pattern(self) -> re.Pattern[str] | None:
        """Matches the surname of any speaker in the catalogue, as a word."""
        names = sorted({surname(s) for t in self.talks for s in t.speakers if "et al" not in s and surname(s)},
                       key=len, reverse=True)
        return re.compile(r"\b(?:" + "|".join(re.escape(n) for n in names) + r")\b") if names else None

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
        return self.idf.get(term, math.log(1 + len(self.chunks)))

    @property
    def fix_command(self) -> str:
        return rebuild_command(self.index_dir)

    def primary_talk(self, chunk: Chunk, prefer: list[str] | None = None) -> Talk | None:
        for talk_id in prefer or []:
            if talk_id in chunk.talk_ids:
                return self.talks_by_id[talk_id]
        return self.talks_by_id[chunk.talk_ids[0]] if chunk.talk_ids else None

    def chunks_of_talks(self, talk_ids: list[str]) -> np.ndarray:
        """Positions of the chunks attributed to any of these talks, ascending."""
        parts = [self.talk_members[t] for t in talk_ids if t in self.talk_members]
        if not parts:
            return np.zeros(0, dtype=np.int64)
        return np.unique(np.concatenate(parts))

    def talk_mask(self, talk_ids: list[str]) -> np.ndarray:
        mask = np.zeros(len(self.chunks), dtype=bool)
        mask[self.chunks_of_talks(talk_ids)] = True
        return mask



# How often opening starts again when the generation it read was replaced and removed meanwhile (each retry
# needs a rebuild to finish within the open: more than a few in a row means something else is wrong).
OPEN_RETRIES = 5


def open_index(index_dir: Path) -> IndexStore:
    """Open the current generation. A reader that loses a race with rebuilds (its generation removed while it
    was opening it) opens the new current one instead of failing."""
    for _ in range(OPEN_RETRIES):
        generation = current_generation(index_dir)
        if generation is None:
            raise IndexNotFoundError(f"no index at {index_dir}; build it with: confqa index PATH --index "
                                     f"{shlex.quote(str(index_dir))}")
        try:
            return _open_generation(index_dir, generation)
        except (IndexCorruptError, FileNotFoundError):
            if current_generation(index_dir) == generation:
                raise  # not replaced: really damaged
    return _open_generation(index_dir, current_generation(index_dir) or generation)


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
    model_file = _open_model(generation, manifest, fix)
    try:
        chunks = [Chunk.model_validate_json(line) for line in _lines(generation / "chunks.jsonl")]
        sentences = [Sentence.model_validate_json(line) for line in _lines(generation / "sentences.jsonl")]
        talks = TypeAdapter(list[Talk]).validate_json((generation / "talks.json").read_bytes())
        documents = json.loads((generation / "documents.json").read_text(encoding="utf-8"))
        texts = TypeAdapter(dict[str, list[str]]).validate_json((generation / "texts.json").read_bytes())
    except (OSError, ValidationError, ValueError) as exc:
        raise IndexCorruptError(f"{generation}: {_first_line(exc)}; rebuild with: {fix}") from None
    chunk_vectors = _load_array(generation / "embeddings.npy", fix)
    sentence_vectors = _load_array(generation / "sentences.npy", fix)
    dense = _load_dense(generation / "dense.faiss", chunk_vectors, manifest.dense_index,
                        manifest.index_parameters.hnsw_ef_search, fix)
    bm25 = _load_bm25(generation / "bm25", fix)
    dimension = manifest.embedding.dimension
    problems = []
    if len(chunks) != manifest.chunks:
        problems.append(f"chunks.jsonl has {len(chunks)} chunks, the manifest says {manifest.chunks}")
    if len(sentences) != manifest.sentences:
        problems.append(f"sentences.jsonl has {len(sentences)} sentences, the manifest says {manifest.sentences}")
    if dense.ntotal != len(chunks) or dense.d != dimension:
        problems.append(f"dense.faiss holds {dense.ntotal} vectors of dimension {dense.d}")
    if chunk_vectors.shape != (len(chunks), dimension) or sentence_vectors.shape != (len(sentences), dimension):
        problems.append("embeddings.npy or sentences.npy does not match the chunk store")
    if bm25.num_docs != len(chunks):
        problems.append(f"bm25 holds {bm25.num_docs} passages")
    if any(s.chunk >= len(chunks) or s.chunk < 0 for s in sentences):
        problems.append("a sentence points at a chunk that does not exist")
    if set(texts) != {c.doc for c in chunks} | set(texts) or any(c.doc not in texts for c in chunks):
        problems.append("texts.json does not hold every note of the chunk store")
    talk_ids = {t.id for t in talks}
    if any(t not in talk_ids for c in chunks for t in c.talk_ids):
        problems.append("a chunk names a talk that talks.json does not have")
    if problems:
        raise IndexCorruptError(f"index {generation} is inconsistent: {'; '.join(problems)}; rebuild with: {fix}")
    members: dict[str, list[int]] = {}
    for position, chunk in enumerate(chunks):
        for talk_id in chunk.talk_ids:
            members.setdefault(talk_id, []).append(position)
    by_chunk: list[list[int]] = [[] for _ in chunks]
    for i, sentence in enumerate(sentences):
        by_chunk[sentence.chunk].append(i)
    return IndexStore(
        index_dir=index_dir,
        generation=generation,
        manifest=manifest,
        chunks=chunks,
        sentences=sentences,
        talks=talks,
        dense=dense,
        chunk_vectors=chunk_vectors,
        sentence_vectors=sentence_vectors,
        bm25=bm25,
        documents=documents,
        talks_by_id={t.id: t for t in talks},
        sentences_by_chunk=by_chunk,
        vocabulary=frozenset(bm25.vocab),
        texts=texts,
        talk_members={t: np.asarray(ids, dtype=np.int64) for t, ids in members.items()},
        idf=_idf(bm25, len(chunks)),
        model_file=model_file,
    )


def _idf(bm25: Bm25Arrays, n_docs: int) -> dict[str, float]:
    """Inverse document frequency per term, read from the BM25 term-major sparse matrix."""
    frequency = bm25.document_frequency()
    return {
        term: math.log(1 + (n_docs - int(frequency[i]) + 0.5) / (int(frequency[i]) + 0.5))
        for term, i in bm25.vocab.items() if i < len(frequency)
    }


_HASH_BLOCK = 1 << 20

# Files up to this size are hashed on every open; larger ones (vectors at scale) are checked by size only.
_HASH_LIMIT = 64 * 1024 * 1024


def verify_files(generation: Path, manifest: Manifest, fix: str, include_model: bool = False) -> None:
    """Every file the manifest lists must be there and unchanged: an edited chunk store or a swapped vector file
    is refused, not silently used. The ONNX model is checked when it is loaded (IndexStore.model_source), in the
    file that is loaded, unless include_model asks for it here."""
    for name, expected in manifest.files.items():
        path = generation / name
        if ".." in Path(name).parts or not path.is_file():
            raise IndexCorruptError(f"{path} is missing; rebuild with: {fix}")
        if name == ONNX_FILE and not include_model:
            continue
        if path.stat().st_size > _HASH_LIMIT and name != ONNX_FILE:
            continue
        if hashlib.sha256(path.read_bytes()).hexdigest() != expected:
            raise IndexCorruptError(f"{path} was modified after the index was built (checksum mismatch); "
                                    f"rebuild with: {fix}")


def _open_model(generation: Path, manifest: Manifest, fix: str) -> BinaryIO | None:
    if ONNX_FILE not in manifest.files:
        return None  # built without an export (it failed): questions use torch
    try:
        return open(generation / ONNX_FILE, "rb")
    except OSError as exc:
        raise IndexCorruptError(f"{generation / ONNX_FILE} cannot be read ({exc.strerror or exc}); rebuild with: "
                                f"{fix}") from None


def _lines(path: Path) -> list[str]:
    # JSON Lines records end at "\n" only: a record's text may hold U+2028, U+0085 or \f, which
    # str.splitlines() would take for line breaks (JSON does not escape them).
    return [line for line in path.read_text(encoding="utf-8").split("\n") if line.strip()]


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def _load_array(path: Path, fix: str) -> np.ndarray:
    try:
        array = np.load(path, mmap_mode="r", allow_pickle=False)
    except (OSError, ValueError) as exc:
        raise IndexCorruptError(f"{path} cannot be read ({_first_line(exc)}); rebuild with: {fix}") from None
    if array.dtype != np.float32 or array.ndim != 2:
        raise IndexCorruptError(f"{path} is not a float32 matrix; rebuild with: {fix}")
    return array


class FlatDense:
    """Exact inner-product search over the memory-mapped chunk vectors: the same results as FAISS's
    IndexFlatIP, without importing FAISS on the question path."""

    def __init__(self, vectors: np.ndarray) -> None:
        self.vectors = vectors
        self.ntotal, self.d = vectors.shape

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        scores = np.asarray(self.vectors @ queries[0], dtype=np.float32)
        k = min(k, self.ntotal)
        top = np.argpartition(-scores, k - 1)[:k] if k < self.ntotal else np.arange(self.ntotal)
        top = top[np.argsort(-scores[top], kind="stable")]
        return scores[top][None, :], top.astype(np.int64)[None, :]


def _load_dense(path: Path, chunk_vectors: np.ndarray, kind: str, ef_search: int, fix: str) -> Any:
    if not path.is_file() or path.stat().st_size == 0:
        raise IndexCorruptError(f"{path} is missing or empty; rebuild with: {fix}")
    if kind == "flat":
        # FAISS's flat file holds every vector: one that is shorter than that is truncated.
        if path.stat().st_size < chunk_vectors.size * 4:
            raise IndexCorruptError(f"{path} is truncated (not a complete FAISS index); rebuild with: {fix}")
        return FlatDense(chunk_vectors)
    import faiss

    try:
        index = faiss.read_index(str(path))
    except RuntimeError as exc:
        raise IndexCorruptError(f"{path} is not a readable FAISS index ({_first_line(exc)}); rebuild with: {fix}") from None
    if kind == "hnsw":
        faiss.downcast_index(index).hnsw.efSearch = ef_search
    return index


def _load_bm25(path: Path, fix: str) -> Bm25Arrays:
    try:
        return Bm25Arrays(path)
    except (OSError, ValueError, KeyError, json.JSONDecodeError) as exc:
        raise IndexCorruptError(f"{path} cannot be read ({_first_line(exc)}); rebuild with: {fix}") from None
