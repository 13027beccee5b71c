"""Build and update an index: load notes, chunk, detect talks, embed what changed, write plain files into a
new generation folder, then switch the index's CURRENT pointer to it atomically."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import json
import os
import re
import shutil
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import faiss

from confqa.embedding import Embedder
from confqa.errors import ConfqaError, IndexBusyError
from confqa.index.storage import (  # noqa: F401
    CURRENT_FILE,
    LOCK_FILE,
    ONNX_FILE,
    SOURCES_FILE,
    current_generation,
    read_manifest,
    resolve_index_dir,
)
from confqa.index.store import NO_YEAR, ORDINARY_KEY
from confqa.ingest.chunking import chunk_document, embedding_text, sentence_embedding_text
from confqa.ingest.loading import LoadResult, load_corpus, load_document_bytes, unusable_reason
from confqa.ingest.markdown import ParsedDocument, parse
from confqa.lexical import terms
from confqa.models import (
    INDEX_FORMAT_VERSION,
    Chunk,
    Document,
    DocumentRecord,
    EmbeddingInfo,
    IndexParameters,
    IndexReport,
    Manifest,
    Sentence,
    Talk,
)
from confqa.settings import ChunkingSettings, Settings
from confqa.talks.build import attributed, build_catalogue
from confqa.talks.catalogue_file import CATALOGUE_FILE
from confqa.talks.names import ordinary_capitalised
from confqa.talks.naming import postings
from confqa.tokenization import default_counter
from confqa.version import VERSION as __version__

Progress = Callable[[str, int, int], None]


@contextlib.contextmanager
def build_lock(index_dir: Path, wait_seconds: float = 0.0) -> Iterator[None]:
    """One builder per index at a time; a second one fails with a clear message (or waits)."""
    try:
        index_dir.mkdir(parents=True, exist_ok=True)
        handle = open(index_dir / LOCK_FILE, "a+")
    except OSError as exc:
        raise ConfqaError(f"cannot write to {index_dir}: {exc.strerror or exc}; choose a writable --index folder") from exc
    deadline = time.monotonic() + wait_seconds
    try:
        while True:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise IndexBusyError(
                        f"another 'confqa index' is building {index_dir}; wait for it to finish and run again"
                    ) from None
                time.sleep(0.2)
        yield
    finally:
        with contextlib.suppress(OSError):
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
        handle.close()


@dataclass
class SourceSet:
    """The notes an index is built from: folders searched recursively, or single files."""

    paths: list[Path]
    max_bytes: int

    def load(self) -> LoadResult:
        result = LoadResult()
        for path in self.paths:
            if path.is_dir():
                part = load_corpus(path, self.max_bytes)
            elif path.is_file():
                part = LoadResult()
                try:
                    data = path.read_bytes()
                except OSError as exc:
                    raise ConfqaError(f"cannot read {path}: {exc.strerror or exc}") from None
                reason = unusable_reason(data, self.max_bytes)
                if reason:
                    part.skipped[path.name] = reason
                else:
                    part.documents.append(load_document_bytes(data, path.name))
            else:
                raise ConfqaError(
                    f"{path} does not exist; give a folder or a file of notes (confqa index PATH), run confqa from the "
                    "folder that holds corpus/, or set CONFQA_CORPUS_DIR"
                )
            taken = {d.doc for d in result.documents}
            for document in part.documents:
                if document.doc in taken:
                    result.skipped[document.doc] = "a note with the same path was already loaded from another folder"
                    continue
                result.documents.append(document)
            result.skipped.update(part.skipped)
        return result

    def catalogue_file(self) -> Path | None:
        for path in self.paths:
            candidate = path / CATALOGUE_FILE if path.is_dir() else None
            if candidate is not None and candidate.is_file():
                return candidate
        return None


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _file_sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _previous_vectors(generation: Path | None, manifest: Manifest | None, model_sha: str) -> dict[str, np.ndarray]:
    """Vectors of the previous build, by hash of the embedded text, to skip re-embedding unchanged text."""
    if generation is None or manifest is None or manifest.embedding.weights_sha256 != model_sha:
        return {}
    cache: dict[str, np.ndarray] = {}
    try:
        for vectors_name, records_name, key in (
            ("embeddings.npy", "chunks.jsonl", "chunk"), ("sentences.npy", "sentences.jsonl", "sentence")
        ):
            vectors = np.load(generation / vectors_name, allow_pickle=False)
            records = (generation / records_name).read_text(encoding="utf-8").rstrip("\n").split("\n")
            hashes = (generation / f"{key}_hashes.json")
            keys = json.loads(hashes.read_text(encoding="utf-8"))
            if len(keys) != len(vectors) or len(records) != len(vectors):
                return {}
            for text_hash, vector in zip(keys, vectors):
                cache[text_hash] = vector
    except (OSError, ValueError):
        return {}
    return cache


def _file_stat(doc: str, sources: list[Path]) -> dict[str, int]:
    """Size and modification time of a note found under one of the source folders (what the staleness check
    compares before it reads the file), or nothing for a note given as a file."""
    for folder in sources:
        try:
            status = (Path(folder) / doc).stat()
        except OSError:
            continue
        return {"size": status.st_size, "mtime_ns": status.st_mtime_ns}
    return {}


def _write_json(path: Path, payload: object) -> None:
    path.write_text(json.dumps(payload, ensure_ascii=False, indent=1), encoding="utf-8")


def _fsync_tree(folder: Path) -> None:
    for path in folder.rglob("*"):
        if path.is_file():
            with open(path, "rb") as handle:
                os.fsync(handle.fileno())
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def build_index(
    sources: list[Path],
    index_dir: Path,
    settings: Settings,
    embedder_factory: Callable[[], Embedder],
    rebuild: bool = False,
    progress: Progress | None = None,
    wait_seconds: float = 0.0,
) -> IndexReport:
    """Build or update the index in index_dir from the notes in sources. Safe to interrupt at any point."""
    started = time.perf_counter()
    source_set = SourceSet([Path(p) for p in sources], settings.ingest.max_note_bytes)
    for path in source_set.paths:
        if not path.exists():  # checked before the lock, which would create the index folder
            raise ConfqaError(
                f"{path} does not exist; give a folder or a file of notes (confqa index PATH), run confqa from the "
                "folder that holds corpus/, or set CONFQA_CORPUS_DIR"
            )
    created = not index_dir.exists()
    try:
        with build_lock(index_dir, wait_seconds):
            return _build_locked(source_set, sources, index_dir, settings, embedder_factory, rebuild, progress,
                                 started)
    except BaseException:
        if created:
            _remove_if_unused(index_dir)  # a failed first build leaves no empty index folder behind
        raise


def _build_locked(
    source_set: SourceSet, sources: list[Path], index_dir: Path, settings: Settings,
    embedder_factory: Callable[[], Embedder], rebuild: bool, progress: Progress | None, started: float,
) -> IndexReport:
    current = _safe_current(index_dir)
    current_manifest = _safe_manifest(current)
    if current is not None and current_manifest is not None and not _intact(current, current_manifest):
        rebuild = True  # a damaged generation is neither reused nor trusted for its vectors
    previous = None if rebuild else current
    old_manifest = _safe_manifest(previous)
    loaded = source_set.load()
    catalogue = source_set.catalogue_file()
    catalogue_sha = _file_sha(catalogue) if catalogue else None
    new_docs = {d.doc: d.sha256 for d in loaded.documents}
    # What changed is said against the index as it is, also for a --rebuild (which only refuses to reuse it).
    reference = old_manifest or current_manifest
    old_docs = {k: v.sha256 for k, v in reference.documents.items()} if reference else {}
    added = sorted(set(new_docs) - set(old_docs))
    removed = sorted(set(old_docs) - set(new_docs))
    changed = sorted(d for d in set(new_docs) & set(old_docs) if new_docs[d] != old_docs[d])
    chunking = settings.chunking
    unchanged_settings = (
        old_manifest is not None
        and old_manifest.chunking_fingerprint == chunking.fingerprint()
        and old_manifest.catalogue_sha256 == catalogue_sha
        and old_manifest.confqa_version == __version__
        and old_manifest.format_version == INDEX_FORMAT_VERSION
        and old_manifest.skipped == loaded.skipped
        and old_manifest.index_parameters == settings.index_parameters
    )
    if old_manifest is not None and unchanged_settings and not (added or removed or changed):
        _record_sources(index_dir, sources)
        return IndexReport(
            index=str(index_dir), documents=len(new_docs), chunks=old_manifest.chunks,
            talks=old_manifest.talks, embedded_chunks=0, reused_chunks=old_manifest.chunks, added=[],
            changed=[], removed=[], skipped=loaded.skipped, seconds=time.perf_counter() - started,
            rebuilt=False, notices=_notices(loaded),
        )
    if not loaded.documents:
        raise ConfqaError(
            f"no notes to index in {', '.join(map(str, sources))} (.md, .markdown or .txt files)"
            + (f"; skipped: {loaded.skipped}" if loaded.skipped else "")
        )

    parsed_docs, chunks, sentences = chunk_documents(loaded.documents, chunking)
    talks, chunks, sentences = attributed(build_catalogue(parsed_docs, catalogue), chunks, sentences)

    chunk_texts = [embedding_text(c) for c in chunks]
    sentence_texts = [sentence_embedding_text(s, chunks[s.chunk]) for s in sentences]
    embedder: Embedder | None = None
    model_sha = old_manifest.embedding.weights_sha256 if old_manifest else ""
    cache = _previous_vectors(previous, old_manifest, model_sha) if old_manifest else {}
    chunk_hashes = [_sha(t) for t in chunk_texts]
    sentence_hashes = [_sha(t) for t in sentence_texts]
    missing = sorted({h: t for h, t in zip(chunk_hashes + sentence_hashes, chunk_texts + sentence_texts)
                      if h not in cache}.items())
    if missing or old_manifest is None:
        if progress:
            progress("loading the embedding model", 0, 1)  # seconds of silence otherwise
        embedder = embedder_factory()
        if progress:
            progress("loading the embedding model", 1, 1)
        if old_manifest is not None and embedder.weights_sha256() != old_manifest.embedding.weights_sha256:
            cache = {}
            missing = sorted(dict(zip(chunk_hashes + sentence_hashes, chunk_texts + sentence_texts)).items())
        model_sha = embedder.weights_sha256()
        batch = settings.embedding_batch_size
        # Long texts first so that batches hold texts of similar length (less padding work).
        missing.sort(key=lambda item: -len(item[1]))
        encode_all = getattr(embedder, "encode_all", None)  # a distributed embedder takes every text at once
        if encode_all is not None and missing:
            vectors = encode_all([t for _, t in missing], batch, progress)
            for (text_hash, _), vector in zip(missing, vectors):
                cache[text_hash] = vector
        for start in range(0, len(missing) if encode_all is None else 0, batch):
            part = missing[start:start + batch]
            vectors = embedder.encode([t for _, t in part], batch_size=batch)
            for (text_hash, _), vector in zip(part, vectors):
                cache[text_hash] = vector
            if progress:
                progress("embedding passages and sentences", min(start + batch, len(missing)), len(missing))
    dimension = embedder.dimension if embedder else int(next(iter(cache.values())).shape[0])
    name = embedder.name if embedder else old_manifest.embedding.name  # type: ignore[union-attr]
    chunk_vectors = np.stack([cache[h] for h in chunk_hashes]).astype(np.float32)
    sentence_vectors = (np.stack([cache[h] for h in sentence_hashes]).astype(np.float32)
                        if sentence_hashes else np.zeros((0, dimension), np.float32))
    embedded = {text_hash for text_hash, _ in missing}
    changed_chunk_count = sum(1 for h in chunk_hashes if h in embedded)

    chunk_counts = Counter(c.doc for c in chunks)
    manifest = Manifest(
        confqa_version=__version__,
        created=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        corpus_dirs=[str(Path(p).resolve()) for p in sources],
        catalogue_sha256=catalogue_sha,
        embedding=EmbeddingInfo(name=name, dimension=dimension, weights_sha256=model_sha),
        chunking=chunking.model_dump(),
        chunking_fingerprint=chunking.fingerprint(),
        documents={
            d.doc: DocumentRecord(sha256=d.sha256, title=d.title, year=d.year, chunks=chunk_counts[d.doc],
                                  **_file_stat(d.doc, sources))
            for d in loaded.documents
        },
        dense_index=dense_index_kind(len(chunks), settings.index_parameters),
        index_parameters=settings.index_parameters,
        chunks=len(chunks),
        sentences=len(sentences),
        talks=len(talks),
        skipped=loaded.skipped,
    )
    def place_model(target: Path) -> None:
        reused = _reusable_onnx(current, current_manifest, model_sha)
        if reused is not None:
            _link_or_copy(reused, target)
        else:
            export_onnx(embedder if embedder is not None else embedder_factory(), model_sha, target)

    generation = _write_generation(index_dir, manifest, chunks, sentences, talks, chunk_vectors,
                                   sentence_vectors, chunk_hashes, sentence_hashes, loaded.documents, place_model)
    try:
        _switch_current(index_dir, generation)
    except ConfqaError:
        shutil.rmtree(generation, ignore_errors=True)  # never current: nobody reads it
        raise
    _record_sources(index_dir, sources)
    # The generation that was current until now stays for readers that opened it (a --rebuild too).
    _collect_old_generations(index_dir, keep={generation.name, current.name if current else ""})
    return IndexReport(
        index=str(index_dir), documents=len(loaded.documents), chunks=len(chunks), talks=len(talks),
        embedded_chunks=changed_chunk_count, reused_chunks=len(chunks) - changed_chunk_count,
        embedded_texts=len(missing),
        added=added if reference else sorted(new_docs), changed=changed, removed=removed,
        skipped=loaded.skipped, seconds=time.perf_counter() - started, rebuilt=True, notices=_notices(loaded),
        without_talks=_without_talks(loaded.documents, talks),
        catalogue_file=str(catalogue) if catalogue else None,
    )


def _without_talks(documents: list[Document], talks: list[Talk]) -> list[str]:
    """Notes that no talk's passages or mentions are in."""
    with_talks = {doc for talk in talks for doc in talk.docs}
    return sorted(d.doc for d in documents if d.doc not in with_talks)


