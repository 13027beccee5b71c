"""The `confqa` command: a thin layer over confqa.api. Data goes to stdout, progress and diagnostics to
stderr. Exit codes: 0 success, 1 a failure the user can fix, 2 a usage error. CONFQA_DEBUG=1 shows tracebacks."""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Callable, Iterator
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from confqa.errors import ConfqaError
from confqa.text.control import one_line

if TYPE_CHECKING:
    from confqa.models import IndexReport, Talk

F = TypeVar("F", bound=Callable[..., Any])


def _fail(message: str, code: int) -> None:
    click.echo(f"confqa: error: {one_line(message)}", err=True)
    sys.exit(code)


def _warn(message: str) -> None:
    """A diagnostic on stderr, on one line: file names and note text may hold newlines and escape sequences."""
    click.echo(f"confqa: warning: {one_line(message)}", err=True)


def handle_errors(function: F) -> F:
    @wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except ConfqaError as exc:
            if os.environ.get("CONFQA_DEBUG"):
                raise
            _fail(str(exc), exc.exit_code)
        except KeyboardInterrupt:
            _fail("interrupted", 130)
        except BrokenPipeError:
            # The reader went away (confqa ask - | head): not an error of ours.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            sys.exit(0)
        except (OSError, MemoryError) as exc:
            if os.environ.get("CONFQA_DEBUG"):
                raise
            _fail(f"{type(exc).__name__}: {exc}", 1)

    return wrapper  # type: ignore[return-value]


def _settings(**overrides: Any) -> Any:
    from confqa.settings import load_settings

    return load_settings(**overrides)


def _progress_reporter() -> tuple[Callable[[str, int, int], None], Callable[[], None]]:
    """A progress bar on stderr (plain lines when stderr is not a terminal)."""
    if not sys.stderr.isatty():  # rich is imported only for terminals: it costs start-up time
        last: dict[str, int] = {}

        def plain(stage: str, done: int, total: int) -> None:
            step = max(1, total // 4)
            if done == total or done - last.get(stage, 0) >= step:
                last[stage] = done
                click.echo(f"confqa: {stage} {done}/{total}", err=True)

        return plain, lambda: None
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    console = Console(stderr=True)
    progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                        console=console, transient=True)
    tasks: dict[str, Any] = {}
    progress.start()

    def update(stage: str, done: int, total: int) -> None:
        if stage not in tasks:
            tasks[stage] = progress.add_task(stage, total=total)
        progress.update(tasks[stage], completed=done, total=total)

    return update, progress.stop


@contextlib.contextmanager
def _progress() -> Iterator[Callable[[str, int, int], None]]:
    update, stop = _progress_reporter()
    try:
        yield update
    finally:
        stop()


def _open(index: str | None, settings: Any = None, **overrides: Any) -> Any:
    """The assistant with its index open (built first if needed, with progress on stderr)."""
    from confqa.api import Assistant
    from confqa.index.storage import current_generation

    with _progress() as update:
        assistant = Assistant(index, settings=settings or _settings(**overrides), progress=update)
        if current_generation(assistant.index_dir) is None and assistant._build_missing:
            click.echo(one_line(f"confqa: no index yet; building {assistant.index_dir} from {assistant.corpus}/ …"),
                       err=True)
        assistant.store  # noqa: B018 - opening is the point
    for notice in assistant._notices:
        _warn(notice)
    return assistant


index_option = click.option(
    "--index", "index", envvar="CONFQA_INDEX", default=None, metavar="NAME_OR_DIR",
    help="Index name under indexes/ or a folder path (default: default, built from corpus/).",
)
_JSON_OUT: list[Any] = []


@contextlib.contextmanager
def json_stdout() -> Iterator[None]:
    """While a command whose stdout is JSON runs, whatever else writes to stdout (a dependency's print, from
    Python or from C) goes to stderr; only `emit_json` reaches the real stdout, so `confqa … --json | jq` works."""
    stream = sys.stdout
    try:
        fd: int | None = stream.fileno()
        err_fd: int | None = sys.stderr.fileno()
    except (AttributeError, OSError, ValueError):  # not a real file (click's test runner)
        fd = err_fd = None
    saved = None
    out: Any = stream
    if fd is not None and err_fd is not None:
        stream.flush()
        saved = os.dup(fd)
        os.dup2(err_fd, fd)
        out = os.fdopen(os.dup(saved), "w", encoding="utf-8", errors="surrogateescape")
    sys.stdout = sys.stderr
    _JSON_OUT.append(out)
    try:
        yield
    finally:
        _JSON_OUT.pop()
        sys.stdout = stream
        if saved is not None and fd is not None:
            sys.stderr.flush()
            out.close()
            os.dup2(saved, fd)
            os.close(saved)


