"""The one-object API: open an index, ask, retrieve, list talks. The CLI is a thin layer over this.

Thread safety: an Assistant may be shared between threads. The index is read-only once opened, opening it is
guarded by a lock, and model calls are serialised inside the embedder; answers are identical to those of
sequential calls."""

from __future__ import annotations

import contextlib
import hashlib
import re
import shlex
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from confqa.answer.extractive import compose, passages_from
from confqa.errors import ConfqaUsageError, IndexCorruptError, IndexNotFoundError
from confqa.index.storage import current_generation, recorded_sources, refresh_command, resolve_index_dir
from confqa.index.store import IndexStore, open_index
from confqa.models import Answer, IndexReport, PassageList, TalkList
from confqa.search import Filters, HybridSearch, Query, open_backend
from confqa.settings import LLMSettings, Settings, load_settings
from confqa.text.control import INVISIBLE, strip_control

MAX_QUESTION_CHARS = 2000


def clean_question(question: str) -> tuple[str, list[str]]:
    """Validate a question: bytes that were not UTF-8 shown as U+FFFD, terminal escape sequences removed whole
    (a question pasted with its colour codes), control and invisible characters removed, whitespace collapsed,
    very long ones shortened. A question with nothing visible left is a usage error."""
    if not isinstance(question, str):
        raise ConfqaUsageError("the question must be text")
    notices = []
    decoded = _undo_surrogates(question)
    if decoded != question:
        notices.append("bytes that are not UTF-8 in the question were replaced with U+FFFD")
    cleaned = INVISIBLE.sub("", strip_control(decoded, " "))
    if cleaned != decoded:
        notices.append("control characters were removed from the question")
    cleaned = re.sub(r"\s+", " ", cleaned).strip()
    if not cleaned:
        raise ConfqaUsageError("the question is empty")
    if len(cleaned) > MAX_QUESTION_CHARS:
        notices.append(f"the question is {len(cleaned)} characters long; only the first {MAX_QUESTION_CHARS} were used")
        cleaned = cleaned[:MAX_QUESTION_CHARS].rsplit(" ", 1)[0]
    return cleaned, notices


def _undo_surrogates(text: str) -> str:
    """Python hands undecodable argv bytes over as lone surrogates (PEP 383); they cannot be encoded, embedded or
    printed. Turn them back into bytes and decode those with replacement."""
    if not _SURROGATE.search(text):
        return text
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    except UnicodeEncodeError:  # surrogates that are not escaped bytes (from Python code, say)
        return _SURROGATE.sub("\ufffd", text)


_SURROGATE = re.compile("[\ud800-\udfff]")


class QuestionModel:
    """The model that embeds questions, loaded once: the index's ONNX export through onnxruntime (no torch, a
    fraction of the start-up time), checked against the manifest first; else, for an index without an export,
    sentence-transformers, after checking that it is the model the index was built with; or the embedder an
    Assistant was given. The Assistant and its search share it, and it refers to neither (no reference cycle
    keeps a dropped Assistant alive)."""

    def __init__(self, given: Any = None) -> None:
        self._given = given
        self._model: Any = None
        self._lock = threading.Lock()

    def load(self, store: IndexStore) -> Any:
        with self._lock:
            if self._model is None:
                self._model = self._given if self._given is not None else _question_model_of(store)
            return self._model

    def encoder(self, store: IndexStore) -> Callable[[str], np.ndarray]:
        """A function from a question to its vector, with this model, for this index."""
        def encode(question: str) -> np.ndarray:
            return np.asarray(self.load(store).encode([question])[0], dtype=np.float32)

        return encode


def _question_model_of(store: IndexStore) -> Any:
    from confqa.embedding import OnnxEmbedder, default_embedder

    sha = store.manifest.embedding.weights_sha256
    model = store.model_source()  # a damaged export raises IndexCorruptError: never a silent fallback
    if model is not None:
        return OnnxEmbedder(Path(model), sha)
    embedder = default_embedder()
    if embedder.weights_sha256() != sha or embedder.dimension != store.manifest.embedding.dimension:
        raise IndexCorruptError(
            f"{store.generation / 'manifest.json'} says the index was built with another embedding model "
            f"({store.manifest.embedding.name}, weights {sha[:12]}…); rebuild with: {store.fix_command}"
        )
    return embedder


