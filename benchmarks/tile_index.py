"""Write a large index in the real format without embedding or chunking: K copies of an index that confqa built.

    python benchmarks/tile_index.py SOURCE_INDEX TARGET_INDEX --copies 10

Why: at 10^6 chunks the real build spends most of its time outside the product's question path (embedding, ~11 h
on 2 cores; parsing and the talk catalogue of 25,000 notes, 47 minutes and growing faster than linearly, see
BENCHMARKS.md). Copy k renames every note (`copyKK/…`), chunk id and talk id, shifts chunk, sentence, note and
talk positions, and moves every vector by a little noise (then normalises it), so the copies are distinct chunks
with the source's texts, metadata, talk catalogue and vector distribution. Everything is written as
confqa.index.build writes it: records with byte offsets, per-chunk and talk tables, routing postings (computed by
confqa.talks.naming from the renamed talks), FAISS HNSW built by confqa.index.build.build_dense_index with this
confqa's index parameters, and the manifest with every file's checksum.

The BM25 arrays are the source's, tiled: each term's postings repeated for every copy with the source's scores.
That is the real file format and posting-list lengths; the scores keep the source's IDF (a real build over K copies
would compute almost the same, since document frequency and document count both grow K-fold). Copies share
speakers and titles, so a question naming one routes to K talks and is decided by disambiguation: a harder case
than a real corpus. No chunk or sentence hashes are written (they only let a build reuse vectors)."""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

