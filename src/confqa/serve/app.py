"""The HTTP JSON API and the web page of `confqa serve`.

Every answer is the same JSON as `confqa ask --json` (exactly `Answer.model_dump()`), talks and passages the
same as `confqa talks --json` and `Assistant.retrieve`. The index is opened once and shared by all requests;
a rebuild that switches its generation is picked up for new requests (serve.current). Errors are JSON
`{"error": message, "status": code}` with the status that says what went wrong, never a traceback."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import threading
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, StreamingResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException

from confqa.errors import ConfqaError, ConfqaUsageError, IndexCorruptError, IndexNotFoundError
from confqa.models import Answer, Passage, Talk
from confqa.render import quote_display
from confqa.serve.current import CurrentIndex, Served
from confqa.serve.guards import BodyLimit, RateLimiter, SecurityHeaders, retry_after, token_matches
from confqa.settings import LLMSettings, Settings

STATIC = Path(__file__).resolve().parent / "static"
GENERATION_HEADER = "X-Confqa-Generation"
log = logging.getLogger("confqa.serve")


class Filters(BaseModel):
    """Which passages a question may be answered from (the same filters as `confqa ask`)."""

    model_config = ConfigDict(extra="forbid")

    doc: str | None = Field(None, max_length=500, description="Only this note (path relative to the corpus, or a "
                            "glob).")
    talk: str | None = Field(None, max_length=500, description="Only passages about this talk (title, part of it, "
                             "or id).")
    speaker: str | None = Field(None, max_length=200, description="Only passages about talks by this speaker.")
    year: int | None = Field(None, ge=1900, le=2200, description="Only notes about this conference year.")


class GenerateRequest(BaseModel):
    """Ask the server's language model (chosen when the server was started) to write the answer. A client may
    tune the call within the server's limits, never choose the model, its address or its key."""

    model_config = ConfigDict(extra="forbid")

    max_tokens: int | None = Field(None, ge=16, description="Most tokens to generate (at most serve.max_llm_tokens).")
    temperature: float | None = Field(None, ge=0.0, le=2.0)
    strict: bool | None = Field(None, description="Drop sentences the passages do not support.")


class AskRequest(Filters):
    question: str = Field(description="The question, in plain words.", examples=["what did Mitchell recommend"])
    top_k: int | None = Field(None, ge=1, le=100, description="Passages to retrieve (default: the server's setting).")
    generate: GenerateRequest | None = Field(None, description="Have the server's language model write the answer "
                                             "(checked sentence by sentence against the passages it cites).")


class RetrieveQuery(Filters):
    q: str = Field(description="The question.")
    k: int | None = Field(None, ge=1, le=100, description="How many passages (default: the server's top_k).")


class NoteLines(BaseModel):
    """One indexed note as the index holds it: `lines[i]` is line i + 1, the numbering citations use."""

    doc: str
    title: str
    year: int | None
    lines: list[str]


class DocumentSummary(BaseModel):
    doc: str
    title: str
    year: int | None
    chunks: int


class IndexSummary(BaseModel):
    index: str
    generation: str
    created: str
    confqa_version: str
    format_version: int
    embedding: str
    dense_index: str
    documents: list[DocumentSummary]
    chunks: int
    sentences: int
    talks: int
    skipped: dict[str, str]


class Span(BaseModel):
    text: str
    strong: bool
    em: bool
    code: bool


class DisplayedAnswer(BaseModel):
    """An answer and its quotes as they are shown: `citations[i]` and `passages[i]` are the lines of
    `answer.citations[i].quote` and `answer.passages[i].text`, each line a list of spans."""

    answer: Answer
    citations: list[list[list[Span]]]
    passages: list[list[list[Span]]]


class ErrorBody(BaseModel):
    error: str
    status: int


_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorBody, "description": what} for code, what in
    [(400, "Malformed request"), (401, "Missing or wrong access token"), (413, "Request body too large"),
     (422, "Invalid question or filters"), (429, "Too many requests: see Retry-After")]
}


