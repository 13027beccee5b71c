"""`confqa serve` over HTTP: a real uvicorn process on a free loopback port answering the JSON API exactly as the
CLI does, its errors, its limits and its safety defaults, and following an index rebuild. The rate limiter and
the token comparison are also tested in process (FastAPI's TestClient) where a process adds nothing."""

from __future__ import annotations

import hmac
import json
import os
import socket
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from serving import request, running_server

pytest.importorskip("fastapi", reason="confqa serve needs the serve extra: pip install 'confqa[serve]'")

ANSWERED = "who presented the Gradient Gardening tutorial"
OUT_OF_SCOPE = "Which restaurant served the best paella?"
TOKEN = "a-test-token-that-is-long-enough"


def cli_json(*args: str) -> Any:
    """What `confqa … --json` prints, from its own process."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONFQA_")}
    done = subprocess.run([sys.executable, "-m", "confqa", *args, "--json"], capture_output=True, text=True,
                          env=env, check=True)
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def server(fixture_index) -> Any:  # type: ignore[no-untyped-def]
    _, index_dir = fixture_index
    with running_server(index_dir) as base:
        yield base


@pytest.fixture(scope="module")
def index_dir(fixture_index) -> Path:  # type: ignore[no-untyped-def]
    return fixture_index[1]


# -- the same answers as the CLI -----------------------------------------------------------------------------------
@pytest.mark.parametrize("question, filters", [
    (ANSWERED, {}),
    ("What did Lovelace argue?", {}),
    (OUT_OF_SCOPE, {}),
    ("what is the loss", {"talk": "Gradient Gardening"}),
    ("what happened", {"year": 2030}),
])
def test_ask_is_exactly_the_cli_answer(server: str, index_dir: Path, question: str, filters: dict[str, Any]) -> None:
    reply = request(server, "/api/ask", {"question": question, **filters})
    assert reply.status == 200
    options = [f"--{k}={v}" for k, v in filters.items()]
    assert reply.json() == cli_json("ask", question, "--index", str(index_dir), *options)
    assert reply.headers["x-confqa-generation"].startswith("gen-")


def test_an_out_of_scope_question_is_an_abstention_with_passages(server: str) -> None:
    answer = request(server, "/api/ask", {"question": OUT_OF_SCOPE}).json()
    assert answer["abstained"] is True and answer["citations"] == [] and answer["passages"]


def test_the_display_form_is_the_answer_plus_its_quotes_as_shown(server: str) -> None:
    """summit-2031.md line 28 holds a formula in $$…$$; line 25 opens with **Presenters:**."""
    loss = {"question": "What is the loss of the Gradient Gardening tutorial?"}
    shown = request(server, "/api/ask/display", loss).json()
    assert shown["answer"] == request(server, "/api/ask", loss).json()
    assert len(shown["citations"]) == len(shown["answer"]["citations"])
    lines = ["".join(span["text"] for span in line) for quote in shown["citations"] for line in quote]
    assert any("∑" in line for line in lines) and not any("\\sum" in line or "$$" in line for line in lines)
    presenters = request(server, "/api/ask/display", {"question": "Who presented the Gradient Gardening tutorial?"})
    quotes = presenters.json()["citations"]
    strong = [span["text"] for quote in quotes for line in quote for span in line if span["strong"]]
    lines = ["".join(span["text"] for span in line) for quote in quotes for line in quote]
    assert strong == ["Presenters:"] and not any("**" in line for line in lines)


def test_talks_are_the_cli_catalogue(server: str, index_dir: Path) -> None:
    reply = request(server, "/api/talks")
    assert reply.status == 200
    assert reply.json() == cli_json("talks", "--index", str(index_dir))


def test_retrieve_is_the_library_result(server: str, index_dir: Path) -> None:
    from confqa.api import Assistant

    expected = Assistant(str(index_dir), build_missing=False).retrieve("pruning the weights", 3, year=2031)
    reply = request(server, "/api/retrieve?q=pruning+the+weights&k=3&year=2031")
    assert reply.status == 200
    assert reply.json() == [p.model_dump(mode="json") for p in expected]


def test_notes_hold_every_quote_at_its_lines(server: str) -> None:
    answer = request(server, "/api/ask", {"question": "What did Lovelace argue?"}).json()
    assert answer["citations"]
    for citation in answer["citations"]:
        note = request(server, "/api/notes/" + citation["doc"]).json()
        assert note["doc"] == citation["doc"] and note["title"] == citation["title"]
        quoted = "\n".join(note["lines"][citation["line_start"] - 1:citation["line_end"]])
        assert citation["quote"] in quoted


def test_a_note_is_its_file_line_for_line(server: str, fixture_index) -> None:  # type: ignore[no-untyped-def]
    corpus, _ = fixture_index
    note = request(server, "/api/notes/talks/panel-robots.md").json()
    on_disk = (corpus / "talks" / "panel-robots.md").read_text(encoding="utf-8").splitlines()
    assert len(note["lines"]) == len(on_disk)
    assert note["lines"][4] == on_disk[4]  # line 5 is line 5


def test_index_summary_lists_the_indexed_notes(server: str, index_dir: Path) -> None:
    from confqa.index.storage import current_generation, read_manifest

    manifest = read_manifest(current_generation(index_dir))  # type: ignore[arg-type]
    summary = request(server, "/api/index").json()
    assert [d["doc"] for d in summary["documents"]] == sorted(manifest.documents)
    assert summary["chunks"] == manifest.chunks and summary["talks"] == manifest.talks
    assert summary["generation"] == current_generation(index_dir).name  # type: ignore[union-attr]
    assert request(server, "/healthz").json() == {"status": "ok", "generation": summary["generation"]}


def test_the_stream_ends_with_the_same_answer(server: str) -> None:
    reply = request(server, "/api/ask/stream", {"question": ANSWERED})
    assert reply.status == 200 and reply.headers["content-type"].startswith("text/event-stream")
    events = [block.split("\n") for block in reply.body.decode().strip().split("\n\n")]
    assert events[-1][0] == "event: answer"
    streamed = json.loads(events[-1][1].removeprefix("data: "))
    assert streamed == request(server, "/api/ask", {"question": ANSWERED}).json()


def test_openapi_and_its_docs_page_are_served_offline(server: str) -> None:
    schema = request(server, "/openapi.json").json()
    assert {"/api/ask", "/api/ask/display", "/api/ask/stream", "/api/talks", "/api/retrieve", "/api/notes/{doc}", "/api/index",
            "/healthz"} <= set(schema["paths"])
    page = request(server, "/docs").body.decode()
    scripts = [line for line in page.splitlines() if "<script" in line or "stylesheet" in line]
    assert scripts and all('"/static/' in line for line in scripts)  # nothing from another host
    assert request(server, "/static/swagger/swagger-ui-bundle.js").status == 200


# -- errors ----------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("body, status, words", [
    (b'{"question": ', 400, "not valid JSON"),
    (b'"just a string"', 422, "must be a JSON object"),
    (b'{}', 422, "question"),
    (b'{"question": "   "}', 422, "empty"),
    (b'{"question": "x", "top_k": 0}', 422, "top_k"),
    (b'{"question": "x", "talk": "No Such Talk"}', 422, "unknown talk"),
    (b'{"question": "x", "llm": "openai"}', 422, "llm"),
    (b'{"question": "x", "generate": {}}', 422, "no language model"),
    (json.dumps({"question": "why " * 600}).encode(), 422, "at most 2000"),
])
def test_bad_requests_get_a_json_error_with_the_right_status(server: str, body: bytes, status: int,
                                                              words: str) -> None:
    reply = request(server, "/api/ask", raw=body)
    assert reply.status == status
    error = reply.json()
    assert error["status"] == status and words in error["error"]
    assert "Traceback" not in reply.body.decode()


def test_the_page_and_health_answer_head_requests(server: str) -> None:
    for path in ["/", "/talks", "/healthz"]:
        reply = request(server, path, method="HEAD")
        assert reply.status == 200 and reply.body == b"", path


def test_unknown_notes_and_routes_are_404(server: str) -> None:
    for path in ["/api/notes/nothing.md", "/api/nothing", "/static/nothing.js"]:
        reply = request(server, path)
        assert reply.status == 404, path
    assert "nothing.md" in request(server, "/api/notes/nothing.md").json()["error"]


def _raw_http(base: str, head: str, body: bytes = b"") -> str:
    """A request written by hand (chunked bodies, paths that HTTP libraries would normalise)."""
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as connection:
        connection.sendall(head.encode() + body)
        received = b""
        while chunk := connection.recv(65536):
            received += chunk
    return received.decode("utf-8", "replace")


def test_a_body_too_large_is_413_whether_declared_or_streamed(server: str) -> None:
    big = json.dumps({"question": "x" * 20_000}).encode()
    assert request(server, "/api/ask", raw=big).status == 413
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(part), part) for part in [big[i:i + 4096] for i in range(0, len(big), 4096)])
    reply = _raw_http(server, "POST /api/ask HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                      "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n", chunks + b"0\r\n\r\n")
    assert reply.startswith("HTTP/1.1 413") and '"status":413' in reply


# -- safety ---------------------------------------------------------------------------------------------------------
def test_responses_carry_the_safety_headers_and_no_cors(server: str) -> None:
    for path in ["/", "/talks", "/api/talks", "/healthz"]:
        reply = request(server, path, headers={"Origin": "http://elsewhere.example"})
        assert reply.headers["x-content-type-options"] == "nosniff", path
        policy = reply.headers["content-security-policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy and "frame-ancestors 'none'" in policy
        assert "access-control-allow-origin" not in reply.headers
    assert request(server, "/api/talks").headers["cache-control"] == "no-store"


@pytest.mark.parametrize("path", [
    "/api/notes/../../../../etc/passwd",
    "/api/notes/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/api/notes/..%2F..%2F..%2Fetc%2Fpasswd",
    "/api/notes//etc/passwd",
    "/api/notes/%2Fetc%2Fpasswd",
    "/api/notes/talks/../../secret.md",
    "/api/notes/link-outside.md",
    "/api/notes/%252e%252e%252fsecret.md",
])
def test_notes_never_read_a_file_outside_the_index(path: str, tmp_path_factory, embedder) -> None:  # type: ignore[no-untyped-def]
    served = _index_with_symlink_out(tmp_path_factory, embedder)
    reply = _raw_http(served["base"], f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    status = int(reply.split(" ", 2)[1])
    assert status in (404, 400), reply[:200]
    assert "root:" not in reply and "SECRET-TEXT" not in reply


_SYMLINKED: dict[str, Any] = {}


def _index_with_symlink_out(tmp_path_factory, embedder) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """One server per session over a corpus holding a symlink to a secret file beside it (started once)."""
    if not _SYMLINKED:
        from confqa.index.build import build_index
        from confqa.settings import Settings
        from conftest import FIXTURE_CORPUS, copy_corpus

        base = tmp_path_factory.mktemp("symlinked")
        corpus = copy_corpus(FIXTURE_CORPUS, base / "corpus")
        (base / "secret.md").write_text("# Secret\n\nSECRET-TEXT that must never be served.\n", encoding="utf-8")
        (corpus / "link-outside.md").symlink_to(base / "secret.md")
        index_dir = base / "index"
        build_index([corpus], index_dir, Settings(), lambda: embedder)
        context = running_server(index_dir)
        _SYMLINKED["base"] = context.__enter__()
        _SYMLINKED["context"] = context
    return _SYMLINKED


@pytest.fixture(scope="module", autouse=True)
def _stop_symlinked_server() -> Any:
    yield
    if _SYMLINKED:
        _SYMLINKED["context"].__exit__(None, None, None)
        _SYMLINKED.clear()


def test_a_token_guards_the_api_but_not_the_page(index_dir: Path) -> None:
    with running_server(index_dir, env={"CONFQA_SERVE_TOKEN": TOKEN}) as base:
        question = {"question": ANSWERED}
        assert request(base, "/api/ask", question).status == 401
        wrong = request(base, "/api/ask", question, headers={"Authorization": "Bearer " + TOKEN[:-1] + "X"})
        assert wrong.status == 401 and wrong.headers["www-authenticate"] == "Bearer"
        assert request(base, "/api/ask", question, headers={"Authorization": "Bearer " + TOKEN}).status == 200
        assert request(base, "/api/notes/summit-2031.md").status == 401
        assert request(base, "/").status == 200 and request(base, "/healthz").status == 200


@pytest.mark.parametrize("host, env, words", [
    ("0.0.0.0", {}, "CONFQA_SERVE_TOKEN"),
    ("::", {}, "CONFQA_SERVE_TOKEN"),
    ("example.org", {}, "CONFQA_SERVE_TOKEN"),
    ("0.0.0.0", {"CONFQA_SERVE_TOKEN": "short"}, "too short"),
])
def test_listening_beyond_loopback_needs_a_token(index_dir: Path, host: str, env: dict[str, str],
                                                 words: str) -> None:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("CONFQA_")}
    done = subprocess.run([sys.executable, "-m", "confqa", "serve", "--index", str(index_dir), "--host", host,
                           "--port", "0"], capture_output=True, text=True, env={**clean, **env}, timeout=120)
    assert done.returncode == 2
    assert words in done.stderr and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_the_token_is_compared_in_constant_time(monkeypatch: pytest.MonkeyPatch) -> None:
    from confqa.serve import guards

    compared: list[tuple[bytes, bytes]] = []
    original = hmac.compare_digest

    def recording(a: bytes, b: bytes) -> bool:
        compared.append((a, b))
        return original(a, b)

    monkeypatch.setattr(guards.hmac, "compare_digest", recording)
    assert guards.token_matches(TOKEN, TOKEN) and not guards.token_matches("x" + TOKEN, TOKEN)
    assert not guards.token_matches(None, TOKEN)
    assert len(compared) == 2


def _client(index_dir: Path, **serve: Any) -> Any:
    from fastapi.testclient import TestClient

    from confqa.serve.app import create_app
    from confqa.settings import Settings

    settings = Settings().model_copy(update={"serve": Settings().serve.model_copy(update=serve)})
    return TestClient(create_app(settings, index_dir))


def test_a_client_over_its_rate_gets_429_with_retry_after(index_dir: Path) -> None:
    with _client(index_dir, rate_per_minute=6.0, rate_burst=3) as client:
        statuses = [client.get("/api/talks").status_code for _ in range(4)]
        assert statuses == [200, 200, 200, 429]
        limited = client.get("/api/talks")
        assert limited.status_code == 429 and int(limited.headers["retry-after"]) >= 1
        assert "too many requests" in limited.json()["error"]
        assert client.get("/healthz").status_code == 200  # the limit is on the API only


def test_rate_buckets_refill_per_client() -> None:
    from confqa.serve.guards import RateLimiter

    now = [0.0]
    limiter = RateLimiter(per_minute=60.0, burst=2, clock=lambda: now[0])
    assert [limiter.take("a") for _ in range(2)] == [0.0, 0.0]
    assert limiter.take("a") == pytest.approx(1.0)
    assert limiter.take("b") == 0.0  # another client has its own bucket
    now[0] += 1.0
    assert limiter.take("a") == 0.0


def test_cors_only_for_configured_origins(index_dir: Path) -> None:
    with _client(index_dir, cors_origins=["http://notes.example"]) as client:
        allowed = client.get("/api/talks", headers={"Origin": "http://notes.example"})
        assert allowed.headers["access-control-allow-origin"] == "http://notes.example"
        other = client.get("/api/talks", headers={"Origin": "http://elsewhere.example"})
        assert "access-control-allow-origin" not in other.headers


# -- the command ----------------------------------------------------------------------------------------------------
def test_serve_without_an_index_or_with_a_port_in_use_fails_in_one_line(index_dir: Path, tmp_path: Path) -> None:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("CONFQA_")}
    missing = subprocess.run([sys.executable, "-m", "confqa", "serve", "--index", str(tmp_path / "none")],
                             capture_output=True, text=True, env=clean, timeout=120)
    assert missing.returncode == 1 and "no index" in missing.stderr and "Traceback" not in missing.stderr
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        busy = subprocess.run([sys.executable, "-m", "confqa", "serve", "--index", str(index_dir), "--port",
                               str(port)], capture_output=True, text=True, env=clean, timeout=120)
    assert busy.returncode == 1 and f"127.0.0.1:{port}" in busy.stderr and "--port" in busy.stderr
    assert "Traceback" not in busy.stderr


def test_serve_without_the_extra_names_the_install_command(runner, index_arg, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from confqa.cli import main

    monkeypatch.setitem(sys.modules, "fastapi", None)
    result = runner.invoke(main, ["serve", *index_arg])
    assert result.exit_code == 1
    assert "pip install 'confqa[serve]'" in result.stderr


# -- following a rebuild --------------------------------------------------------------------------------------------
def test_a_rebuild_is_picked_up_without_failing_a_request(tmp_path: Path, embedder) -> None:  # type: ignore[no-untyped-def]
    from confqa.index.build import build_index
    from confqa.index.storage import current_generation
    from confqa.settings import Settings
    from conftest import FIXTURE_CORPUS, copy_corpus

    corpus = copy_corpus(FIXTURE_CORPUS, tmp_path / "corpus")
    index_dir = tmp_path / "index"
    build_index([corpus], index_dir, Settings(), lambda: embedder)
    first = current_generation(index_dir).name  # type: ignore[union-attr]
    question = {"question": "Who opened the Harbour Forum on tidal computing?"}
    with running_server(index_dir, env={"CONFQA_SERVE__RATE_PER_MINUTE": "0"}) as base:  # three clients ask flat out
        before = request(base, "/api/ask", question)
        assert before.headers["x-confqa-generation"] == first
        assert not any(c["doc"] == "harbour.md" for c in before.json()["citations"])
        seen: list[tuple[int, str]] = []
        stop = threading.Event()

        def keep_asking() -> None:
            while not stop.is_set():
                reply = request(base, "/api/ask", question)
                seen.append((reply.status, reply.headers.get("x-confqa-generation", "")))

        askers = [threading.Thread(target=keep_asking) for _ in range(3)]
        for thread in askers:
            thread.start()
        (corpus / "harbour.md").write_text(
            "---\ntitle: Harbour Forum 2031\ndate: 2031-09-01\n---\n\n# Harbour Forum 2031\n\n"
            "## Keynote: Tidal Computing\n\n**Speaker:** Ines Marlowe\n\n"
            "Ines Marlowe opened the Harbour Forum with a keynote on tidal computing.\n", encoding="utf-8")
        build_index([corpus], index_dir, Settings(), lambda: embedder)
        second = current_generation(index_dir).name  # type: ignore[union-attr]
        after = request(base, "/api/ask", question)
        stop.set()
        for thread in askers:
            thread.join()
    assert second != first
    assert after.status == 200, after.body
    assert after.headers["x-confqa-generation"] == second
    assert any(c["doc"] == "harbour.md" for c in after.json()["citations"])
    assert seen and all(status == 200 for status, _ in seen)
    assert {generation for _, generation in seen} <= {first, second}


# -- generated answers ----------------------------------------------------------------------------------------------
def _events(body: bytes) -> list[tuple[str, Any]]:
    parsed = []
    for block in body.decode().strip().split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.split("\n"))
        parsed.append((fields["event"], json.loads(fields["data"])))
    return parsed


@pytest.mark.parametrize("script", ["cited", "error500"])
def test_a_generated_answer_streams_its_tokens_then_the_checked_answer(index_dir: Path, script: str) -> None:
    from fake_llm import FakeLLMServer

    model = FakeLLMServer()
    try:
        with running_server(index_dir, "--llm", "openai", "--llm-base-url", model.base_url, "--llm-model",
                            script) as base:
            question = {"question": "What did Lovelace argue?", "generate": {"temperature": 0.0}}
            events = _events(request(base, "/api/ask/stream", question).body)
            too_many = request(base, "/api/ask", {**question, "generate": {"max_tokens": 100_000}})
            extractive = request(base, "/api/ask", {"question": "What did Lovelace argue?"}).json()
    finally:
        model.close()
    assert too_many.status == 422 and "max_tokens" in too_many.json()["error"]
    assert extractive["mode"] == "extractive"  # without `generate`, the model is not called
    kinds = [kind for kind, _ in events]
    if script == "error500":
        assert kinds[-1] == "error" and events[-1][1]["status"] == 502 and "crashed" in events[-1][1]["error"]
        return
    assert kinds[-1] == "answer" and kinds.count("answer") == 1 and "token" in kinds[:-1]
    answer = events[-1][1]
    assert answer["mode"] == "llm" and answer["citations"]
    assert "".join(data for kind, data in events if kind == "token") == answer["generation"]["raw"]
