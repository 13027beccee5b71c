"""Both index backends through the same cases: the faiss backend (files) and the milvus backend, reached two ways:
Milvus Lite in a local .db file inside the test process, and a separate `milvus-lite server` process on a loopback
port spoken to over gRPC (`http://127.0.0.1:PORT`, as a Milvus server is). Same passages, same citations, same
filter behaviour; plus what only the milvus backend has: filter pushdown, incremental sync by document hash, the
alias switch of a full rebuild."""

from __future__ import annotations

import json
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from tests.conftest import FIXTURE_CORPUS, copy_corpus
from tests.serving import stop

from confqa.api import Assistant
from confqa.errors import UnknownFilterError
from confqa.settings import Settings

pytest.importorskip("pymilvus", reason="the milvus backend needs the confqa[milvus] extra")

BACKENDS = ["faiss", "milvus"]
QUESTIONS = [
    "What did Lovelace recommend?", "Who was on the robots panel?", "attendance in Lisbon", "What does pruning keep?",
    "Noether symmetry", "warm restarts every 10 epochs", "who presented the gradient gardening tutorial",
    "what did Rosalind Franklin show", "weather spreadsheets poster", "something the notes never mention",
]
FILTERED = [
    ("what was said about symmetry", {"doc": "summit-2031.md"}),
    ("what was shown", {"talk": "gradient gardening"}),
    ("what did they say", {"speaker": "Lovelace"}),
    ("what happened", {"year": 2030}),
    ("warm starts", {"speaker": "Noether", "year": 2031}),
]


def _settings(backend: str, uri: Path | str) -> Settings:
    return Settings().model_copy(update={"backend": backend, "milvus_uri": str(uri)})


# How long a milvus-lite server may take to start listening on a busy machine.
SERVER_START_TIMEOUT = 120.0