def create_app(settings: Settings, index_dir: Path, current: CurrentIndex | None = None) -> FastAPI:
    """The application for one index. `current` defaults to following the index's current generation with
    assistants made from `settings`."""
    from confqa.api import Assistant

    current = current or CurrentIndex(
        index_dir, lambda: Assistant(str(index_dir), settings=settings, build_missing=False))
    serve = settings.serve
    token = os.environ.get(serve.token_env) or None
    limiter = RateLimiter(serve.rate_per_minute, serve.rate_burst)
    bearer = HTTPBearer(auto_error=False, description=f"The access token in {serve.token_env}, when it is set.")

    def guard(request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(bearer)) -> None:  # noqa: B008
        if token is not None and not token_matches(credentials.credentials if credentials else None, token):
            raise HTTPException(401, "a valid access token is required: send 'Authorization: Bearer <token>'",
                                headers={"WWW-Authenticate": "Bearer"})
        wait = limiter.take(request.client.host if request.client else "unknown")
        if wait > 0:
            raise HTTPException(429, f"too many requests from this client; try again in {retry_after(wait)} s",
                                headers={"Retry-After": retry_after(wait)})

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        import anyio.to_thread

        anyio.to_thread.current_default_thread_limiter().total_tokens = serve.threads or os.cpu_count() or 1
        yield

    app = FastAPI(title="confqa", summary="Questions about conference notes, answered with citations.",
                  version=_version(), docs_url=None, redoc_url=None, lifespan=lifespan)
    api = APIRouter(prefix="/api", dependencies=[Depends(guard)], responses=_ERRORS)

    def served() -> Served:
        return current.get()

    @api.post("/ask", response_model=Answer, summary="Answer a question",
              description="The same JSON as `confqa ask --json`. The generation of the index that answered is in "
              f"the {GENERATION_HEADER} header.")
    def ask(body: AskRequest) -> JSONResponse:
        index = served()
        answer = index.assistant.ask(**_ask_arguments(body, settings))
        return JSONResponse(answer.model_dump(mode="json"), headers={GENERATION_HEADER: index.generation})

    @api.post("/ask/display", response_model=DisplayedAnswer, summary="Answer a question, with quotes to display",
              description="The answer exactly as /api/ask gives it, plus each citation's and passage's quote as the "
              "terminal and the notebook show it (formulas in Unicode, table rows as 'Column: value', emphasis as "
              "marked spans of plain text). The web page uses this.")
    def ask_display(body: AskRequest) -> JSONResponse:
        index = served()
        answer = index.assistant.ask(**_ask_arguments(body, settings))
        shown = DisplayedAnswer(answer=answer, citations=[quote_display(c.quote, c.columns) for c in answer.citations],
                                passages=[quote_display(p.text) for p in answer.passages])
        return JSONResponse({**shown.model_dump(mode="json", exclude={"answer"}),
                             "answer": answer.model_dump(mode="json")}, headers={GENERATION_HEADER: index.generation})

    @api.post("/ask/stream", summary="Answer a question as server-sent events",
              description="Events: `token` (data: a JSON string, while a language model writes), then one `answer` "
              "(data: the Answer, as /api/ask) or one `error` (data: {error, status}).",
              response_class=StreamingResponse, responses={200: {"content": {"text/event-stream": {}}}})
    def ask_stream(body: AskRequest) -> StreamingResponse:
        index = served()
        arguments = _ask_arguments(body, settings)
        return StreamingResponse(_events(index, arguments), media_type="text/event-stream",
                                 headers={GENERATION_HEADER: index.generation, "X-Accel-Buffering": "no"})

    @api.get("/talks", response_model=list[Talk], summary="The talk catalogue")
    def talks() -> JSONResponse:
        index = served()
        return JSONResponse([t.model_dump(mode="json") for t in index.assistant.talks()],
                            headers={GENERATION_HEADER: index.generation})

    @api.get("/retrieve", response_model=list[Passage], summary="The best passages for a question")
    def retrieve(query: Annotated[RetrieveQuery, Query()]) -> JSONResponse:
        _check_question(query.q, settings)
        index = served()
        passages = index.assistant.retrieve(query.q, query.k, **query.model_dump(exclude={"q", "k"}))
        return JSONResponse([p.model_dump(mode="json") for p in passages],
                            headers={GENERATION_HEADER: index.generation})

    @api.get("/notes/{doc:path}", response_model=NoteLines, summary="One indexed note with its line numbers",
             responses={404: {"model": ErrorBody, "description": "No such note in the index"}})
    def note(doc: str) -> JSONResponse:
        index = served()
        return JSONResponse(_note(index, doc).model_dump(mode="json"), headers={GENERATION_HEADER: index.generation})

    @api.get("/index", response_model=IndexSummary, summary="What the index holds and how it was built")
    def index_summary() -> JSONResponse:
        index = served()
        return JSONResponse(_summary(index, index_dir).model_dump(mode="json"),
                            headers={GENERATION_HEADER: index.generation})

    app.include_router(api)

    @app.api_route("/healthz", methods=["GET", "HEAD"], summary="Liveness: the index is open", tags=["health"])
    def healthz() -> dict[str, str]:
        return {"status": "ok", "generation": served().generation}

    page = FileResponse(STATIC / "index.html", media_type="text/html")

    @app.api_route("/", methods=["GET", "HEAD"], include_in_schema=False)
    def home() -> FileResponse:
        return page

    @app.api_route("/talks", methods=["GET", "HEAD"], include_in_schema=False)
    def talks_page() -> FileResponse:
        return page

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> FileResponse:
        return FileResponse(STATIC / "favicon.svg", media_type="image/svg+xml")

    @app.get("/docs", include_in_schema=False)
    def docs() -> FileResponse:
        return FileResponse(STATIC / "docs.html", media_type="text/html")

    app.mount("/static/swagger", StaticFiles(directory=_swagger_assets()), name="swagger")
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    _install_error_handlers(app)
    app.add_middleware(BodyLimit, max_bytes=serve.max_body_bytes)  # type: ignore[arg-type]
    if serve.cors_origins:
        from fastapi.middleware.cors import CORSMiddleware

        app.add_middleware(CORSMiddleware, allow_origins=serve.cors_origins, allow_methods=["GET", "POST"],  # type: ignore[arg-type]
                           allow_headers=["Authorization", "Content-Type"], expose_headers=[GENERATION_HEADER])
    app.add_middleware(SecurityHeaders)  # type: ignore[arg-type]
    return app


