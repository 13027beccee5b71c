"""Shared fixtures. Every test runs with CONFQA_* variables cleared and confqa's folders pointed at a temporary
directory, so no test reads or writes a developer's real index. The real MiniLM model is loaded once per
session; indexes of the fixture corpus and of the shipped corpus are built once per session."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FIXTURE_CORPUS = Path(__file__).resolve().parent / "fixtures" / "corpus"
SHIPPED_CORPUS = REPO / "corpus"


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in list(os.environ):
        if name.startswith("CONFQA_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("CONFQA_INDEX_ROOT", str(tmp_path / "indexes"))
    monkeypatch.setenv("CONFQA_CORPUS_DIR", str(tmp_path / "corpus"))
    monkeypatch.chdir(tmp_path)
    return tmp_path


class CountingEmbedder:
    """The real model, counting how many texts it was asked to embed."""

    def __init__(self, inner: object) -> None:
        self.inner = inner
        self.name = inner.name  # type: ignore[attr-defined]
        self.dimension = inner.dimension  # type: ignore[attr-defined]
        self.texts = 0

    def weights_sha256(self) -> str:
        return self.inner.weights_sha256()  # type: ignore[attr-defined]

    def encode(self, texts: list[str], batch_size: int = 64):  # type: ignore[no-untyped-def]
        self.texts += len(texts)
        return self.inner.encode(texts, batch_size=batch_size)  # type: ignore[attr-defined]


@pytest.fixture(scope="session")
def embedder():  # type: ignore[no-untyped-def]
    from confqa.embedding import default_embedder

    return default_embedder()


@pytest.fixture()
def counting_embedder(embedder):  # type: ignore[no-untyped-def]
    return CountingEmbedder(embedder)


def copy_corpus(source: Path, target: Path) -> Path:
    shutil.copytree(source, target)
    for path in target.rglob("*"):
        if path.is_file():
            path.chmod(0o644)
    return target


def _build_once(factory: pytest.TempPathFactory, embedder, source: Path, name: str) -> tuple[Path, Path]:  # type: ignore[no-untyped-def]
    from confqa.index.build import build_index
    from confqa.settings import Settings

    base = factory.mktemp(f"{name}-index")
    corpus = copy_corpus(source, base / "corpus")
    index_dir = base / "indexes" / name
    build_index([corpus], index_dir, Settings(), lambda: embedder)
    return corpus, index_dir


@pytest.fixture(scope="session")
def fixture_index(tmp_path_factory: pytest.TempPathFactory, embedder) -> tuple[Path, Path]:  # type: ignore[no-untyped-def]
    """(corpus dir, index dir) of the tiny fixture corpus, built once."""
    return _build_once(tmp_path_factory, embedder, FIXTURE_CORPUS, "fixture")


@pytest.fixture(scope="session")
def shipped_index(tmp_path_factory: pytest.TempPathFactory, embedder) -> tuple[Path, Path]:  # type: ignore[no-untyped-def]
    """(corpus dir, index dir) of the shipped corpus, built once (about half a minute)."""
    return _build_once(tmp_path_factory, embedder, SHIPPED_CORPUS, "shipped")


@pytest.fixture()
def fixture_assistant(fixture_index, embedder):  # type: ignore[no-untyped-def]
    from confqa.api import Assistant

    corpus, index_dir = fixture_index
    return Assistant(str(index_dir), corpus=corpus, build_missing=False, embedder=embedder)


@pytest.fixture()
def shipped_assistant(shipped_index, embedder):  # type: ignore[no-untyped-def]
    from confqa.api import Assistant

    corpus, index_dir = shipped_index
    return Assistant(str(index_dir), corpus=corpus, build_missing=False, embedder=embedder)


@pytest.fixture()
def runner():  # type: ignore[no-untyped-def]
    """click's test runner, for CLI tests (stdout and stderr kept apart)."""
    from click.testing import CliRunner

    return CliRunner()


@pytest.fixture()
def index_arg(fixture_index) -> list[str]:  # type: ignore[no-untyped-def]
    """`--index DIR` of the fixture corpus's index, for CLI tests."""
    _, index_dir = fixture_index
    return ["--index", str(index_dir)]