# Relative size of the noise that makes each copy's vectors its own (vectors are unit length).
COPY_NOISE = 0.02
# Vectors written per step (bounded memory for 10^6 × 384 floats and more for sentences).
BLOCK = 200_000


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("source", type=Path, help="an index folder built by confqa (format 4)")
    parser.add_argument("target", type=Path, help="a new index folder")
    parser.add_argument("--copies", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    tile(args.source, args.target, args.copies, args.seed)


def tile(source_index: Path, target_index: Path, copies: int, seed: int) -> Path:
    from confqa.index.build import build_dense_index, dense_index_kind
    from confqa.index.storage import read_manifest
    from confqa.models import INDEX_FORMAT_VERSION, Talk
    from confqa.settings import load_settings
    from confqa.talks.naming import postings

    source = source_index / (source_index / "CURRENT").read_text().strip()
    manifest = read_manifest(source)
    if manifest.format_version != INDEX_FORMAT_VERSION:
        raise SystemExit(f"{source} is index format {manifest.format_version}; rebuild it with this confqa first")
    name = f"gen-{datetime.now(timezone.utc).strftime('%Y%m%dT%H%M%S%f')}-tiled"
    target = target_index / name
    target.mkdir(parents=True)
    n_chunks, n_sentences, n_talks = manifest.chunks, manifest.sentences, manifest.talks
    documents = json.loads((source / "documents.json").read_text(encoding="utf-8"))
    n_docs = len(documents)
    talk_ids = json.loads((source / "talk_ids.json").read_text(encoding="utf-8"))

    def doc_of(doc: str, copy: int) -> str:
        return f"copy{copy:02d}/{doc}"

    def talk_of(talk_id: str, copy: int) -> str:
        return f"{talk_id}-c{copy:02d}"

    def chunk_of(chunk_id: str, copy: int) -> str:
        doc, _, number = chunk_id.rpartition("#")
        return f"{doc_of(doc, copy)}#{number}"

    log(f"records: {copies} copies of {n_chunks:,} chunks, {n_sentences:,} sentences, {n_talks:,} talks")
    lines = {
        "chunks": _lines(source / "chunks.jsonl"), "sentences": _lines(source / "sentences.jsonl"),
        "talks": _lines(source / "talks.jsonl"), "texts": _lines(source / "texts.jsonl"),
    }

    def chunk(record: dict, copy: int) -> dict:  # type: ignore[type-arg]
        return {**record, "id": chunk_of(record["id"], copy), "doc": doc_of(record["doc"], copy),
                "talk_ids": [talk_of(t, copy) for t in record["talk_ids"]]}

    def sentence(record: dict, copy: int) -> dict:  # type: ignore[type-arg]
        return {**record, "chunk": record["chunk"] + copy * n_chunks,
                "talk_ids": [talk_of(t, copy) for t in record["talk_ids"]]}

    def talk(record: dict, copy: int) -> dict:  # type: ignore[type-arg]
        mentions = [{**m, "doc": doc_of(m["doc"], copy)} if isinstance(m, dict) and "doc" in m else m
                    for m in record.get("mentions", [])]
        return {**record, "id": talk_of(record["id"], copy), "mentions": mentions,
                **({"docs": [doc_of(d, copy) for d in record["docs"]]} if "docs" in record else {})}

    def text(record: dict, copy: int) -> dict:  # type: ignore[type-arg]
        return {**record, "doc": doc_of(record["doc"], copy)}

    for stem, change in (("chunks", chunk), ("sentences", sentence), ("talks", talk), ("texts", text)):
        _write_tiled(target / stem, lines[stem], change, copies)
    chunk_ids = [chunk_of(json.loads(line)["id"], c) for c in range(copies) for line in lines["chunks"]]
    _json(target / "chunk_ids.json", chunk_ids)
    _json(target / "talk_ids.json", [talk_of(t, c) for c in range(copies) for t in talk_ids])
    _json(target / "documents.json", [{**d, "doc": doc_of(d["doc"], c)} for c in range(copies) for d in documents])
    talks = [Talk.model_validate_json(line) for line in _lines(target / "talks.jsonl")]
    _json(target / "routing.json", postings(talks))
    _json(target / "talk_names.json", {"titles": [t.title for t in talks], "aliases": [t.aliases for t in talks],
                                       "speakers": [t.speakers for t in talks]})
    del lines, talks, chunk_ids

    log("tables")
    chunk_doc = np.load(source / "chunk_doc.npy")
    np.save(target / "chunk_doc.npy", np.concatenate([chunk_doc + c * n_docs for c in range(copies)]).astype(np.int32))
    np.save(target / "chunk_year.npy", np.tile(np.load(source / "chunk_year.npy"), copies).astype(np.int32))
    starts = np.load(source / "chunk_sentences.npy")
    np.save(target / "chunk_sentences.npy", np.concatenate(
        [starts[:-1] + c * n_sentences for c in range(copies)] + [[copies * n_sentences]]).astype(np.int64))
    talk_offsets, talk_chunks = np.load(source / "talk_offsets.npy"), np.load(source / "talk_chunks.npy")
    np.save(target / "talk_offsets.npy", np.concatenate(
        [talk_offsets[:-1] + c * len(talk_chunks) for c in range(copies)] + [[copies * len(talk_chunks)]]
    ).astype(np.int64))
    np.save(target / "talk_chunks.npy", np.concatenate([talk_chunks + c * n_chunks for c in range(copies)]))
    sentence_talk_offsets = np.load(source / "sentence_talk_offsets.npy")
    np.save(target / "sentence_talk_offsets.npy", np.concatenate(
        [sentence_talk_offsets[:-1] + c * int(sentence_talk_offsets[-1]) for c in range(copies)]
        + [[copies * int(sentence_talk_offsets[-1])]]).astype(np.int64))
    np.save(target / "sentence_talks.npy", np.concatenate(
        [np.load(source / "sentence_talks.npy") + c * n_talks for c in range(copies)]).astype(np.int32))
    np.save(target / "sentence_shared_rows.npy", np.tile(np.load(source / "sentence_shared_rows.npy"), copies))

    log("vectors")
    rng = np.random.default_rng(seed)
    chunk_vectors = _tile_vectors(source / "embeddings.npy", target / "embeddings.npy", copies, rng)
    _tile_vectors(source / "sentences.npy", target / "sentences.npy", copies, rng)
    # What a build by this confqa records (the source may have been built with other defaults).
    parameters = load_settings().index_parameters
    kind = dense_index_kind(copies * n_chunks, parameters)
    log(f"dense index: {kind} over {copies * n_chunks:,} vectors")
    started = time.perf_counter()
    import faiss

    faiss.write_index(build_dense_index(np.load(chunk_vectors, mmap_mode="r"), kind, parameters),
                      str(target / "dense.faiss"))
    log(f"  {time.perf_counter() - started:.0f} s")

    log("BM25 arrays, tiled")
    _tile_bm25(source / "bm25", target / "bm25", copies, n_chunks)
    shutil.copyfile(source / "model.onnx", target / "model.onnx")

    log("manifest")
    record = manifest.model_copy(deep=True)
    record.created = datetime.now(timezone.utc).isoformat(timespec="seconds")
    record.corpus_dirs = []  # no folder of notes: nothing to compare for staleness
    record.documents = {doc_of(doc, c): value for c in range(copies) for doc, value in manifest.documents.items()}
    record.chunks, record.sentences, record.talks = copies * n_chunks, copies * n_sentences, copies * n_talks
    record.dense_index = kind
    record.index_parameters = parameters
    record.files = {path.relative_to(target).as_posix(): _sha256(path)
                    for path in sorted(target.rglob("*")) if path.is_file()}
    (target / "manifest.json").write_text(record.model_dump_json(indent=1), encoding="utf-8")
    (target_index / "CURRENT").write_text(name + "\n", encoding="utf-8")
    log(f"done: {target}")
    return target


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").split("\n")[:-1]


def _json(path: Path, payload: object) -> None:
    path.write_text(json.dumps(payload, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def _write_tiled(stem: Path, lines: list[str], change, copies: int) -> None:  # type: ignore[no-untyped-def]
    offsets = [0]
    with open(stem.with_name(stem.name + ".jsonl"), "wb") as handle:
        for copy in range(copies):
            for line in lines:
                data = (json.dumps(change(json.loads(line), copy), ensure_ascii=False, separators=(",", ":"))
                        + "\n").encode("utf-8")
                handle.write(data)
                offsets.append(offsets[-1] + len(data))
    np.save(stem.with_name(stem.name + ".offsets.npy"), np.array(offsets, dtype=np.int64))


def _tile_vectors(source: Path, target: Path, copies: int, rng: np.random.Generator) -> Path:
    vectors = np.load(source, mmap_mode="r")
    rows, dimension = vectors.shape
    out = np.lib.format.open_memmap(target, mode="w+", dtype=np.float32, shape=(copies * rows, dimension))
    for copy in range(copies):
        for start in range(0, rows, BLOCK):
            block = np.array(vectors[start:start + BLOCK], dtype=np.float32)
            if copy:
                block += COPY_NOISE * rng.standard_normal(block.shape, dtype=np.float32) / np.sqrt(dimension)
                block /= np.linalg.norm(block, axis=1, keepdims=True)
            out[copy * rows + start:copy * rows + start + len(block)] = block
    out.flush()
    del out
    return target


def _tile_bm25(source: Path, target: Path, copies: int, n_chunks: int) -> None:
    target.mkdir()
    indptr = np.load(source / "indptr.csc.index.npy")
    indices = np.load(source / "indices.csc.index.npy")
    data = np.load(source / "data.csc.index.npy")
    lengths = np.diff(indptr)
    new_indptr = np.concatenate([[0], np.cumsum(lengths * copies)]).astype(indptr.dtype)
    new_indices = np.empty(len(indices) * copies, dtype=np.int64 if copies * n_chunks >= 2**31 else indices.dtype)
    new_data = np.empty(len(data) * copies, dtype=data.dtype)
    for term in range(len(lengths)):
        start, end = int(indptr[term]), int(indptr[term + 1])
        out = int(new_indptr[term])
        for copy in range(copies):
            span = slice(out + copy * (end - start), out + (copy + 1) * (end - start))
            new_indices[span] = indices[start:end] + copy * n_chunks
            new_data[span] = data[start:end]
    np.save(target / "indptr.csc.index.npy", new_indptr)
    np.save(target / "indices.csc.index.npy", new_indices)
    np.save(target / "data.csc.index.npy", new_data)
    params = json.loads((source / "params.index.json").read_text(encoding="utf-8"))
    params["num_docs"] = copies * n_chunks
    _json(target / "params.index.json", params)
    shutil.copyfile(source / "vocab.index.json", target / "vocab.index.json")
    for extra in source.iterdir():
        if extra.name not in {"indptr.csc.index.npy", "indices.csc.index.npy", "data.csc.index.npy",
                              "params.index.json", "vocab.index.json"}:
            raise SystemExit(f"{extra} is a BM25 file this script does not know how to tile")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(1 << 22):
            digest.update(block)
    return digest.hexdigest()


if __name__ == "__main__":
    main()