def emit_json(text: str) -> None:
    """One JSON document (or JSON line) to the real stdout."""
    out = _JSON_OUT[-1] if _JSON_OUT else sys.stdout
    out.write(text + "\n")
    out.flush()


def json_option(function: F) -> F:
    """--json, with stdout guarded while the command runs (json_stdout)."""
    @wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not kwargs.get("as_json") and not kwargs.get("question") == "-":
            return function(*args, **kwargs)
        with json_stdout():
            return function(*args, **kwargs)

    return click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")(wrapper)  # type: ignore[return-value]


def llm_options(function: F) -> F:
    """The options that choose and tune a language model; unset ones come from the settings (CONFQA_LLM__*)."""
    options = [
        click.option("--llm", "llm_backend", type=click.Choice(["none", "openai", "ollama", "llama-cpp"]),
                     default=None, help="Let a language model write the answer from the passages (default: none, "
                     "extractive). openai = any OpenAI-compatible server (llama.cpp server, vLLM, LM Studio)."),
        click.option("--llm-model", default=None, metavar="NAME_OR_GGUF",
                     help="Model name on the server, or a .gguf file for llama-cpp."),
        click.option("--llm-base-url", default=None, metavar="URL",
                     help="Server address, e.g. http://127.0.0.1:8080/v1 (openai) or http://127.0.0.1:11434 (ollama)."),
        click.option("--llm-api-key-env", default=None, metavar="VAR",
                     help="Environment variable that holds the API key (default CONFQA_LLM_API_KEY)."),
        click.option("--llm-timeout", type=click.FloatRange(min=0.1, max=3600), default=None,
                     help="Seconds to wait for the whole answer (default 60)."),
        click.option("--strict", is_flag=True, default=None,
                     help="Drop generated sentences that their citations do not back, instead of marking them."),
        click.option("--llm-fallback", is_flag=True, default=None,
                     help="If the model fails (timeout, HTTP error, bad reply), answer extractively with a warning."),
    ]
    for option in reversed(options):
        function = option(function)
    return function


def _llm_settings(settings: Any, llm_backend: str | None, llm_model: str | None, llm_base_url: str | None,
                  llm_api_key_env: str | None, llm_timeout: float | None, strict: bool | None,
                  llm_fallback: bool | None) -> Any:
    given = {"backend": llm_backend, "model": llm_model, "base_url": llm_base_url, "api_key_env": llm_api_key_env,
             "timeout": llm_timeout, "strict": strict, "fallback": llm_fallback}
    return settings.llm.model_copy(update={k: v for k, v in given.items() if v is not None})


def backend_options(function: F) -> F:
    """--backend and --milvus-uri (README, "Scaling"); unset, the settings (CONFQA_BACKEND, ...) decide."""
    function = click.option(
        "--milvus-uri", default=None, metavar="FILE.db|URL",
        help="With --backend milvus: a .db file (Milvus Lite, in process) or http://host:19530 (token from the "
        "variable named by CONFQA_MILVUS_TOKEN_ENV, default MILVUS_TOKEN). Env: CONFQA_MILVUS_URI.")(function)
    return click.option(  # type: ignore[no-any-return]
        "--backend", type=click.Choice(["faiss", "milvus"]), default=None,
        help="Where vectors and BM25 live: faiss (files under indexes/, default) or milvus. Env: CONFQA_BACKEND.",
    )(function)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="confqa")
def main() -> None:
    """Answer questions about conference notes, citing the talk, section and lines.

    \b
    Examples:
      confqa ask "what did Mitchell recommend"
      confqa ask "who presented the XAI tutorial" --json
      confqa index corpus/ --index mynotes
      confqa talks
    """
    from confqa.settings import load_settings, unknown_variables

    try:
        settings = load_settings()
    except ConfqaError:
        settings = None  # the command itself reports a malformed setting
    for warning in unknown_variables(settings=settings):
        _warn(warning)


