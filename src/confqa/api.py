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

from confqa.answer.extractive import compose, passages_from, topic_terms_of
from confqa.answer.intents import classify
from confqa.errors import ConfqaUsageError, IndexCorruptError, IndexNotFoundError
from confqa.layout import current_generation, recorded_sources, refresh_command, resolve_index_dir
from confqa.models import Answer, IndexReport, PassageList, TalkList
from confqa.retrieval import Filters, TalkRoute, prefer_years, resolve_filters, retrieve, route_talks
from confqa.settings import LLMSettings, Settings, load_settings
from confqa.store import IndexStore, open_index
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
        self._query_embedder: Any = None
        self._progress = progress
        self._store: IndexStore | None = None
        self._lock = threading.Lock()
        self._notices: list[str] = []
        self._llms: dict[str, Any] = {}
        self._local_model_lock = threading.Lock()
        self._searcher: Any = None  # the milvus backend's MilvusSearcher, when settings.backend == "milvus"
        self.last_sync: Any = None  # the milvus backend's SyncReport of the last index() call

    # -- lifecycle ----------------------------------------------------------------------------------
    @property
    def store(self) -> IndexStore:
        with self._lock:
            if self._store is None:
                if current_generation(self.index_dir) is None:
                    if not self._build_missing:
                        raise IndexNotFoundError(
                            f"no index at {self.index_dir}; build it with: confqa index PATH --index "
                            f"{shlex.quote(str(self.index_dir))}"
                        )
                    self._build(rebuild=False)
                store = open_index(self.index_dir)
                self._searcher = self._open_backend(store)
                self._store = store
                self._notices = self._staleness(self._store)
            return self._store

    def _embedder_instance(self) -> Any:
        """The model for building: sentence-transformers (torch)."""
        if self._embedder is None:
            from confqa.embedding import default_embedder

            self._embedder = default_embedder()
        return self._embedder

    def _query_embedder_instance(self) -> Any:
        """The model for questions: the index's ONNX export through onnxruntime (no torch, a fraction of the
        start-up time), checked against the manifest first; else, for an index without an export,
        sentence-transformers, after checking that it is the model the index was built with."""
        with self._lock:
            if self._query_embedder is not None:
                return self._query_embedder
        if self._embedder is not None:
            self._query_embedder = self._embedder
            return self._embedder
        from confqa.embedding import OnnxEmbedder

        store = self.store
        sha = store.manifest.embedding.weights_sha256
        model = store.model_source()  # a damaged export raises IndexCorruptError: never a silent fallback
        if model is not None:
            embedder: Any = OnnxEmbedder(Path(model), sha)
        else:
            embedder = self._embedder_instance()
            if embedder.weights_sha256() != sha or embedder.dimension != store.manifest.embedding.dimension:
                raise IndexCorruptError(
                    f"{store.generation / 'manifest.json'} says the index was built with another embedding model "
                    f"({store.manifest.embedding.name}, weights {sha[:12]}…); rebuild with: {store.fix_command}"
                )
        with self._lock:
            self._query_embedder = embedder
        return embedder

    def _build(self, rebuild: bool, paths: list[Path] | None = None) -> IndexReport:
        from confqa.indexing import build_index

        if self.settings.backend == "milvus":
            from confqa.milvus_backend import connect

            connect(self.settings)  # a missing extra or a bad --milvus-uri fails before any work
        report = build_index(
            paths or self._sources(), self.index_dir, self.settings, self._embedder_instance, rebuild=rebuild,
            progress=self._progress,
        )
        if self.settings.backend == "milvus":
            from confqa.milvus_backend import sync

            self.last_sync = sync(self.index_dir, open_index(self.index_dir), self.settings, rebuild=rebuild)
        return report

    def _sources(self) -> list[Path]:
        """What an update without paths is built from: the corpus this Assistant was given, else the notes the
        index was built from (so `confqa index --index I` never swaps a user's notes for ./corpus), else the
        settings' corpus folder."""
        if self._explicit_corpus:
            return [self.corpus]
        return recorded_sources(self.index_dir) or [self.corpus]

    def _open_backend(self, store: IndexStore) -> Any:
        """The milvus backend's searcher (its collection synced first if the local index is newer), or None."""
        if self.settings.backend != "milvus":
            return None
        from confqa.milvus_backend import MilvusSearcher, read_state, sync

        state = read_state(self.index_dir)
        if state is None or state.generation != store.generation.name:
            if not self._build_missing and state is None:
                return MilvusSearcher(self.index_dir, store, self.settings)  # raises: the index is not in Milvus
            sync(self.index_dir, store, self.settings)
        return MilvusSearcher(self.index_dir, store, self.settings)

    def _retrieve(self, question: str, vector: np.ndarray, k: int, mask: np.ndarray | None, route: TalkRoute,
                  filters: Filters) -> list[Any]:
        store = self.store
        years = classify(question).years if filters.year is None else ()
        wanted = 2 * k if years else k  # candidates for the year preference to reorder
        if self._searcher is not None:
            hits = self._searcher.retrieve(question, vector, store, self.settings.retrieval, wanted, mask, route,
                                           filters)
        else:
            hits = retrieve(question, vector, store, self.settings.retrieval, wanted, mask, route)
        return prefer_years(hits, store, years, self.settings.retrieval.other_year_weight, k)

    def index(self, paths: list[str | Path] | None = None, rebuild: bool = False) -> IndexReport:
        """Build or update this assistant's index from paths (default: its corpus folder)."""
        report = self._build(rebuild, [Path(p) for p in paths] if paths else None)
        with self._lock:
            self._store = None
        return report

    def reload(self) -> None:
        """Pick up an index that another process rebuilt."""
        with self._lock:
            self._store = None

    def _staleness(self, store: IndexStore) -> list[str]:
        """Compare the notes on disk with the hashes in the manifest."""
        changed: list[str] = []
        known = store.manifest.documents
        for folder in store.manifest.corpus_dirs:
            root = Path(folder)
            if not root.is_dir():
                continue
            from confqa.ingest.loading import discover

            for path in discover(root):
                rel = path.relative_to(root.resolve()).as_posix()
                if rel in store.manifest.skipped:
                    continue
                try:
                    digest = hashlib.sha256(path.read_bytes()).hexdigest()
                except OSError:
                    continue
                if rel not in known or known[rel].sha256 != digest:
                    changed.append(rel)
            present = {p.relative_to(root.resolve()).as_posix() for p in discover(root)}
            changed.extend(d for d in known if d not in present)
        if not changed:
            return []
        shown = ", ".join(sorted(changed)[:3]) + (" …" if len(changed) > 3 else "")
        return [
            f"the index is stale: {len(changed)} note(s) changed since it was built ({shown}); "
            f"refresh it with: {refresh_command(self.index_dir)}"
        ]

    # -- questions ----------------------------------------------------------------------------------
    def _embed_query(self, question: str) -> np.ndarray:
        vector = self._query_embedder_instance().encode([question])[0]
        return np.asarray(vector, dtype=np.float32)

    def _prepare(self, question: str, filters: Filters) -> tuple[str, list[str], np.ndarray, np.ndarray | None, TalkRoute]:
        question, notices = clean_question(question)
        store = self.store
        mask = resolve_filters(filters, store)
        vector = self._embed_query(question)
        route = route_talks(question, store)
        route = _disambiguate(route, vector, store, mask)
        if route.by_speaker:
            # A question that names a speaker is answered from that speaker's talks only.
            about = store.talk_mask(route.talk_ids)
            if about.any():
                mask = about if mask is None else (mask & about)
        return question, notices + list(self._notices), vector, mask, route

    def retrieve(self, question: str, k: int | None = None, *, doc: str | None = None, talk: str | None = None,
                 speaker: str | None = None, year: int | None = None) -> PassageList:
        """The k best passages for a question, best first."""
        filters = Filters(doc=doc, talk=talk, speaker=speaker, year=year)
        question, _, vector, mask, route = self._prepare(question, filters)
        k = _check_k(k if k is not None else self.settings.retrieval.top_k)
        hits = self._retrieve(question, vector, k, mask, route, filters)
        return PassageList(passages_from(hits, self.store, route))

    def ask(self, question: str, *, top_k: int | None = None, doc: str | None = None, talk: str | None = None,
            speaker: str | None = None, year: int | None = None, llm: LLMSettings | str | None = None,
            on_token: Callable[[str], None] | None = None) -> Answer:
        """A short answer with [n] citations, or an abstention when the notes do not cover it.

        The answer is extractive unless an LLM is chosen, here (`llm="ollama"`, or an LLMSettings) or in the
        settings; a generated answer is checked sentence by sentence against the passages it cites, and
        on_token receives its text as it streams."""
        llm_settings = self._llm_settings(llm)
        filters = Filters(doc=doc, talk=talk, speaker=speaker, year=year)
        question, notices, vector, mask, route = self._prepare(question, filters)
        k = _check_k(top_k if top_k is not None else self.settings.retrieval.top_k)
        hits = self._retrieve(question, vector, k, mask, route, filters)
        intent = None
        if route.talk_ids and (route.by_speaker or not topic_terms_of(question, route)):
            # The question without the talk's or speaker's name: what is asked about them. A name alone makes
            # every passage about that speaker look similar to the question.
            intent_text = _without_words(question, _asked_away(route, self.store))
            intent = self._embed_query(intent_text) if intent_text.strip() else None
        answer = compose(question, vector, hits, self.store, self.settings.answer, route, notices, intent, mask)
        if llm_settings.backend == "none":
            return answer
        from confqa.generation import generate_answer

        llm_client = self._llm_instance(llm_settings)
        # A llama.cpp model in this process holds one context: two threads must not generate at once.
        guard = self._local_model_lock if llm_settings.backend == "llama-cpp" else contextlib.nullcontext()
        with guard:
            return generate_answer(question, hits, self.store, answer, llm_settings, llm_client, self._embed_many,
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


def _without_words(question: str, remove: set[str]) -> str:
    kept = [w for w in re.findall(r"[\w’'-]+|[^\w\s]", question)
            if re.sub(r"[’'].*$", "", w.lower()) not in remove]
    return " ".join(kept)


def _asked_away(route: TalkRoute, store: IndexStore) -> set[str]:
    """The words to take out of a question to keep what it asks about a talk: a speaker's name when the question
    names one ("what did Zhou recommend for speculative decoding" keeps "speculative decoding"), else every word
    that matched the talk."""
    if not route.by_speaker:
        return route.matched_words
    names = {w.lower() for t in route.talk_ids for s in store.talks_by_id[t].speakers
             for w in re.findall(r"[\w’'-]+", s)}
    return {w for w in route.matched_words if w in names} or route.matched_words


def _check_k(k: int) -> int:
    if not isinstance(k, int) or k < 1 or k > 100:
        raise ConfqaUsageError(f"top_k must be between 1 and 100, got {k!r}")
    return k


def _disambiguate(route: TalkRoute, vector: np.ndarray, store: IndexStore, mask: np.ndarray | None) -> TalkRoute:
    """'Zhang' names two people here. Keep the talk whose passages match the question best, so that an answer
    about one Zhang is never drawn from the other."""
    if len(route.talk_ids) < 2:
        return route
    best: dict[str, float] = {}
    for talk_id in route.talk_ids:
        members = store.chunks_of_talks([talk_id])
        if mask is not None:
            members = members[mask[members]]
        if len(members):
            best[talk_id] = float(np.max(store.chunk_vectors[members] @ vector))
    if not best:
        return route
    top = max(best.values())
    keep = [t for t in route.talk_ids if best.get(t, -1.0) >= top - 0.05]
    return TalkRoute(talk_ids=keep, strength=route.strength, by_speaker=route.by_speaker,
                     matched_words=route.matched_words)