class Assistant:
    """Answers questions from one index.

    >>> assistant = Assistant()                     # indexes/default, built from ./corpus if missing
    >>> assistant.ask("what did Mitchell recommend", year=2025)
    <Answer [3 citations, confidence 0.93]>
    """

    def __init__(
        self,
        index: str | Path | None = None,
        *,
        settings: Settings | None = None,
        corpus: str | Path | None = None,
        build_missing: bool | None = None,
        embedder: Any = None,
        progress: Callable[[str, int, int], None] | None = None,
    ) -> None:
        self.settings = settings or load_settings()
        self._explicit_index = index is not None
        self.index_dir = resolve_index_dir(str(index if index is not None else self.settings.index),
                                           self.settings.index_root)
        self.corpus = Path(corpus) if corpus is not None else self.settings.corpus_dir
        self._explicit_corpus = corpus is not None
        # Only the default index builds itself: a named index that does not exist is a typo, not a wish.
        self._build_missing = (not self._explicit_index or corpus is not None) if build_missing is None else build_missing
        self._embedder = embedder
        self._question_model = QuestionModel(embedder)
        self._progress = progress
        self._store: IndexStore | None = None
        self._search: HybridSearch | None = None
        self._lock = threading.Lock()
        self._notices: list[str] = []
        self._llms: dict[str, Any] = {}
        self._local_model_lock = threading.Lock()
        self.last_sync: Any = None  # what the last index() call wrote to the search backend (index.mirror), if any

    # -- lifecycle ----------------------------------------------------------------------------------
    @property
    def store(self) -> IndexStore:
        return self._opened()[0]

    @property
    def search(self) -> HybridSearch:
        """The search stage over the opened index, through the backend the settings choose."""
        return self._opened()[1]

    def _opened(self) -> tuple[IndexStore, HybridSearch]:
        with self._lock:
            if self._store is None or self._search is None:
                if current_generation(self.index_dir) is None:
                    if not self._build_missing:
                        raise IndexNotFoundError(
                            f"no index at {self.index_dir}; build it with: confqa index PATH --index "
                            f"{shlex.quote(str(self.index_dir))}"
                        )
                    self._build(rebuild=False)
                store = open_index(self.index_dir)
                backend = open_backend(self.index_dir, store, self.settings, sync_missing=self._build_missing)
                self._search = HybridSearch(store, backend, self.settings.retrieval,
                                            self._question_model.encoder(store))
                self._store = store
                self._notices = self._staleness(self._store)
            return self._store, self._search

    def _embedder_instance(self) -> Any:
        """The model for building: sentence-transformers (torch)."""
        if self._embedder is None:
            from confqa.embedding import default_embedder

            self._embedder = default_embedder()
        return self._embedder

    def _query_embedder_instance(self) -> Any:
        return self._question_model.load(self.store)

    def _build(self, rebuild: bool, paths: list[Path] | None = None) -> IndexReport:
        from confqa.index.build import build_index
        from confqa.index.mirror import check_target, mirror

        check_target(self.settings)
        report = build_index(
            paths or self._sources(), self.index_dir, self.settings, self._embedder_instance, rebuild=rebuild,
            progress=self._progress,
        )
        self.last_sync = mirror(self.index_dir, self.settings, rebuild)
        return report

    def _sources(self) -> list[Path]:
        """What an update without paths is built from: the corpus this Assistant was given, else the notes the
        index was built from (so `confqa index --index I` never swaps a user's notes for ./corpus), else the
        settings' corpus folder."""
        if self._explicit_corpus:
            return [self.corpus]
        return recorded_sources(self.index_dir) or [self.corpus]

    def index(self, paths: list[str | Path] | None = None, rebuild: bool = False) -> IndexReport:
        """Build or update this assistant's index from paths (default: its corpus folder)."""
        report = self._build(rebuild, [Path(p) for p in paths] if paths else None)
        with self._lock:
            self._store = self._search = None
        return report

    def reload(self) -> None:
        """Pick up an index that another process rebuilt."""
        with self._lock:
            self._store = self._search = None

    def _staleness(self, store: IndexStore) -> list[str]:
        """Compare the notes on disk with the manifest: a note whose size and modification time are as recorded
        is unchanged (as git decides); any other is hashed and compared."""
        from confqa.ingest.loading import discover

        changed: list[str] = []
        known = store.manifest.documents
        for folder in store.manifest.corpus_dirs:
            root = Path(folder)
            if not root.is_dir():
                continue
            resolved = root.resolve()
            present = set()
            for path in discover(root):
                rel = path.relative_to(resolved).as_posix()
                present.add(rel)
                if rel in store.manifest.skipped:
                    continue
                record = known.get(rel)
                if record is None:
                    changed.append(rel)
                    continue
                try:
                    status = path.stat()
                    if record.size == status.st_size and record.mtime_ns == status.st_mtime_ns:
                        continue
                    digest = hashlib.sha256(path.read_bytes()).hexdigest()
                except OSError:
                    continue
                if record.sha256 != digest:
                    changed.append(rel)
            changed.extend(d for d in known if d not in present)
        if not changed:
            return []
        shown = ", ".join(sorted(changed)[:3]) + (" …" if len(changed) > 3 else "")
        return [
            f"the index is stale: {len(changed)} note(s) changed since it was built ({shown}); "
            f"refresh it with: {refresh_command(self.index_dir)}"
        ]

    # -- questions ----------------------------------------------------------------------------------
    def _query(self, question: str, filters: Filters) -> Query:
        question, notices = clean_question(question)
        search = self.search
        return search.query(question, filters, tuple(notices + self._notices))

    def retrieve(self, question: str, k: int | None = None, *, doc: str | None = None, talk: str | None = None,
                 speaker: str | None = None, year: int | None = None) -> PassageList:
        """The k best passages for a question, best first."""
        query = self._query(question, Filters(doc=doc, talk=talk, speaker=speaker, year=year))
        hits = self.search.retrieve(query, _check_k(k if k is not None else self.settings.retrieval.top_k))
        return PassageList(passages_from(hits, self.store, query.route))

    def ask(self, question: str, *, top_k: int | None = None, doc: str | None = None, talk: str | None = None,
            speaker: str | None = None, year: int | None = None, llm: LLMSettings | str | None = None,
            on_token: Callable[[str], None] | None = None) -> Answer:
        """A short answer with [n] citations, or an abstention when the notes do not cover it.

        The answer is extractive unless an LLM is chosen, here (`llm="ollama"`, or an LLMSettings) or in the
        settings; a generated answer is checked sentence by sentence against the passages it cites, and
        on_token receives its text as it streams."""
        llm_settings = self._llm_settings(llm)
        query = self._query(question, Filters(doc=doc, talk=talk, speaker=speaker, year=year))
        hits = self.search.retrieve(query, _check_k(top_k if top_k is not None else self.settings.retrieval.top_k))
        answer = compose(query, hits, self.store, self.settings.answer)
        if llm_settings.backend == "none":
            return answer
        from confqa.generation import generate_answer

        llm_client = self._llm_instance(llm_settings)
        # A llama.cpp model in this process holds one context: two threads must not generate at once.
        guard = self._local_model_lock if llm_settings.backend == "llama-cpp" else contextlib.nullcontext()
        with guard:
            return generate_answer(query.text, hits, self.store, answer, llm_settings, llm_client, self._embed_many,
                                   on_token)

    def _llm_settings(self, llm: LLMSettings | str | None) -> LLMSettings:
        if llm is None:
            return self.settings.llm
        if isinstance(llm, LLMSettings):
            return llm
        if isinstance(llm, str):
            return self.settings.llm.model_copy(update={"backend": llm})
        raise ConfqaUsageError(f"llm must be a backend name or LLMSettings, not {type(llm).__name__}")

    def _llm_instance(self, settings: LLMSettings) -> Any:
        """The model client, made once per configuration: loading a local model takes seconds."""
        key = settings.model_dump_json(include={"backend", "model", "base_url", "api_key_env", "timeout",
                                                "max_tokens", "temperature", "context_window"})
        with self._lock:
            if key in self._llms:
                return self._llms[key]
        from confqa.generation import make_llm

        llm = make_llm(settings)
        with self._lock:
            return self._llms.setdefault(key, llm)

    def _embed_many(self, texts: list[str]) -> np.ndarray:
        return np.asarray(self._query_embedder_instance().encode(texts), dtype=np.float32)

    def warm(self) -> str:
        """Open the index and load the question model now, so that the first question is as fast as the rest (a
        server calls this before it takes requests). Returns the name of the generation that was opened."""
        store = self.store
        self._query_embedder_instance()
        return store.generation.name

    def talks(self) -> TalkList:
        """The talk catalogue of the index."""
        return TalkList(self.store.talks)

    def __repr__(self) -> str:
        return f"<Assistant index={str(self.index_dir)!r}>"


def _check_k(k: int) -> int:
    if not isinstance(k, int) or k < 1 or k > 100:
        raise ConfqaUsageError(f"top_k must be between 1 and 100, got {k!r}")
    return k