@main.command()
@click.argument("question")
@index_option
@click.option("--top-k", "-k", type=click.IntRange(1, 100), default=None, help="Passages to retrieve (default 5).")
@click.option("--doc", default=None, help="Only this note (path relative to the corpus, or a glob).")
@click.option("--talk", default=None, help="Only passages about this talk (title, part of it, or id).")
@click.option("--speaker", default=None, help="Only passages about talks by this speaker.")
@click.option("--year", type=int, default=None, help="Only notes about this conference year.")
@llm_options
@click.option("--stream/--no-stream", default=None,
              help="Show a generated answer as it is written (default: when stdout is a terminal).")
@backend_options
@json_option
@handle_errors
def ask(question: str, index: str | None, top_k: int | None, doc: str | None, talk: str | None,
        speaker: str | None, year: int | None, stream: bool | None, as_json: bool, backend: str | None = None,
        milvus_uri: str | None = None, **llm: Any) -> None:
    """Answer QUESTION from the notes; QUESTION '-' answers one question per line of stdin as JSON Lines.

    \b
    Examples:
      confqa ask "what did Mitchell recommend"
      confqa ask "what did the imitation learning tutorial cover" --year 2025 --json
      printf 'who presented the XAI tutorial\\nwhat is DAgger\\n' | confqa ask -
      confqa ask "what did Mitchell recommend" --llm ollama --llm-model qwen2.5:3b
      confqa ask "what is DAgger" --llm openai --llm-base-url http://127.0.0.1:8080/v1 --llm-model local --strict
    """
    from confqa.api import clean_question

    settings = _settings(backend=backend, milvus_uri=milvus_uri)
    llm_settings = _llm_settings(settings, **llm)
    filters: dict[str, Any] = {"doc": doc, "talk": talk, "speaker": speaker, "year": year, "llm": llm_settings}
    if question == "-":
        _ask_batch(_open(index, settings), top_k, filters)
        return
    clean_question(question)  # an empty or invisible question is a usage error before any index is opened
    assistant = _open(index, settings)
    if stream is None:
        stream = sys.stdout.isatty() and not as_json
    if llm_settings.backend != "none" and stream:
        with _token_stream() as on_token:
            answer = assistant.ask(question, top_k=top_k, on_token=on_token, **filters)
    else:
        answer = assistant.ask(question, top_k=top_k, **filters)
    if as_json:
        emit_json(json.dumps(answer.model_dump(mode="json"), ensure_ascii=False, indent=2))
    else:
        _print_answer(answer, assistant._notices)


def _ask_batch(assistant: Any, top_k: int | None, filters: dict[str, Any]) -> None:
    """One JSON line out for every line in, blank and undecodable lines included: a line that cannot be answered
    gets an error object, and the batch goes on. Lines are read as bytes and decoded with replacement, so bytes
    that are not UTF-8 never stop it."""
    from confqa.errors import ConfqaUsageError, UnknownFilterError

    for number, raw in enumerate(sys.stdin.buffer, start=1):
        text = raw.decode("utf-8", "replace").rstrip("\r\n")
        try:
            answer = assistant.ask(text, top_k=top_k, **filters)
            record = answer.model_dump(mode="json")
        except UnknownFilterError:
            raise  # the options are wrong for every line: stop, exit 2
        except ConfqaUsageError as exc:
            record = {"question": one_line(text), "line": number, "error": str(exc)}
        emit_json(json.dumps(record, ensure_ascii=False))


@contextlib.contextmanager
def _token_stream() -> Iterator[Callable[[str], None]]:
    """Where a generated answer appears while it is written. On a terminal it is shown live and then replaced by
    the checked answer; otherwise the raw tokens go to stderr, so stdout only ever carries the checked answer."""
    if not sys.stdout.isatty():
        def to_stderr(token: str) -> None:
            sys.stderr.write(token)
            sys.stderr.flush()

        try:
            yield to_stderr
        finally:
            sys.stderr.write("\n")
        return
    from rich.console import Console
    from rich.live import Live
    from rich.text import Text

    from confqa.render import safe

    written = Text(style="dim")
    with Live(written, console=Console(), transient=True, refresh_per_second=12) as live:
        def show(token: str) -> None:
            written.append(safe(token))
            live.update(written)

        yield show