def chunk_documents(documents: list[Document], chunking: ChunkingSettings,
                    ) -> tuple[list[ParsedDocument], list[Chunk], list[Sentence]]:
    """Parse and chunk notes: their parsed forms, all chunks, and all sentences (numbered across notes)."""
    counter = default_counter()
    parsed_docs: list[ParsedDocument] = []
    chunks: list[Chunk] = []
    sentences: list[Sentence] = []
    for document in documents:
        parsed = parse(document)
        parsed_docs.append(parsed)
        doc_chunks, doc_sentences = chunk_document(document, chunking, counter, parsed)
        offset = len(chunks)
        chunks.extend(doc_chunks)
        sentences.extend(s.model_copy(update={"chunk": s.chunk + offset}) for s in doc_sentences)
    return parsed_docs, chunks, sentences


def _notices(loaded: LoadResult) -> dict[str, list[str]]:
    return {d.doc: list(d.notices) for d in loaded.documents if d.notices}


def export_onnx(embedder: Embedder, model_sha: str, target: Path) -> None:
    """Export the model to ONNX into a new generation, so that `ask` embeds questions without torch. Done while
    indexing because the model is loaded anyway; a failure only costs speed (questions then use torch)."""
    exporter = getattr(embedder, "export_onnx", None)
    if exporter is None or embedder.weights_sha256() != model_sha:
        return
    try:
        exporter(target)
    except Exception as exc:  # noqa: BLE001 - any exporter failure leaves the slower path, never a broken index
        import sys

        print(f"confqa: warning: could not export the model to ONNX ({exc}); questions will use torch",
              file=sys.stderr)