def _version() -> str:
    from confqa.version import VERSION

    return VERSION


def _swagger_assets() -> Path:
    """Swagger UI's script and styles, from the fastapi-offline package (the page never reaches a CDN)."""
    import fastapi_offline

    return Path(fastapi_offline.__file__).resolve().parent / "static"


def _check_question(question: str, settings: Settings) -> None:
    if len(question) > settings.serve.max_question_chars:
        raise ConfqaUsageError(f"the question is {len(question)} characters long; this server takes at most "
                               f"{settings.serve.max_question_chars}")


def _ask_arguments(body: AskRequest, settings: Settings) -> dict[str, Any]:
    _check_question(body.question, settings)
    arguments: dict[str, Any] = {"question": body.question, "top_k": body.top_k,
                                 **body.model_dump(include={"doc", "talk", "speaker", "year"})}
    if body.generate is not None:
        arguments["llm"] = _llm_for(body.generate, settings)
    else:
        arguments["llm"] = settings.llm.model_copy(update={"backend": "none"})
    return arguments


def _llm_for(request: GenerateRequest, settings: Settings) -> LLMSettings:
    if not settings.serve.allow_llm:
        raise ConfqaUsageError("this server does not allow generated answers (serve.allow_llm is off)")
    if settings.llm.backend == "none":
        raise ConfqaUsageError("this server has no language model: start it with --llm openai|ollama|llama-cpp")
    if request.max_tokens is not None and request.max_tokens > settings.serve.max_llm_tokens:
        raise ConfqaUsageError(f"max_tokens may be at most {settings.serve.max_llm_tokens} on this server")
    given = request.model_dump(exclude_none=True)
    return settings.llm.model_copy(update=given)


