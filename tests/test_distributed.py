"""`confqa index --ray`: chunks embedded with Ray Data on a local Ray with 2 CPUs give the vectors of the
single-process path."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from tests.conftest import FIXTURE_CORPUS, copy_corpus

pytest.importorskip("ray", reason="distributed embedding needs the confqa[ray] extra")


@pytest.fixture(scope="session")
def local_ray():  # type: ignore[no-untyped-def]
    """One local Ray for the session (starting one takes seconds)."""
    import ray

    from confqa.distributed import start_ray

    start_ray("local", num_cpus=2)
    yield ray
    ray.shutdown()


def test_ray_vectors_equal_single_process_vectors(local_ray, embedder, fixture_index) -> None:  # type: ignore[no-untyped-def]
    from confqa.distributed import ROWS_PER_TASK, RayEmbedder
    from confqa.ingest.chunking import embedding_text
    from confqa.store import open_index

    _, index_dir = fixture_index
    store = open_index(index_dir)
    texts = [embedding_text(c) for c in store.chunks] + [s.text for s in store.sentences]
    texts = (texts * (2 * ROWS_PER_TASK // len(texts) + 1))[: 2 * ROWS_PER_TASK + 7]  # several blocks, 2 actors
    vectors = RayEmbedder("local", batch_size=16).encode_all(texts, 16)
    reference = embedder.encode(texts, batch_size=16)
    assert vectors.shape == reference.shape == (len(texts), 384)
    assert np.allclose(vectors, reference, atol=1e-5)


def test_index_with_ray_builds_the_same_index(local_ray, tmp_path: Path, fixture_index) -> None:  # type: ignore[no-untyped-def]
    from confqa.cli import main
    from confqa.store import open_index

    copy_corpus(FIXTURE_CORPUS, tmp_path / "corpus")
    result = CliRunner().invoke(main, ["index", "--ray", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["embedded_chunks"] == report["chunks"] > 0
    built = open_index(tmp_path / "indexes" / "default")
    reference = open_index(fixture_index[1])
    assert [c.id for c in built.chunks] == [c.id for c in reference.chunks]
    assert np.allclose(built.chunk_vectors, reference.chunk_vectors, atol=1e-5)
    assert np.allclose(built.sentence_vectors, reference.sentence_vectors, atol=1e-5)


def test_unreachable_ray_cluster_is_one_line(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from confqa import distributed

    class NoRay:
        @staticmethod
        def is_initialized() -> bool:
            return False

        @staticmethod
        def init(**kwargs):  # type: ignore[no-untyped-def]
            raise ConnectionError("could not connect to ray://nowhere:10001")

    monkeypatch.setattr(distributed, "_ray", lambda: NoRay)
    with pytest.raises(distributed.ConfqaError, match="cannot start or reach Ray"):
        distributed.start_ray("ray://nowhere:10001")