def _reusable_onnx(generation: Path | None, manifest: Manifest | None, model_sha: str) -> Path | None:
    """The current generation's ONNX export when it is of the same model and still matches its checksum."""
    if generation is None or manifest is None or manifest.embedding.weights_sha256 != model_sha:
        return None
    source = generation / ONNX_FILE
    expected = manifest.files.get(ONNX_FILE)
    try:
        return source if expected is not None and _file_sha(source) == expected else None
    except OSError:
        return None


def _link_or_copy(source: Path, target: Path) -> None:
    """A hard link costs no space and no time; a file system without them gets a copy."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def _intact(generation: Path, manifest: Manifest) -> bool:
    """Every file of the generation is there and matches its checksum (the large vector files by size only,
    as when an index is opened)."""
    from confqa.index.store import verify_files

    try:
        verify_files(generation, manifest, fix="", every_file=True)
    except ConfqaError:
        return False
    return True


def _record_sources(index_dir: Path, sources: list[Path]) -> None:
    """Write SOURCES_FILE atomically: the absolute folders and files this index is built from."""
    paths = [str(Path(p).resolve()) for p in sources]
    target = index_dir / SOURCES_FILE
    temporary = index_dir / f".{SOURCES_FILE}.{os.getpid()}"
    try:
        temporary.write_text(json.dumps(paths, ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(temporary, target)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise ConfqaError(f"cannot write {target}: {exc.strerror or exc}") from None


def _remove_if_unused(index_dir: Path) -> None:
    """Remove a folder that a failed first build created, if it holds nothing but build leftovers."""
    leftovers = {LOCK_FILE}
    try:
        if all(p.name in leftovers or p.name.startswith(".tmp-gen-") for p in index_dir.iterdir()):
            shutil.rmtree(index_dir, ignore_errors=True)
    except OSError:
        pass


def _safe_current(index_dir: Path) -> Path | None:
    try:
        generation = current_generation(index_dir)
    except ConfqaError:
        return None
    return generation if generation is not None and generation.is_dir() else None


def _safe_manifest(generation: Path | None) -> Manifest | None:
    if generation is None:
        return None
    try:
        return read_manifest(generation)
    except ConfqaError:
        return None


def bm25_text(chunk: Chunk, talks_by_id: Mapping[str, Talk]) -> str:
    """What BM25 sees: the passage, where it sits, and the talks and speakers it is about."""
    talk_words = []
    for talk_id in chunk.talk_ids:
        talk = talks_by_id[talk_id]
        talk_words.append(f"{talk.title} {talk.kind} {' '.join(talk.speakers)} {' '.join(talk.aliases)}")
    return "\n".join([chunk.title, chunk.section, *talk_words, chunk.context, chunk.text])


def write_records(folder: Path, chunks: list[Chunk], sentences: list[Sentence], talks: list[Talk],
                  documents: list) -> None:  # type: ignore[type-arg]
    """The records of a generation and the tables that open them in constant time: chunks, sentences and notes'
    text as JSON Lines with the byte offset of every record, each chunk's note, year and sentence range, each
    talk's chunks, each sentence's talks, the talks with their ids and routing postings, and the chunk ids (what the Milvus backend maps
    its records back by)."""
    names = [d.doc for d in documents]
    position = {name: i for i, name in enumerate(names)}
    _write_lines(folder / "chunks", (c.model_dump_json() for c in chunks))
    _write_lines(folder / "sentences", (s.model_dump_json() for s in sentences))
    # The cleaned text of every note, so that a quote spanning several chunks is still exact.
    _write_lines(folder / "texts", (json.dumps({"doc": d.doc, "lines": d.lines}, ensure_ascii=False)
                                    for d in documents))
    _write_lines(folder / "talks", (t.model_dump_json() for t in talks))
    _write_json(folder / "talk_ids.json", [t.id for t in talks])
    # How questions name talks (title words, speakers' surnames → talk positions), for routing without
    # reading the whole catalogue.
    # ... and which capitalised words of the notes are ordinary words, not names (a who-question's check).
    _write_json(folder / "routing.json", {**postings(talks), ORDINARY_KEY: ordinary_capitalised(
        ["\n".join(d.lines) for d in documents])})
    # What --talk and --speaker match against, without reading the talk records.
    _write_json(folder / "talk_names.json", {"titles": [t.title for t in talks], "aliases": [t.aliases for t in talks],
                                            "speakers": [t.speakers for t in talks]})
    _write_json(folder / "documents.json", [d.model_dump(mode="json", exclude={"lines"}) for d in documents])
    _write_json(folder / "chunk_ids.json", [c.id for c in chunks])
    np.save(folder / "chunk_doc.npy", np.array([position[c.doc] for c in chunks], dtype=np.int32),
            allow_pickle=False)
    np.save(folder / "chunk_year.npy", np.array([NO_YEAR if c.year is None else c.year for c in chunks],
                                                dtype=np.int32), allow_pickle=False)
    owners = np.array([s.chunk for s in sentences], dtype=np.int64)
    if len(owners) and (np.any(np.diff(owners) < 0) or owners[0] < 0 or owners[-1] >= len(chunks)):
        raise ValueError("sentences must be in chunk order")  # chunking writes them so: a bug if not
    starts = np.searchsorted(owners, np.arange(len(chunks) + 1), side="left").astype(np.int64)
    np.save(folder / "chunk_sentences.npy", starts, allow_pickle=False)
    members: dict[str, list[int]] = {t.id: [] for t in talks}
    for i, chunk in enumerate(chunks):
        for talk_id in chunk.talk_ids:
            members[talk_id].append(i)
    sizes = [len(members[t.id]) for t in talks]
    np.save(folder / "talk_offsets.npy", np.concatenate([[0], np.cumsum(sizes, dtype=np.int64)]).astype(np.int64),
            allow_pickle=False)
    np.save(folder / "talk_chunks.npy", np.array([i for t in talks for i in members[t.id]], dtype=np.int64),
            allow_pickle=False)
    # Each sentence's talks (positions in the catalogue), so that the sentences about a talk are found without
    # reading them; and which sentences are table rows shared by several talks (their text decides which).
    talk_position = {t.id: i for i, t in enumerate(talks)}
    np.save(folder / "sentence_talk_offsets.npy",
            np.concatenate([[0], np.cumsum([len(s.talk_ids) for s in sentences], dtype=np.int64)]).astype(np.int64),
            allow_pickle=False)
    np.save(folder / "sentence_talks.npy",
            np.array([talk_position[t] for s in sentences for t in s.talk_ids], dtype=np.int32), allow_pickle=False)
    np.save(folder / "sentence_shared_rows.npy",
            np.array([s.kind == "row" and len(s.talk_ids) > 1 for s in sentences], dtype=np.bool_),
            allow_pickle=False)


def _write_lines(stem: Path, lines: Iterable[str]) -> None:
    """stem.jsonl, one record per line, and stem.offsets.npy, where each record starts (and the file's size)."""
    offsets = [0]
    with open(stem.with_name(stem.name + ".jsonl"), "wb") as handle:
        for line in lines:
            data = (line + "\n").encode("utf-8")
            handle.write(data)
            offsets.append(offsets[-1] + len(data))
    np.save(stem.with_name(stem.name + ".offsets.npy"), np.array(offsets, dtype=np.int64), allow_pickle=False)


def _write_generation(
    index_dir: Path,
    manifest: Manifest,
    chunks: list[Chunk],
    sentences: list[Sentence],
    talks: list[Talk],
    chunk_vectors: np.ndarray,
    sentence_vectors: np.ndarray,
    chunk_hashes: list[str],
    sentence_hashes: list[str],
    documents: list,  # type: ignore[type-arg]
    place_model: Callable[[Path], None],
) -> Path:
    import bm25s
    import faiss

    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%f")
    final = index_dir / f"gen-{stamp}-{os.getpid()}"
    staging = index_dir / f".tmp-{final.name}"
    try:
        staging.mkdir(parents=True)
        write_records(staging, chunks, sentences, talks, documents)
        # What each vector embeds, by hash: the next build reuses the vectors of unchanged text.
        _write_json(staging / "chunk_hashes.json", chunk_hashes)
        _write_json(staging / "sentence_hashes.json", sentence_hashes)
        np.save(staging / "embeddings.npy", chunk_vectors, allow_pickle=False)
        np.save(staging / "sentences.npy", sentence_vectors, allow_pickle=False)
        faiss.write_index(build_dense_index(chunk_vectors, manifest.dense_index, manifest.index_parameters),
                          str(staging / "dense.faiss"))
        talks_by_id = {t.id: t for t in talks}
        retriever = bm25s.BM25(k1=manifest.index_parameters.bm25_k1, b=manifest.index_parameters.bm25_b)
        retriever.index([terms(bm25_text(c, talks_by_id)) or ["_empty_"] for c in chunks], show_progress=False)
        retriever.save(str(staging / "bm25"), show_progress=False)
        place_model(staging / ONNX_FILE)
        # The manifest goes last: a generation without one is incomplete by construction.
        manifest.files = {
            path.relative_to(staging).as_posix(): _file_sha(path)
            for path in sorted(staging.rglob("*")) if path.is_file()
        }
        (staging / "manifest.json").write_text(manifest.model_dump_json(indent=1), encoding="utf-8")
        _fsync_tree(staging)
        os.rename(staging, final)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        reason = "disk is full" if exc.errno == errno.ENOSPC else (exc.strerror or str(exc))
        raise ConfqaError(f"cannot write the index in {index_dir}: {reason}; the previous index is unchanged") from exc
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return final


def dense_index_kind(chunks: int, parameters: IndexParameters) -> str:
    """Exact search up to exact_search_limit chunks, where a full scan is fast and recall is perfect; HNSW above,
    where a scan grows linearly and HNSW keeps recall@10 above 0.95 at a few milliseconds."""
    return "hnsw" if chunks > parameters.exact_search_limit else "flat"


def build_dense_index(vectors: np.ndarray, kind: str, parameters: IndexParameters) -> faiss.Index:
    import faiss

    index: faiss.Index
    if kind == "hnsw":
        hnsw = faiss.IndexHNSWFlat(vectors.shape[1], parameters.hnsw_m, faiss.METRIC_INNER_PRODUCT)
        hnsw.hnsw.efConstruction = parameters.hnsw_ef_construction
        hnsw.hnsw.efSearch = parameters.hnsw_ef_search
        index = hnsw
    else:
        index = faiss.IndexFlatIP(vectors.shape[1])
    index.add(np.ascontiguousarray(vectors, dtype=np.float32))
    return index


def _switch_current(index_dir: Path, generation: Path) -> None:
    pointer = index_dir / CURRENT_FILE
    temporary = index_dir / f".{CURRENT_FILE}.{os.getpid()}"
    try:
        with open(temporary, "w", encoding="utf-8") as handle:
            handle.write(generation.name + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, pointer)  # atomic: readers see the old generation or the new one
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        reason = "disk is full" if exc.errno == errno.ENOSPC else (exc.strerror or str(exc))
        raise ConfqaError(f"cannot switch {pointer} to the new index: {reason}; the previous index is "
                          "unchanged") from None
    fd = os.open(index_dir, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _collect_old_generations(index_dir: Path, keep: set[str]) -> None:
    """Remove generations other than the current and the previous one (a reader may still be using it),
    and staging folders that an interrupted build left behind."""
    for path in index_dir.iterdir():
        if path.name.startswith(".tmp-gen-") or (path.name.startswith("gen-") and path.name not in keep):
            shutil.rmtree(path, ignore_errors=True)
        elif _LEGACY_MODEL.fullmatch(path.name) or (_TEMPORARY.fullmatch(path.name) and not _alive(path.name)):
            path.unlink(missing_ok=True)


# ONNX exports that confqa 0.1 kept beside the generations (now inside each one), with their export temp files.
_LEGACY_MODEL = re.compile(r"\.?model-[0-9a-f]{16}\.onnx(\.\d+\.(tmp|opt))?")
# Pointer and record files being written by a process: ".CURRENT.<pid>", ".sources.json.<pid>".
_TEMPORARY = re.compile(rf"\.({re.escape(CURRENT_FILE)}|{re.escape(SOURCES_FILE)})\.(?P<pid>\d+)")


def _alive(name: str) -> bool:
    """Whether the process that is writing this temporary file still runs (then it is not stale)."""
    match = _TEMPORARY.fullmatch(name)
    if match is None:
        return False
    try:
        os.kill(int(match.group("pid")), 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, owned by someone else
    return True