async def _events(index: Served, arguments: dict[str, Any]) -> AsyncIterator[str]:
    """Server-sent events of one answer: tokens while a model writes, then the answer (or an error). The answer
    is worked out in its own thread; this generator relays what it produces without holding a worker thread
    while the model is slow."""
    loop = asyncio.get_running_loop()
    events: asyncio.Queue[tuple[str, str] | None] = asyncio.Queue()

    def put(item: tuple[str, str] | None) -> None:
        loop.call_soon_threadsafe(events.put_nowait, item)

    def work() -> None:
        try:
            answer = index.assistant.ask(**arguments, on_token=lambda t: put(("token", json.dumps(t))))
            put(("answer", json.dumps(answer.model_dump(mode="json"), ensure_ascii=False)))
        except Exception as exc:  # noqa: BLE001 - every failure becomes an error event, never a broken stream
            status, message = _status_of(exc)
            put(("error", json.dumps({"error": message, "status": status})))
        finally:
            put(None)

    threading.Thread(target=work, name="confqa-answer", daemon=True).start()
    while (item := await events.get()) is not None:
        event, data = item
        yield f"event: {event}\ndata: {data}\n\n"


def _note(index: Served, doc: str) -> NoteLines:
    """An indexed note, looked up by its name in the index; the file system is never read, so no path (`..`,
    absolute, encoded or through a symlink) can reach anything the index does not hold."""
    store = index.assistant.store
    record = store.manifest.documents.get(doc)
    lines = store.texts.get(doc)
    if record is None or lines is None:
        raise HTTPException(404, f"no note {doc!r} in this index")
    return NoteLines(doc=doc, title=record.title, year=record.year, lines=lines)


def _summary(index: Served, index_dir: Path) -> IndexSummary:
    manifest = index.assistant.store.manifest
    documents = [DocumentSummary(doc=doc, title=r.title, year=r.year, chunks=r.chunks)
                 for doc, r in sorted(manifest.documents.items())]
    return IndexSummary(index=index_dir.name, generation=index.generation, created=manifest.created,
                        confqa_version=manifest.confqa_version, format_version=manifest.format_version,
                        embedding=manifest.embedding.name, dense_index=manifest.dense_index, documents=documents,
                        chunks=manifest.chunks, sentences=manifest.sentences, talks=manifest.talks,
                        skipped=manifest.skipped)


def _status_of(exc: BaseException) -> tuple[int, str]:
    """The HTTP status and the one-line message of a failure."""
    from confqa.generation import LLMError
    from confqa.text.control import one_line

    if isinstance(exc, HTTPException):
        return exc.status_code, str(exc.detail)
    if isinstance(exc, ConfqaUsageError):
        return 422, one_line(str(exc))
    if isinstance(exc, (IndexNotFoundError, IndexCorruptError)):
        return 503, one_line(str(exc))
    if isinstance(exc, LLMError):
        return 502, one_line(str(exc))
    if isinstance(exc, ConfqaError):
        return 500, one_line(str(exc))
    log.error("request failed", exc_info=exc)
    return 500, "internal error (the server's log has the details)"


def _error(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": message, "status": status}, status_code=status, headers=headers)


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> JSONResponse:
        return _error(exc.status_code, str(exc.detail), exc.headers)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = exc.errors()
        first = errors[0] if errors else {"msg": "invalid request", "loc": ()}
        if first.get("type") == "json_invalid":
            return _error(400, "the request body is not valid JSON")
        if tuple(first.get("loc", ())) == ("body",):
            return _error(422, 'the request body must be a JSON object, such as {"question": "…"}')
        where = ".".join(str(p) for p in first.get("loc", ()) if p not in ("body", "query", "path"))
        message = f"{where}: {first['msg']}" if where else str(first["msg"])
        return _error(422, message + (f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""))

    @app.exception_handler(ConfqaError)
    async def confqa_error(request: Request, exc: ConfqaError) -> JSONResponse:
        return _error(*_status_of(exc))

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        return _error(*_status_of(exc))