def _print_answer(answer: Any, shown: list[str] | None = None) -> None:
    """The answer on stdout, from the one renderer: rich on a terminal, plain text in a pipe. Its notices go to
    stderr, except those already shown (the index's staleness, which opening the index reported)."""
    from confqa.render import answer_to_rich, answer_to_text

    fresh = [n for n in answer.notices if n not in (shown or [])]
    if sys.stdout.isatty():
        from rich.console import Console

        console = Console(highlight=False)
        for renderable in answer_to_rich(answer):
            console.print(renderable)
    else:
        click.echo(answer_to_text(answer, notices=False))
    for notice in fresh:
        _warn(notice)


@main.command()
# readable=False: confqa reports an unreadable note itself, as a failure to fix (exit 1), not a usage error.
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path, readable=False))
@index_option
@click.option("--rebuild", is_flag=True, help="Re-embed everything instead of updating.")
@backend_options
@click.option("--ray", "ray_address", is_flag=False, flag_value="local", default=None, metavar="[ADDRESS]",
              help="Embed with Ray Data: a local Ray started here (--ray), or a cluster (--ray=ray://host:10001 or "
              "--ray=auto). Needs confqa[ray].")
@json_option
@handle_errors
def index(paths: tuple[Path, ...], index: str | None, rebuild: bool, as_json: bool, backend: str | None = None,
          milvus_uri: str | None = None, ray_address: str | None = None) -> None:
    """Build or update an index from folders or files of notes (default: corpus/).

    Unchanged notes are not re-embedded; the new index replaces the old one atomically.

    \b
    Examples:
      confqa index
      confqa index ~/notes/icml-2025 --index icml
    """
    from confqa.api import Assistant

    settings = _settings(backend=backend, milvus_uri=milvus_uri)
    embedder = None
    if ray_address is not None:
        from confqa.distributed import RayEmbedder

        embedder = RayEmbedder(ray_address, batch_size=settings.embedding_batch_size)
    with _progress() as update:
        assistant = Assistant(index, settings=settings, progress=update, embedder=embedder)
        report = assistant.index(list(paths) or None, rebuild=rebuild)
    sync = assistant.last_sync
    for doc, reason in sorted(report.skipped.items()):
        _warn(f"skipped {doc}: {reason}")
    for doc, notices in sorted(report.notices.items()):
        for notice in notices:
            _warn(f"{doc}: {notice}")
    if as_json:
        payload = report.model_dump(mode="json")
        if sync is not None:
            payload["milvus"] = {"collection": sync.collection, "full": sync.full, "upserted": sync.upserted,
                                 "upserted_docs": sync.upserted_docs, "deleted_docs": sync.deleted_docs}
        emit_json(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    _report_notes_without_talks(report)
    moved = report.added or report.changed or report.removed
    state = ("rebuilt" if rebuild else "updated") if report.rebuilt else "unchanged"
    if report.rebuilt and not moved:
        state += ", no note changed"
    click.echo(one_line(
        f"{report.index}: {state} — {report.documents} notes, {report.chunks} chunks, {report.talks} talks; "
        f"embedded {report.embedded_texts} texts ({report.embedded_chunks} chunks and their sentences), "
        f"reused {report.reused_chunks} chunks; {report.seconds:.1f} s"
    ))
    for label, items in (("added", report.added), ("changed", report.changed), ("removed", report.removed)):
        if items:
            click.echo(f"  {label}: {one_line(', '.join(items))}")
    if report.skipped:
        click.echo(f"  skipped: {len(report.skipped)} file(s) (see warnings)")
    if sync is not None:
        how = "new collection, alias switched" if sync.full else (
            f"upserted {sync.upserted} chunks of {len(sync.upserted_docs)} notes, deleted {len(sync.deleted_docs)}")
        click.echo(f"  milvus: {sync.collection} ({how}); {sync.seconds:.1f} s")


def found_by(talk: Talk) -> str:
    """Which rules found a talk, and where: 'table (notes.md:21), link (talk.md)'."""
    where: dict[str, list[str]] = {}
    for mention in talk.mentions:
        place = mention.doc if mention.how in ("link", "catalogue") else f"{mention.doc}:{mention.line}"
        where.setdefault(mention.how, []).append(place)
    return ", ".join(f"{how} ({', '.join(places[:3])}{', …' if len(places) > 3 else ''})"
                     for how, places in where.items())


# Notes without a talk listed one by one on stderr before they are summed up.
MAX_LISTED_NOTES = 20


def _report_notes_without_talks(report: IndexReport) -> None:
    """'0 talks in notes/x.md: add it to corpus/talks.yaml if it describes one', on stderr."""
    catalogue = report.catalogue_file or "talks.yaml beside your notes"
    for doc in report.without_talks[:MAX_LISTED_NOTES]:
        click.echo(one_line(f"0 talks in {doc}: add it to {catalogue} if it describes one"), err=True)
    if len(report.without_talks) > MAX_LISTED_NOTES:
        click.echo(f"… and {len(report.without_talks) - MAX_LISTED_NOTES} more notes without a talk", err=True)


@main.command()
@index_option
@json_option
@handle_errors
def talks(index: str | None, as_json: bool) -> None:
    """List the talks, tutorials, panels and papers that the notes discuss."""
    assistant = _open(index)
    catalogue = assistant.talks()
    if as_json:
        emit_json(json.dumps([t.model_dump(mode="json") for t in catalogue], ensure_ascii=False, indent=2))
        return
    titles = {talk.id: talk.title for talk in catalogue}
    for talk in catalogue:
        speakers = ", ".join(talk.speakers) or "—"
        click.echo(one_line(talk.title))
        click.echo("    " + one_line(f"{talk.kind} · {speakers} · {', '.join(talk.docs)} · {talk.chunks} passages"))
        if talk.part_of in titles:
            click.echo("    " + one_line(f"part of: {titles[talk.part_of]}"))
        click.echo("    " + one_line(f"found by: {found_by(talk)}"))


@main.command()
@index_option
@click.option("--host", default=None, metavar="ADDRESS",
              help="Address to listen on (default 127.0.0.1; any other needs CONFQA_SERVE_TOKEN). Env: CONFQA_SERVE__HOST.")
@click.option("--port", type=click.IntRange(0, 65535), default=None,
              help="Port (default 8000; 0 picks a free one and prints it). Env: CONFQA_SERVE__PORT.")
@click.option("--access-log/--no-access-log", default=True, help="Log each request on stderr (default: on).")
@llm_options
@backend_options
@handle_errors
def serve(index: str | None, host: str | None, port: int | None, access_log: bool, backend: str | None = None,
          milvus_uri: str | None = None, **llm: Any) -> None:
    """Serve the notes over HTTP: a web page at / and a JSON API at /api (docs at /docs).

    \b
    Examples:
      confqa serve                                   # http://127.0.0.1:8000/
      curl -s localhost:8000/api/ask -H 'Content-Type: application/json' \\
           -d '{"question": "what did Mitchell recommend"}'
      CONFQA_SERVE_TOKEN=$(python -c 'import secrets; print(secrets.token_urlsafe())') confqa serve --host 0.0.0.0
    """
    try:
        import fastapi  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError as exc:
        from confqa.errors import MissingExtraError

        raise MissingExtraError("confqa serve", "serve", exc.name or "fastapi") from None
    from confqa.serve import serve as run_server

    settings = _settings(backend=backend, milvus_uri=milvus_uri)
    settings = settings.model_copy(update={
        "llm": _llm_settings(settings, **llm),
        "serve": settings.serve.model_copy(update={k: v for k, v in {"host": host, "port": port}.items()
                                                   if v is not None}),
    })
    assistant = _open(index, settings)  # the default index is built first when it is missing, as for ask
    run_server(settings, assistant.index_dir, lambda line: click.echo(one_line(f"confqa: {line}"), err=True),
               access_log=access_log)


@main.command(name="eval")
@click.argument("evalset", required=False, type=click.Path(path_type=Path, readable=False),
                default=Path("evals/questions.jsonl"))
@index_option
@click.option("--split", type=click.Choice(["test", "dev", "all"]), default="test", show_default=True,
              help="Which part of the evaluation set to run (tune on dev, report test).")
@click.option("--baselines", default="bm25,dense,llama-index", show_default=True,
              help="Comma-separated baselines to measure in the same run ('' for none).")
@click.option("--report", "report_dir", type=click.Path(path_type=Path), default=None,
              help="Write report.md, results.json and PNG plots into this folder.")
@llm_options
@backend_options
@json_option
@handle_errors
def evaluate(evalset: Path, index: str | None, split: str, baselines: str, report_dir: Path | None, as_json: bool,
             backend: str | None = None, milvus_uri: str | None = None, **llm: Any) -> None:
    """Evaluate retrieval, answers, abstention and calibration on EVALSET, with baselines and 95% intervals.

    \b
    Examples:
      confqa eval                                # the test split of evals/questions.jsonl
      confqa eval --split dev --baselines ''     # quick check while tuning
      confqa eval --report evals/report          # report.md, results.json, plots
      confqa eval --llm openai --llm-base-url http://127.0.0.1:8080/v1 --llm-model local --baselines ''
    """
    from confqa.evaluation import check_corpus, load_evalset, run_evaluation, write_report

    questions = load_evalset(evalset)
    if split != "all":
        questions = [q for q in questions if q.split == split]
        if not questions:
            raise ConfqaError(f"{evalset} has no questions in the {split} split; try --split all")
    settings = _settings(backend=backend, milvus_uri=milvus_uri)
    llm_settings = _llm_settings(settings, **llm)
    assistant = _open(index, settings)
    corpus_dir = Path(assistant.store.manifest.corpus_dirs[0])
    check_corpus(evalset, questions, corpus_dir)
    with _progress() as update:
        results = run_evaluation(assistant, questions, corpus_dir,
                                 baselines=[b.strip() for b in baselines.split(",") if b.strip()], progress=update,
                                 llm=llm_settings if llm_settings.backend != "none" else None)
    results["evalset"] = str(evalset)
    results["split"] = split
    if report_dir is not None:
        for path in write_report(results, report_dir, f"confqa evaluation — {evalset} ({split} split)"):
            click.echo(one_line(f"confqa: wrote {path}"), err=True)
    if as_json:
        emit_json(json.dumps(results, ensure_ascii=False, indent=1, default=str))
        return
    _print_eval_table(results)


def _print_eval_table(results: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    from confqa.evaluation import TABLE_METRICS, _fmt

    console = Console(highlight=False)
    systems = list(results["systems"])
    table = Table(title=f"{results['questions']} questions ({results['split']} split), mean [95% CI]")
    table.add_column("metric")
    for system in systems:
        table.add_column(system)
    for metric in TABLE_METRICS:
        cells = [_fmt(results["systems"][s].get(metric)) for s in systems]
        if any(c != "—" for c in cells):
            table.add_row(metric, *cells)
    console.print(table)
    tests = Table(title="confqa minus baseline (paired bootstrap)")
    for column in ("baseline", "metric", "difference [95% CI]", "p"):
        tests.add_column(column)
    for name, metrics in results["paired_tests"].items():
        for metric, test in metrics.items():
            tests.add_row(name, metric, f"{test['diff']:+.3f} [{test['low']:+.3f}, {test['high']:+.3f}]", f"{test['p']:.3f}")
    if results["paired_tests"]:
        console.print(tests)
    if results.get("llm"):
        from confqa.evaluation import llm_report_lines

        for line in llm_report_lines(results["llm"]):
            console.print(line, markup=False)
    if results["failures"]:
        console.print("Worst questions:")
        for failure in results["failures"][:5]:
            console.print(f"  {failure['id']}: {failure['question']} -> {', '.join(failure['retrieved'][:3])}")


@main.command(name="settings")
@json_option
@handle_errors
def show_settings(as_json: bool) -> None:
    """Show the effective settings (defaults, overridden by CONFQA_* environment variables)."""
    values = _settings().model_dump(mode="json")
    if as_json:
        emit_json(json.dumps(values, indent=2))
        return

    def walk(prefix: str, value: Any) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(f"{prefix}__{key}" if prefix else key, inner)
        else:
            click.echo(f"CONFQA_{prefix.upper()}={value}")

    walk("", values)


if __name__ == "__main__":  # pragma: no cover
    main()