@pytest.fixture(scope="session")
def milvus_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A `milvus-lite server` process on a free loopback port, stopped by PID at the end of the session."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    data = tmp_path_factory.mktemp("milvus-server")
    command = [str(Path(sys.executable).with_name("milvus-lite")), "server", "--data-dir", str(data),
               "--host", "127.0.0.1", "--port", str(port)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while True:
            assert process.poll() is None, f"milvus-lite server exited with {process.returncode}"
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "milvus-lite server did not start listening"
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(process)  # by PID: SIGTERM, then SIGKILL


@pytest.fixture(scope="session", params=["file", "server"])
def milvus_index(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, embedder) -> tuple[Path, Path, Path | str]:  # type: ignore[no-untyped-def]
    """(corpus, index dir, Milvus URI) of the fixture corpus, written to both backends once: through a Milvus Lite
    .db file, and through a separate milvus-lite server process."""
    base = tmp_path_factory.mktemp(f"milvus-index-{request.param}")
    corpus = copy_corpus(FIXTURE_CORPUS, base / "corpus")
    uri: Path | str = base / "milvus.db" if request.param == "file" else request.getfixturevalue("milvus_server")
    index_dir = base / "indexes" / "fixture"
    assistant = Assistant(str(index_dir), settings=_settings("milvus", uri), corpus=corpus, embedder=embedder)
    assistant.index()
    assert assistant.last_sync is not None and assistant.last_sync.full
    return corpus, index_dir, uri


def _assistant(milvus_index, embedder, backend: str) -> Assistant:  # type: ignore[no-untyped-def]
    corpus, index_dir, uri = milvus_index
    return Assistant(str(index_dir), settings=_settings(backend, uri), corpus=corpus, build_missing=False,
                     embedder=embedder)


def _key(answer) -> tuple[list, list]:  # type: ignore[no-untyped-def]
    passages = [(p.doc, p.talk, p.line_start, p.line_end) for p in answer.passages]
    citations = [(c.doc, c.talk, c.line_start, c.line_end, c.quote) for c in answer.citations]
    return passages, citations


@pytest.mark.parametrize("question", QUESTIONS)
def test_milvus_retrieves_what_faiss_retrieves(milvus_index, embedder, question: str) -> None:  # type: ignore[no-untyped-def]
    faiss_answer = _assistant(milvus_index, embedder, "faiss").ask(question)
    milvus_answer = _assistant(milvus_index, embedder, "milvus").ask(question)
    assert _key(milvus_answer) == _key(faiss_answer)
    assert [round(p.score, 4) for p in milvus_answer.passages] == [round(p.score, 4) for p in faiss_answer.passages]
    assert milvus_answer.answer == faiss_answer.answer
    assert milvus_answer.abstained == faiss_answer.abstained


def test_a_milvus_backed_search_opens_no_local_vectors(milvus_index, embedder) -> None:  # type: ignore[no-untyped-def]
    """Milvus holds the chunk vectors and the dense index: the local ones are never opened (the answerer reads only
    the sentences' vectors, for the few passages it quotes)."""
    assistant = _assistant(milvus_index, embedder, "milvus")
    for question in QUESTIONS[:4]:
        assistant.ask(question)
    assistant.retrieve("what did they say", 5, speaker="Lovelace")
    opened = assistant.store.__dict__
    assert "chunk_vectors" not in opened and "dense_index" not in opened
    faiss_assistant = _assistant(milvus_index, embedder, "faiss")
    faiss_assistant.ask(QUESTIONS[0])
    assert "chunk_vectors" in faiss_assistant.store.__dict__  # the check can fail: the local backend reads them


def test_both_backends_give_the_same_candidates(milvus_index, embedder) -> None:  # type: ignore[no-untyped-def]
    """The four calls of the backend interface agree between the local and the Milvus backend, with and without
    filters."""
    import numpy as np

    from confqa.search import Filters, compile_filters

    local = _assistant(milvus_index, embedder, "faiss").search
    milvus = _assistant(milvus_index, embedder, "milvus").search
    store = local.store
    for question, filters in [(q, {}) for q in QUESTIONS[:5]] + FILTERED:
        query = local.query(question, Filters(**filters))
        compiled = compile_filters(Filters(**filters), store)
        for name in ("dense", "lexical"):
            argument = query.vector if name == "dense" else query.terms
            mine, theirs = getattr(local.backend, name)(argument, 10, compiled), \
                getattr(milvus.backend, name)(argument, 10, compiled)
            assert [i for i, _ in mine] == [i for i, _ in theirs], (question, name)
            assert np.allclose([v for _, v in mine], [v for _, v in theirs], atol=1e-4), (question, name)
            assert all(compiled.mask is None or compiled.mask[i] for i, _ in theirs)
        ids = np.array(sorted({i for i, _ in local.backend.dense(query.vector, 8, compiled)}), dtype=np.int64)
        assert np.allclose(local.backend.vectors(ids), milvus.backend.vectors(ids), atol=1e-6)
        assert np.allclose(local.backend.lexical_scores(query.terms, ids),
                           milvus.backend.lexical_scores(query.terms, ids), atol=1e-4)


@pytest.mark.parametrize(("question", "filters"), FILTERED)
def test_filters_agree_across_backends(milvus_index, embedder, question: str, filters: dict) -> None:  # type: ignore[no-untyped-def,type-arg]
    faiss_answer = _assistant(milvus_index, embedder, "faiss").ask(question, **filters)
    milvus_answer = _assistant(milvus_index, embedder, "milvus").ask(question, **filters)
    assert _key(milvus_answer) == _key(faiss_answer)
    assert milvus_answer.passages


@pytest.mark.parametrize("backend", BACKENDS)
def test_filters_restrict_passages(milvus_index, embedder, backend: str) -> None:  # type: ignore[no-untyped-def]
    assistant = _assistant(milvus_index, embedder, backend)
    assert {p.doc for p in assistant.retrieve("notes", 10, doc="summit-2031.md")} == {"summit-2031.md"}
    assert {p.doc for p in assistant.retrieve("notes", 10, year=2030)} == {"old-2030.txt"}
    by_speaker = assistant.retrieve("what was said", 10, speaker="Franklin")
    assert by_speaker and all("Rosalind Franklin" in p.speakers for p in by_speaker)
    with pytest.raises(UnknownFilterError, match="did you mean"):
        assistant.retrieve("anything", doc="sumit-2031.md")
    with pytest.raises(UnknownFilterError):
        assistant.retrieve("anything", year=1999)


def _effective_filter(kwargs: dict) -> str:  # type: ignore[type-arg]
    """The filter a Milvus call applies: its template with filter_params filled in, or the literal filter."""
    values = kwargs.get("filter_params") or {}
    return re.sub(r"\{(\w+)\}", lambda m: json.dumps(values[m.group(1)]), kwargs.get("filter", ""))


def test_filters_are_pushed_into_the_milvus_search(milvus_index, embedder, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from confqa.search.milvus import MilvusBackend

    assistant = _assistant(milvus_index, embedder, "milvus")
    backend = assistant.search.backend
    assert isinstance(backend, MilvusBackend)
    seen: list[str] = []
    search = backend.client.search

    def spy(*args, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(_effective_filter(kwargs))
        return search(*args, **kwargs)

    monkeypatch.setattr(backend.client, "search", spy)
    noether = sorted(t.id for t in assistant.store.talks if any("Noether" in s for s in t.speakers))
    assert noether
    assistant.retrieve("warm starts", 5, doc="summit-2031.md", speaker="Noether", year=2031)
    candidates = [f for f in seen if not f.startswith("id in")]  # not the scores of given ids
    assert candidates and all('doc in ["summit-2031.md"]' in f for f in candidates)
    assert all(f"array_contains_any(talk_ids, {json.dumps(noether)})" in f and "year == 2031" in f
               for f in candidates)
    seen.clear()
    assistant.retrieve("what did Lovelace recommend", 5)  # a named speaker narrows the search too
    candidates = [f for f in seen if not f.startswith("id in")]
    assert candidates and all('array_contains_any(talk_ids, ["engines-that-weave-algebraic-patterns"])' in f
                              for f in candidates)


class _FakeMilvus:
    """Answers the expression-template probe as a Milvus with or without templates would."""

    def __init__(self, templates: bool) -> None:
        self.templates = templates

    def query(self, collection: str, **kwargs):  # type: ignore[no-untyped-def]
        if not self.templates and "{" in kwargs.get("filter", ""):
            raise RuntimeError("unexpected character '{' at column 7")
        return []


def test_filter_values_are_template_parameters_or_json_literals() -> None:
    from confqa.index.milvus import filter_arguments

    values = {"docs": ['o"hare\\notes.md', "tab\there.md"], "year": 2031}
    template = "doc in {docs} and year == {year}"
    with_templates = filter_arguments(_FakeMilvus(True), "c", template, values)
    assert with_templates == {"filter": template, "filter_params": values}
    written = filter_arguments(_FakeMilvus(False), "c", template, values)
    assert set(written) == {"filter"}
    assert written["filter"] == 'doc in ["o\\"hare\\\\notes.md", "tab\\there.md"] and year == 2031'
    assert filter_arguments(_FakeMilvus(False), "c", "", {}) == {"filter": ""}


def test_filter_strings_reach_milvus_intact(tmp_path: Path, embedder) -> None:  # type: ignore[no-untyped-def]
    corpus = copy_corpus(FIXTURE_CORPUS, tmp_path / "corpus")
    (corpus / 'o"hare notes.md').write_text("# O'Hare\n\nThe layover talk covered airport benchmarks.\n")
    settings = _settings("milvus", tmp_path / "m.db")
    assistant = Assistant(str(tmp_path / "idx"), settings=settings, corpus=corpus, embedder=embedder)
    assistant.index()
    passages = assistant.retrieve("airport benchmarks", 5, doc='o"hare notes.md')
    assert [p.doc for p in passages] == ['o"hare notes.md']


def _count(assistant: Assistant, expr: str) -> int:
    from confqa.index.milvus import connect, read_state

    state = read_state(assistant.index_dir)
    rows = connect(assistant.settings).query(state.alias, filter=expr, output_fields=["id"])
    return len(rows)


def test_incremental_sync_upserts_changed_notes_and_deletes_removed(tmp_path: Path, embedder) -> None:  # type: ignore[no-untyped-def]
    corpus = copy_corpus(FIXTURE_CORPUS, tmp_path / "corpus")
    assistant = Assistant(str(tmp_path / "idx"), settings=_settings("milvus", tmp_path / "m.db"), corpus=corpus,
                          embedder=embedder)
    assistant.index()
    first = assistant.last_sync
    assert first.full
    note = corpus / "talks" / "keynote-lovelace.md"
    note.write_text(note.read_text() + "\nLovelace also asked everyone to publish their random seeds twice.\n")
    assistant.index()
    second = assistant.last_sync
    assert not second.full and second.collection == first.collection
    assert second.upserted_docs == ["talks/keynote-lovelace.md"] and second.deleted_docs == []
    assert second.upserted == _count(assistant, 'doc == "talks/keynote-lovelace.md"')
    assert "seeds twice" in assistant.ask("what did Lovelace say about random seeds").answer
    (corpus / "old-2030.txt").unlink()
    assistant.index()
    third = assistant.last_sync
    assert third.upserted_docs == [] and third.deleted_docs == ["old-2030.txt"]
    assert _count(assistant, 'doc == "old-2030.txt"') == 0
    assert all(p.doc != "old-2030.txt" for p in assistant.retrieve("notes", 20))
    assistant.index()  # nothing changed: nothing written
    assert assistant.last_sync.upserted == 0 and not assistant.last_sync.deleted_docs


def test_full_rebuild_switches_the_alias_atomically(tmp_path: Path, embedder) -> None:  # type: ignore[no-untyped-def]
    from confqa.index import milvus as milvus_backend
    from confqa.index.milvus import connect, read_state

    corpus = copy_corpus(FIXTURE_CORPUS, tmp_path / "corpus")
    settings = _settings("milvus", tmp_path / "m.db")
    assistant = Assistant(str(tmp_path / "idx"), settings=settings, corpus=corpus, embedder=embedder)
    assistant.index()
    client = connect(settings)
    old = read_state(assistant.index_dir)
    old_ids = {r["id"] for r in client.query(old.alias, filter='id != ""', output_fields=["id"])}
    shutil.rmtree(corpus / "talks")
    seen: dict[str, object] = {}

    def during(event: str, info: dict) -> None:  # type: ignore[type-arg]
        # The new collection is complete but the alias still names the old one: a reader sees all of the old.
        seen["new"] = {r["id"] for r in client.query(info["collection"], filter='id != ""', output_fields=["id"])}
        seen["alias"] = {r["id"] for r in client.query(info["alias"], filter='id != ""', output_fields=["id"])}

    original = milvus_backend._full_sync

    def full_sync(*args, **kwargs):  # type: ignore[no-untyped-def]
        return original(*args[:-1], during)

    milvus_backend._full_sync = full_sync  # type: ignore[assignment]
    try:
        assistant.index(rebuild=True)
    finally:
        milvus_backend._full_sync = original  # type: ignore[assignment]
    new = read_state(assistant.index_dir)
    assert new.collection != old.collection and new.previous == old.collection
    assert seen["alias"] == old_ids
    assert seen["new"] and all(not i.startswith("talks/") for i in seen["new"])  # type: ignore[attr-defined]
    assert {r["id"] for r in client.query(new.alias, filter='id != ""', output_fields=["id"])} == seen["new"]
    assert client.has_collection(old.collection)  # kept one round for readers that resolved the alias before
    assistant.index(rebuild=True)
    assert not client.has_collection(old.collection)


def test_cli_milvus_round_trip_matches_faiss(tmp_path: Path, embedder) -> None:  # type: ignore[no-untyped-def]
    """The issue's 'done when': index and ask with --backend milvus --milvus-uri indexes/milvus.db."""
    from confqa.cli import main

    copy_corpus(FIXTURE_CORPUS, tmp_path / "corpus")
    runner = CliRunner()
    uri = ["--backend", "milvus", "--milvus-uri", "indexes/milvus.db"]
    result = runner.invoke(main, ["index", *uri, "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["milvus"]["full"] is True
    question = "what did Lovelace recommend"
    milvus = runner.invoke(main, ["ask", question, *uri, "--json"])
    faiss = runner.invoke(main, ["ask", question, "--json"])
    assert milvus.exit_code == 0 and faiss.exit_code == 0, milvus.output + faiss.output
    cite = [[(c["doc"], c["talk"], c["line_start"], c["line_end"]) for c in json.loads(r.stdout)["citations"]]
            for r in (milvus, faiss)]
    assert cite[0] == cite[1] and cite[0]
    env = {"CONFQA_BACKEND": "milvus", "CONFQA_MILVUS_URI": "indexes/milvus.db"}
    again = runner.invoke(main, ["ask", question, "--json"], env=env)
    assert again.exit_code == 0 and json.loads(again.stdout)["citations"] == json.loads(milvus.stdout)["citations"]


def test_cli_milvus_errors_are_one_line(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import sys

    from confqa.cli import main

    copy_corpus(FIXTURE_CORPUS, tmp_path / "corpus")
    runner = CliRunner()
    result = runner.invoke(main, ["ask", "x", "--backend", "milvus"])
    assert result.exit_code == 2 and "--milvus-uri" in result.stderr
    result = runner.invoke(main, ["index", "--backend", "milvus", "--milvus-uri", "not-a-db-file"])
    assert result.exit_code == 2 and ".db" in result.stderr
    assert "Traceback" not in result.output
    monkeypatch.setitem(sys.modules, "pymilvus", None)  # as if confqa[milvus] were not installed
    result = runner.invoke(main, ["index", "--backend", "milvus", "--milvus-uri", "indexes/m.db"])
    assert result.exit_code == 1
    assert "pip install 'confqa[milvus]'" in result.stderr and "Traceback" not in result.output
    assert not (tmp_path / "indexes" / "default").exists()  # failed before any work
    monkeypatch.setitem(sys.modules, "ray", None)
    result = runner.invoke(main, ["index", "--ray"])
    assert result.exit_code == 1 and "pip install 'confqa[ray]'" in result.stderr


def test_ask_with_an_index_missing_from_milvus_says_how_to_write_it(milvus_index, embedder, tmp_path) -> None:  # type: ignore[no-untyped-def]
    corpus, index_dir, _ = milvus_index
    other = tmp_path / "copy"
    shutil.copytree(index_dir, other)
    (other / "milvus.json").unlink()
    assistant = Assistant(str(other), settings=_settings("milvus", tmp_path / "empty.db"), corpus=corpus,
                          build_missing=False, embedder=embedder)
    with pytest.raises(Exception, match="--backend milvus"):
        assistant.ask("anything")


def test_faiss_paths_never_import_milvus_or_ray(fixture_index) -> None:  # type: ignore[no-untyped-def]
    import subprocess
    import sys

    corpus, index_dir = fixture_index
    code = (
        "import sys\n"
        "import confqa, confqa.cli\n"
        "from confqa.api import Assistant\n"
        f"Assistant({str(index_dir)!r}, corpus={str(corpus)!r}, build_missing=False).ask('What did Lovelace say?')\n"
        "print([m for m in ('pymilvus', 'milvus_lite', 'ray') if m in sys.modules])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "[]"


@pytest.mark.slow
def test_shipped_corpus_same_citations_on_both_backends(shipped_index, embedder, tmp_path) -> None:  # type: ignore[no-untyped-def]
    corpus, index_dir = shipped_index
    copy = tmp_path / "shipped"
    shutil.copytree(index_dir, copy)
    uri = tmp_path / "milvus.db"
    answers = {}
    for backend in BACKENDS:
        assistant = Assistant(str(copy), settings=_settings(backend, uri), corpus=corpus, embedder=embedder)
        answers[backend] = [_key(assistant.ask(q)) for q in (
            "what did Mitchell recommend", "who presented the XAI tutorial", "what is DAgger",
            "what did the imitation learning tutorial cover", "what were the best papers")]
        answers[backend].append(_key(assistant.ask("benchmarks", year=2025)))
    assert answers["milvus"] == answers["faiss"]


def test_vector_index_type_follows_collection_size(tmp_path: Path, embedder) -> None:  # type: ignore[no-untyped-def]
    """Both backends read the exact-search limit (and the HNSW and BM25 parameters) from the manifest: lowering
    it below the corpus's size rebuilds the index as HNSW on both sides, and they still agree."""
    from confqa.index.milvus import read_state
    from confqa.index.storage import current_generation, read_manifest

    corpus = copy_corpus(FIXTURE_CORPUS, tmp_path / "corpus")
    settings = _settings("milvus", tmp_path / "m.db")
    assistant = Assistant(str(tmp_path / "idx"), settings=settings, corpus=corpus, embedder=embedder)
    assistant.index()
    assert read_state(assistant.index_dir).index_type == "FLAT"
    small = settings.index_parameters.model_copy(update={"exact_search_limit": 5, "hnsw_ef_search": 64})
    settings = settings.model_copy(update={"index_parameters": small})  # as if the corpus had grown past it
    assistant = Assistant(str(tmp_path / "idx"), settings=settings, corpus=corpus, embedder=embedder)
    report = assistant.index()
    manifest = read_manifest(current_generation(assistant.index_dir))  # type: ignore[arg-type]
    assert report.rebuilt  # no note changed, but the parameters did
    assert manifest.index_parameters == small and manifest.dense_index == "hnsw"
    state = read_state(assistant.index_dir)
    assert assistant.last_sync.full and state.index_type == "HNSW" and state.parameters == small
    reader = Assistant(str(tmp_path / "idx"), settings=settings, corpus=corpus, build_missing=False, embedder=embedder)
    assert reader.store.dense_index.hnsw.efSearch == 64  # read from the manifest, not a constant
    faiss = Assistant(str(tmp_path / "idx"), settings=_settings("faiss", tmp_path / "m.db"), corpus=corpus,
                      build_missing=False, embedder=embedder)
    for question in QUESTIONS[:4]:
        assert _key(reader.ask(question)) == _key(faiss.ask(question))


class _OldMilvus:
    """A MilvusClient that reports what the PyPI `milvus` 2.3.5 server reports (which accepts the BM25 schema and
    drops the function)."""

    def __init__(self, **kwargs) -> None:  # type: ignore[no-untyped-def]
        pass

    def get_server_version(self) -> str:
        return "v2.3.5-lite"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_a_milvus_older_than_2_5_is_refused_with_the_reason(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import pymilvus

    from confqa.cli import main

    copy_corpus(FIXTURE_CORPUS, tmp_path / "corpus")
    monkeypatch.setattr(pymilvus, "MilvusClient", _OldMilvus)
    uri = f"http://127.0.0.1:{_free_port()}"
    result = CliRunner().invoke(main, ["index", "--backend", "milvus", "--milvus-uri", uri])
    assert result.exit_code == 1 and "Traceback" not in result.output
    message = result.stderr.strip()
    assert len(message.splitlines()) == 1
    assert "v2.3.5" in message and "2.5 or newer" in message and "BM25" in message
    assert not (tmp_path / "indexes" / "default").exists()  # refused before any work


def test_a_refused_token_is_reported_as_authentication(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """pymilvus reports a refused token as 'illegal connection params or server unavailable': a port that accepts
    connections makes it an authentication failure; a closed one stays 'cannot reach'."""
    import pymilvus
    from pymilvus.exceptions import MilvusException

    from confqa.errors import ConfqaError
    from confqa.index.milvus import connect

    class Refusing:
        def __init__(self, **kwargs) -> None:  # type: ignore[no-untyped-def]
            raise MilvusException(code=2, message="Fail connecting to server on 127.0.0.1, illegal connection "
                                                  "params or server unavailable")

    monkeypatch.setattr(pymilvus, "MilvusClient", Refusing)
    monkeypatch.setenv(Settings().milvus_token_env, "root:wrong")
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        uri = f"http://127.0.0.1:{listener.getsockname()[1]}"
        with pytest.raises(ConfqaError, match=rf"authentication failed .*check the token in \${Settings().milvus_token_env}"):
            connect(_settings("milvus", uri))
    closed = f"http://127.0.0.1:{_free_port()}"
    with pytest.raises(ConfqaError, match="cannot reach Milvus") as caught:
        connect(_settings("milvus", closed))
    assert "authentication" not in str(caught.value)


def test_a_failed_full_sync_leaves_no_half_built_collection(tmp_path: Path, embedder, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from confqa.errors import ConfqaError
    from confqa.index import milvus as milvus_index

    corpus = copy_corpus(FIXTURE_CORPUS, tmp_path / "corpus")
    settings = _settings("milvus", tmp_path / "m.db")
    assistant = Assistant(str(tmp_path / "idx"), settings=settings, corpus=corpus, embedder=embedder)
    assistant.index()
    client = milvus_index.connect(settings)
    before = set(client.list_collections())
    original = milvus_index._insert

    def fail_after_first_batch(client_, collection, records, upsert=False):  # type: ignore[no-untyped-def]
        original(client_, collection, records[:3], upsert)
        raise RuntimeError("segment allocation failed")

    monkeypatch.setattr(milvus_index, "_insert", fail_after_first_batch)
    with pytest.raises(ConfqaError) as caught:
        assistant.index(rebuild=True)
    message = str(caught.value)
    assert "segment allocation failed" in message and "removed again" in message
    assert "run the same command again" not in message
    assert set(client.list_collections()) == before  # the half-built collection was dropped
    monkeypatch.setattr(milvus_index, "_insert", original)
    assert assistant.ask("What did Lovelace recommend?").citations  # the old collection still answers
