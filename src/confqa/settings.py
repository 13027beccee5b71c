"""The one settings model. Every field has a default; environment variables use the CONFQA_ prefix
(nested groups with a double underscore, e.g. CONFQA_RETRIEVAL__TOP_K=8)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from confqa.models import IndexParameters

EMBEDDING_MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
# The code that turns notes into chunks, sentences and talks: an index built by another version of it is rebuilt.
INDEX_SHAPING_MODULES = ("confqa.ingest", "confqa.talks", "confqa.lexical", "confqa.index.build",
                         "confqa.text")


class ChunkingSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    max_tokens: int = Field(
        200,
        ge=32,
        le=250,
        description="Most model tokens in one chunk's embedded text (context line included); "
        "MiniLM truncates at 256, so this keeps a margin for special tokens.",
    )
    overlap_tokens: int = Field(
        48,
        ge=0,
        le=128,
        description="A chunk starts with up to this many tokens of whole sentences from the end of the "
        "previous chunk in the same section, so a fact split at a boundary is still found.",
    )

    def fingerprint(self) -> str:
        """These settings plus the code that turns notes into chunks, sentences and talks: an index built by
        other settings or another version of that code is rebuilt rather than reused."""
        import importlib.util
        from pathlib import Path

        digest = hashlib.sha256(json.dumps(self.model_dump(), sort_keys=True).encode())
        for module in INDEX_SHAPING_MODULES:
            spec = importlib.util.find_spec(module)
            if spec is None or spec.origin is None:
                raise RuntimeError(f"INDEX_SHAPING_MODULES names {module}, which does not exist")
            # A package counts with every module in it.
            files = sorted(Path(spec.origin).parent.rglob("*.py")) if spec.submodule_search_locations else [
                Path(spec.origin)]
            for path in files:
                digest.update(path.read_bytes())
        return digest.hexdigest()[:16]


class IngestSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    max_note_bytes: int = Field(
        4 * 1024 * 1024,
        ge=1024,
        description="Notes larger than this many bytes are skipped with a warning naming this setting. A 4 MB note "
        "of prose is about 5,000 chunks and 40,000 sentences (benchmarks/huge_note.py), about half an hour of "
        "embedding on 2 cores at 26 texts/s; a real conference note is under 100 KB. Raise it to index bigger files.",
    )


class RoutingSettings(BaseModel):
    """How a question is matched to the talks it names (search.routing). Speaker matches score above title
    matches: a name says which talk is meant more surely than words shared with a title."""

    model_config = ConfigDict(extra="forbid")

    full_name: float = Field(1.2, ge=0.0, description="Match strength of a speaker's full name in the question.")
    surname: float = Field(1.0, ge=0.0, description="Match strength of a speaker's surname alone.")
    et_al: float = Field(0.8, ge=0.0, description="Match strength of the first author's surname of an 'X et al.' "
                         "speaker entry.")
    first_name_bonus: float = Field(0.2, ge=0.0, description="Added when the question also has the first name of "
                                    "a speaker whose talk is already matched.")
    speaker_and_title_bonus: float = Field(0.3, ge=0.0, description="Added when both a speaker and the title of "
                                           "the same talk match.")
    kind_bonus: float = Field(0.25, ge=0.0, description="Added to a title match when the question names the talk's "
                              "kind ('tutorial', 'keynote', 'panel').")
    short_name: float = Field(0.9, ge=0.0, le=1.0, description="Title match strength when the question uses the "
                              "talk's own short name (an alias or an acronym in its title: 'XAI').")
    title_min: float = Field(0.5, ge=0.0, le=1.0, description="Least share of a title's word weight (IDF among "
                             "the catalogue's titles) that the question must share for the talk to match.")
    title_single_word: float = Field(0.75, ge=0.0, le=1.0, description="Least share when only one title word "
                                     "matches.")
    tie_margin: float = Field(0.15, ge=0.0, description="Talks whose match is within this of the best are all "
                              "routed to.")
    disambiguation_margin: float = Field(0.05, ge=0.0, description="When one name matches several talks (two "
                                         "Zhangs), talks whose best passage is within this cosine of the best "
                                         "talk's stay.")
    talk_bm25_nudge: float = Field(0.3, ge=0.0, description="In the ranking of a named talk's passages, the weight "
                                   "of their BM25 score (scaled to the best BM25 score) added to their cosine.")
    score_boost_share: float = Field(0.5, ge=0.0, description="Under score fusion, the share of talk_weight × "
                                     "route strength added flat to every passage of a named talk.")


class RetrievalSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    top_k: int = Field(5, ge=1, le=100, description="Passages returned and used for the answer.")
    candidates: int = Field(50, ge=5, le=1000, description="Candidates taken from each retriever before fusion.")
    fusion: Literal["rrf", "score"] = Field(
        "score", description="How dense and BM25 rankings are merged: reciprocal rank fusion or min-max score fusion."
    )
    rrf_k: int = Field(60, ge=1, description="The k constant of reciprocal rank fusion.")
    dense_weight: float = Field(1.0, ge=0.0, description="Weight of the dense ranking in the fusion.")
    bm25_weight: float = Field(1.5, ge=0.0, description="Weight of the BM25 ranking in the fusion.")
    other_year_weight: float = Field(0.75, ge=0.0, le=1.0, description="When a question names a conference year "
                                     "(a preference, unlike the year filter), passages from notes about another "
                                     "year keep this share of their score.")
    other_note_weight: float = Field(0.75, ge=0.0, le=1.0, description="When a question names notes by their "
                                     "titles ('at ISRL 2024', 'the Thoughts on NeurIPS 2025 author'), passages from "
                                     "other notes keep this share of their score (a preference, unlike the note "
                                     "filter).")
    talk_weight: float = Field(
        1.5,
        ge=0.0,
        description="Weight of the talk ranking (passages attributed to a talk or speaker the question names).",
    )
    routing: RoutingSettings = Field(default_factory=RoutingSettings,
                                     description="How questions are matched to the talks they name.")


class AnswerSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    max_words: int = Field(120, ge=10, le=1000, description="Soft limit on the length of an extractive answer.")
    max_sentences: int = Field(5, ge=1, le=20, description="Most units (sentences, lead-ins with their payload, "
                               "table rows) in an extractive answer.")
    units_by_intent: dict[str, int] = Field(
        default_factory=lambda: {"who": 1, "when": 2, "where": 2, "quantity": 3, "definition": 2, "fact": 2,
                                 "explanation": 4, "comparison": 4, "list": 4, "talk": 5},
        description="Most units an answer of each intent needs: an answer stops when its intent is satisfied "
                    "rather than padding to max_words (intents in confqa.answer.intents).")
    named_sections_added: int = Field(2, ge=0, le=20, description="Passages of a talk the question names whose "
                                      "heading it names too, joined to the passages the answer is drawn from when "
                                      "retrieval ranked them lower (1, 2 and 4 gave the same answers on the dev "
                                      "split).")
    extreme_sections: int = Field(3, ge=0, le=20, description="A superlative ('which card got the most votes') is "
                                  "answered by the record with the extreme number among the rows and items of the "
                                  "sections of this many best-ranked units (confqa.answer.extremes).")
    side_passages_added: int = Field(2, ge=0, le=20, description="Passages that name a side of a comparison "
                                     "which no retrieved passage names ('compare exact flat search with IVF-PQ' and "
                                     "the row of the flat index), joined to the passages the answer is drawn from, "
                                     "at most this many per side (those that also name what is compared first).")
    other_talk_share: float = Field(0.7, ge=0.0, le=1.0, description="A further unit about another talk than the "
                                    "lead's (when the question names none) joins only if its fitted probability of "
                                    "stating a key fact is at least this share of the lead's. Chosen on the dev "
                                    "split among 0.3 (keep_ratio), 0.5 and 0.7 (again when the ranking was refitted "
                                    "with the focus features).")
    keep_ratio: float = Field(0.3, gt=0.0, le=1.0, description="A further unit joins the answer only if its "
                              "fitted probability of stating a key fact (confqa.answer.ranking) is at least this "
                              "share of the lead unit's.")
    payload_sentences: int = Field(8, ge=1, le=50, description="Most sentences or list items quoted with a lead-in "
                                   "(a label, a line ending in a colon) as its payload.")
    context_sentences: int = Field(2, ge=0, le=10, description="Most earlier sentences of the same paragraph "
                                   "quoted with a sentence that refers back to them ('This is called …').")
    year_sentences_read: int = Field(40, ge=1, le=1000, description="A question that names a conference year and "
                                     "asks for a number, date or place, answered from another year's note: this "
                                     "many sentences of that year's notes closest to the question are read for "
                                     "what it asks.")
    year_passages_added: int = Field(3, ge=1, le=20, description="Passages holding such sentences that are ranked "
                                     "for the answer in that case.")
    redundant_cosine: float = Field(0.86, ge=0.0, le=1.0, description="Two units whose first sentences are this "
                                    "similar say the same thing: the lower-scored one is left out.")
    max_quote_chars: int = Field(2400, ge=100, description="Longest verbatim quote of one citation.")
    weight_rank: float = Field(0.05, ge=0.0, description="Which talks were about a topic: a talk's score is its "
                               "passage's retrieval score plus this bonus divided by the passage's rank (1-based).")
    min_unit_words: int = Field(4, ge=1, le=20, description="A unit with fewer words than this is no answer "
                                "(a field a where- or when-question asks for, 'Location: Ljubljana', excepted).")
    min_new_words: int = Field(3, ge=0, le=20, description="A unit with fewer words than this beyond the talk's "
                               "names (and, for the says_nothing ranking feature, the question's words) says nothing "
                               "new: a byline answers only a who-question.")
    weight_talk_intent: float = Field(0.5, ge=0.0, le=1.0, description="For a question about a talk ('what did "
                                      "Mitchell recommend'): weight of the asking words against how central a "
                                      "sentence is to the talk.")
    talk_sentences_considered: int = Field(400, ge=10, description="For a question about a talk: units are built "
                                           "from this many of its sentences, the most relevant (ranked as above), "
                                           "so that a speaker with many talks in a large index costs no more than "
                                           "one; a talk in a conference note has far fewer.")
    kind_notes_score: float = Field(0.8, ge=0.0, le=1.0, description="'Which tutorials were at CELS?': the talks "
                                    "of the kind asked are listed from the notes whose best retrieved passage scores "
                                    "at least this share of the top passage's score.")
    catalogue_overlap: float = Field(0.5, ge=0.0, le=1.0, description="A who-question is answered from the talk "
                                     "catalogue when at least this share of its topic words are in a talk's title; one naming "
                                     "only a kind of talk ('the lightning talk on lyrics alignment') by the one talk "
                                     "of that kind retrieved, when at least this share of its other words are in "
                                     "the talk's title, lines or notes' title.")
    lead_share: float = Field(0.65, ge=0.0, le=1.0, description="The answer opens with the chosen unit whose first "
                              "sentence has the most of the question's topic words, when its ranking score is at "
                              "least this share of the best unit's (chosen on the dev split of every corpus among "
                              "0, 0.3, 0.5, 0.65, 0.8 and 1, which keeps the best-ranked unit first).")
    lead_sentence_margin: float = Field(1.3, ge=1.0, description="A later sentence of the lead unit opens the "
                                        "answer only when the fitted ranking scores it at least this many times "
                                        "the unit's first sentence: the sentences share the unit's cosine, so small "
                                        "differences are noise (\"Thanks to Erik for the dashboards\" opening a "
                                        "why-answer). Chosen on the dev split of every corpus among 1, 1.1, 1.2, "
                                        "1.3, 1.5 and 2 (1.5 and up lose first sentences).")
    declined_confidence: float = Field(0.02, ge=0.0, le=1.0, description="The confidence of an answer a check "
                                       "declines (answer/unanswered.py): the share of such answers that were right, "
                                       "measured on the dev split of every corpus with abstention off (1 of 46).")
    topic_words_held: float = Field(0.5, ge=0.0, le=1.0, description="'What did Zhou say about 2-bit quantization': "
                                    "the answer is declined unless more than this share of the topic's words "
                                    "(each written word, a hyphenated one whole) are in the passages of the "
                                    "speaker's talks.")
    abstain_below: float | None = Field(
        None, ge=0.0, le=1.0,
        description="Answers whose confidence is below this abstain; unset, the threshold fitted on the dev split "
                    "with the confidence coefficients (confqa/answer/confidence.json).",
    )


LLMBackend = Literal["none", "openai", "ollama", "llama-cpp"]


class LLMSettings(BaseModel):
    """Optional generative answers. Off by default; nothing here ever points at a remote service unless the user
    gives its address."""

    model_config = ConfigDict(extra="forbid")

    backend: LLMBackend = Field(
        "none",
        description="none (extractive answers), openai (any OpenAI-compatible server: llama.cpp server, vLLM, "
        "LM Studio, …; needs base_url), ollama, or llama-cpp (a local GGUF file in this process).",
    )
    model: str | None = Field(
        None, description="Model name for openai/ollama; the path of a .gguf file for llama-cpp.")
    base_url: str | None = Field(
        None, description="Server address, e.g. http://127.0.0.1:8080/v1 (openai) or http://127.0.0.1:11434 "
        "(ollama, the default for it).")
    api_key_env: str = Field(
        "CONFQA_LLM_API_KEY",
        description="Name of the environment variable holding the API key (the key itself is never a setting).")
    timeout: float = Field(60.0, gt=0, le=3600, description="Seconds to wait for the model's whole answer.")
    max_tokens: int = Field(320, ge=16, le=8192, description="Most tokens the model may generate.")
    temperature: float = Field(0.0, ge=0.0, le=2.0)
    context_window: int = Field(4096, ge=512, description="Context size for llama-cpp (prompt + answer).")
    strict: bool = Field(False, description="Drop sentences the passages do not support instead of flagging them.")
    fallback: bool = Field(
        False, description="When the model fails (timeout, HTTP error, bad reply), answer extractively with a "
        "warning instead of failing.")
    min_support: float = Field(
        0.6, ge=0.0, le=1.0,
        description="Share of a sentence's content words (idf-weighted) that its cited passages must contain; "
        "sentences close in meaning (cosine ≥ 0.6) need half of it.")


class ServeSettings(BaseModel):
    """`confqa serve`: where it listens and the limits it holds every client to."""

    model_config = ConfigDict(extra="forbid")

    host: str = Field("127.0.0.1", description="Address to listen on. Any address other than loopback needs an "
                      "access token in the variable named by token_env, or the server refuses to start.")
    port: int = Field(8000, ge=0, le=65535, description="Port to listen on (0: any free port, printed at start).")
    token_env: str = Field(
        "CONFQA_SERVE_TOKEN", description="Name of the environment variable holding the access token; when it is "
        "set, every /api/ request needs 'Authorization: Bearer <token>' (the token itself is never a setting).")
    max_body_bytes: int = Field(16_384, ge=1024, le=10_000_000,
                                description="Largest request body accepted; a larger one is answered 413.")
    max_question_chars: int = Field(2000, ge=10, le=100_000,
                                    description="Longest question accepted; a longer one is answered 422.")
    rate_per_minute: float = Field(
        240.0, ge=0.0, description="Requests per minute one client (by address) may make to /api/ on average; more "
        "are answered 429 with Retry-After. 0 turns the limit off.")
    rate_burst: int = Field(40, ge=1, description="Requests one client may make at once before the per-minute "
                            "rate applies (the size of its token bucket).")
    cors_origins: list[str] = Field(
        default_factory=list, description="Origins allowed to call the API from a browser (CORS); none by default.")
    allow_llm: bool = Field(
        True, description="Whether a request may ask for the answer to be generated by the language model that the "
        "server was started with (llm settings); clients can never choose the model, its address or its key.")
    max_llm_tokens: int = Field(1024, ge=16, le=8192,
                                description="Most tokens a request may ask a generated answer to use.")
    threads: int | None = Field(
        None, ge=1, le=256, description="Requests answered at once (default: one per CPU core; an extractive answer "
        "is CPU-bound, and on 2 cores 2 threads served 1.4x the requests per second of 8). Raise it when the server "
        "generates answers with a language model: a request waiting for the model holds its thread.")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="CONFQA_", env_nested_delimiter="__", extra="forbid", validate_default=True
    )

    corpus_dir: Path = Field(Path("corpus"), description="Folder of notes that the default index is built from.")
    index_root: Path = Field(Path("indexes"), description="Folder holding named indexes.")
    index: str = Field("default", description="Index name (a folder under index_root) or a path to an index folder.")
    embedding_batch_size: int = Field(
        16, ge=1, le=1024, description="Texts embedded per model call (16 was fastest on 2 CPU cores).")
    ingest: IngestSettings = Field(default_factory=IngestSettings)
    chunking: ChunkingSettings = Field(default_factory=ChunkingSettings)
    index_parameters: IndexParameters = Field(
        default_factory=IndexParameters, description="How the dense and lexical indexes are built and searched "
        "(recorded in the manifest; a change rebuilds the index).")
    retrieval: RetrievalSettings = Field(default_factory=RetrievalSettings)
    answer: AnswerSettings = Field(default_factory=AnswerSettings)
    llm: LLMSettings = Field(default_factory=LLMSettings)
    serve: ServeSettings = Field(default_factory=ServeSettings)
    # Scaling out (see README, "Scaling"): where chunk vectors and BM25 live, and how a Milvus is reached.
    backend: Literal["faiss", "milvus"] = Field(
        "faiss", description="Index backend: faiss (plain files under indexes/) or milvus (a Milvus collection; "
        "needs the confqa[milvus] extra).")
    milvus_uri: str = Field(
        "", description="Milvus to use with backend=milvus: a local file path ending in .db runs Milvus Lite in the "
        "process; http://host:19530 reaches a Milvus standalone server or cluster.")
    milvus_token_env: str = Field(
        "MILVUS_TOKEN", description="Name of the environment variable holding the Milvus token (user:password or "
        "an API key); the token itself is never a setting, so `confqa settings` never shows it.")


# Variables with the CONFQA_ prefix that confqa reads but that are not settings.
OTHER_VARIABLES = {
    "CONFQA_DEBUG": "show tracebacks instead of one-line errors",
}


def load_settings(**overrides: object) -> Settings:
    """The effective settings: defaults, then CONFQA_* variables, then the given overrides (None means unset).
    A malformed value is one ConfqaUsageError naming the variable, never a pydantic traceback."""
    from pydantic import ValidationError
    from pydantic_settings import SettingsError

    from confqa.errors import ConfqaUsageError

    try:
        settings = Settings()
        given = {k: v for k, v in overrides.items() if v is not None}
        return Settings.model_validate({**settings.model_dump(), **given}) if given else settings
    except ValidationError as exc:
        error = exc.errors()[0]
        where = "CONFQA_" + "__".join(str(p).upper() for p in error["loc"])
        raise ConfqaUsageError(f"bad setting {where}: {error['msg']}") from None
    except SettingsError as exc:
        # pydantic-settings parses a nested group (CONFQA_RETRIEVAL='{...}') as JSON.
        import re

        match = re.search(r'field "([^"]+)"', str(exc))
        group = match.group(1) if match else ""
        where = "CONFQA_" + (group.upper() or "…")
        annotation = Settings.model_fields[group].annotation if group in Settings.model_fields else None
        example = next(iter(annotation.model_fields), "field") if isinstance(annotation, type) and issubclass(
            annotation, BaseModel) else "field"
        cause = f" ({exc.__cause__})" if exc.__cause__ else ""
        raise ConfqaUsageError(f"bad setting {where}: a settings group must be a JSON object such as "
                               f"'{{\"{example}\": …}}', or set one field with {where}__{example.upper()}=value"
                               f"{cause}") from None


def known_variables(settings: Settings | None = None) -> set[str]:
    """Every CONFQA_* name that means something: each setting (a group as a whole and each of its fields), the
    variables in OTHER_VARIABLES, and the variables that the settings name as holding a secret."""
    names = set(OTHER_VARIABLES)
    for name, info in Settings.model_fields.items():
        names.add(f"CONFQA_{name.upper()}")
        group = info.annotation
        if isinstance(group, type) and issubclass(group, BaseModel):
            names.update(f"CONFQA_{name.upper()}__{inner.upper()}" for inner in group.model_fields)
    defaults = settings or Settings.model_construct(llm=LLMSettings(), serve=ServeSettings())
    names.update({defaults.llm.api_key_env.upper(), defaults.milvus_token_env.upper(),
                  defaults.serve.token_env.upper()})
    return names


def unknown_variables(environ: dict[str, str] | None = None, settings: Settings | None = None) -> list[str]:
    """One warning per CONFQA_* variable that no setting reads (a misspelt name is otherwise silently ignored),
    with the closest known name."""
    import difflib
    import os

    environ = dict(os.environ) if environ is None else environ
    known = known_variables(settings)
    warnings = []
    for name in sorted(environ):
        upper = name.upper()
        if not upper.startswith("CONFQA_") or upper in known:
            continue
        close = difflib.get_close_matches(upper, sorted(known), n=1, cutoff=0.75)
        hint = f"; did you mean {close[0]}?" if close else "; `confqa settings` lists them"
        warnings.append(f"{name} is not a confqa setting and is ignored{hint}")
    return warnings
