"""The question path avoids torch, sentence-transformers, FAISS and bm25s; these tests prove that the light
replacements give the same vectors, scores and rankings as the libraries they stand in for."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np

from confqa.embedding import OnnxEmbedder
from confqa.index.build import current_generation
from confqa.index.storage import ONNX_FILE
from confqa.index.store import open_index

TEXTS = [
    "what did Mitchell recommend",
    "Lovelace argued that analytical engines can manipulate symbols of any kind, not only numbers.",
    "é 🙏 日本語 — “quotes” and ANSI \x1b[31m text",
    "a very long passage about benchmarks " * 80,  # beyond the 256-token window: both truncate
    "x",
]


def test_onnx_export_matches_sentence_transformers(fixture_index, embedder) -> None:  # type: ignore[no-untyped-def]
    _, index_dir = fixture_index
    store = open_index(index_dir)
    onnx_file = store.generation / ONNX_FILE
    assert onnx_file.is_file() and ONNX_FILE in store.manifest.files  # checksummed like every index file
    fast = OnnxEmbedder(Path(store.model_source()), store.manifest.embedding.weights_sha256)
    reference = embedder.encode(TEXTS)
    vectors = fast.encode(TEXTS, batch_size=2)  # padding across a batch must not change anything
    assert vectors.shape == reference.shape == (len(TEXTS), 384)
    assert np.abs(vectors - reference).max() < 1e-5
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_a_second_export_in_one_process_writes_the_first_exports_bytes(tmp_path, embedder, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Every index holds its own ONNX file; a process building several exports once and writes those bytes again."""
    import torch

    first = embedder.export_onnx(tmp_path / "a" / ONNX_FILE)

    def no_second_export(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("exported again")

    monkeypatch.setattr(torch.onnx, "export", no_second_export)
    second = embedder.export_onnx(tmp_path / "b" / ONNX_FILE)
    assert second.read_bytes() == first.read_bytes() and first.stat().st_ino != second.stat().st_ino
    assert [p.name for p in second.parent.iterdir()] == [ONNX_FILE]  # no temporary file left beside it
    fast = OnnxEmbedder(second, embedder.weights_sha256())
    assert np.abs(fast.encode(TEXTS[:2]) - embedder.encode(TEXTS[:2])).max() < 1e-5


def test_onnx_and_torch_paths_rank_the_same(fixture_index, embedder) -> None:  # type: ignore[no-untyped-def]
    from confqa.api import Assistant

    corpus, index_dir = fixture_index
    torch_path = Assistant(str(index_dir), corpus=corpus, build_missing=False, embedder=embedder)
    onnx_path = Assistant(str(index_dir), corpus=corpus, build_missing=False)
    assert isinstance(onnx_path._query_embedder_instance(), OnnxEmbedder)
    for question in ("What did Lovelace recommend?", "Who was on the robots panel?", "attendance in Lisbon",
                     "What does pruning keep?", "Noether symmetry"):
        a = [(p.chunk_id, round(p.score, 4)) for p in torch_path.retrieve(question, 8)]
        b = [(p.chunk_id, round(p.score, 4)) for p in onnx_path.retrieve(question, 8)]
        assert a == b, question
        assert torch_path.ask(question).model_dump() == onnx_path.ask(question).model_dump()


def test_numpy_bm25_equals_bm25s(fixture_index) -> None:  # type: ignore[no-untyped-def]
    import bm25s

    from confqa.lexical import terms

    _, index_dir = fixture_index
    generation = current_generation(index_dir)
    store = open_index(index_dir)
    reference = bm25s.BM25.load(str(generation / "bm25"), allow_pickle=False)
    for question in ("Lovelace benchmark seeds", "robots grade homework panel", "weather spreadsheets poster",
                     "symmetry symmetry conserved", "nothing-matches-this-word"):
        query = [t for t in terms(question) if t in reference.vocab_dict]
        ours = store.bm25.get_scores(terms(question))
        theirs = reference.get_scores(query) if query else np.zeros(len(store.chunks))
        assert np.allclose(ours, theirs, atol=1e-5), question


def test_flat_search_equals_faiss(fixture_index) -> None:  # type: ignore[no-untyped-def]
    import faiss

    from confqa.search.filters import CompiledFilters
    from confqa.search.local import LocalBackend

    _, index_dir = fixture_index
    generation = current_generation(index_dir)
    store = open_index(index_dir)
    backend = LocalBackend(store)
    index = faiss.read_index(str(generation / "dense.faiss"))
    rng = np.random.default_rng(0)
    for _ in range(5):
        query = rng.normal(size=(1, 384)).astype(np.float32)
        query /= np.linalg.norm(query)
        for k in (1, 3, len(store.chunks)):
            ranking = backend.dense(query[0], k, CompiledFilters())
            d2, i2 = index.search(query, k)
            assert [i for i, _ in ranking] == i2[0].tolist()
            assert np.allclose([d for _, d in ranking], d2[0], atol=1e-5)


def test_filtered_hnsw_search_returns_only_allowed_chunks_best_first() -> None:
    """Above the exact-search limit a filter becomes a FAISS ID selector: the results are the allowed chunks, in
    the order an exact scan of the allowed chunks gives (exact at this size, where efSearch covers the graph)."""
    import faiss

    from confqa.search.local import _hnsw

    rng = np.random.default_rng(1)
    vectors = rng.normal(size=(500, 16)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    index = faiss.IndexHNSWFlat(16, 16, faiss.METRIC_INNER_PRODUCT)
    index.add(vectors)
    mask = rng.random(500) < 0.2
    for query in vectors[:10]:
        found = _hnsw(index, query, 10, mask, ef_search=500)
        allowed = np.flatnonzero(mask)
        exact = allowed[np.argsort(-(vectors[allowed] @ query), kind="stable")][:10]
        assert [i for i, _ in found] == exact.tolist()
        unfiltered = _hnsw(index, query, 10, None, ef_search=500)
        assert not all(mask[i] for i, _ in unfiltered)  # without the selector, other chunks come back


def test_question_path_imports_nothing_heavy(fixture_index) -> None:  # type: ignore[no-untyped-def]
    corpus, index_dir = fixture_index
    code = (
        "import sys\n"
        "from confqa.api import Assistant\n"
        f"a = Assistant({str(index_dir)!r}, corpus={str(corpus)!r}, build_missing=False)\n"
        "answer = a.ask('What did Lovelace recommend?')\n"
        "assert answer.citations, answer\n"
        "heavy = [m for m in ('torch', 'sentence_transformers', 'transformers', 'llama_index', 'faiss', 'bm25s', 'scipy', 'openai', 'ollama', 'llama_cpp', 'httpx')"
        " if m in sys.modules]\n"
        "print(heavy)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "[]"
