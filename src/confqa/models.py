"""The pydantic types that confqa reads, writes and returns. The CLI's --json output is exactly
`model_dump(mode="json")` of these."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

INDEX_FORMAT_VERSION = 5  # 2: sentences embedded with their innermost heading (ingest.chunking.sentence_embedding_text);
# 3: records read by byte offset, per-chunk columns (note, year, sentence range), talk → chunk tables;
# 4: talks as records by offset, with their ids and routing postings;
# 5: each sentence's talks as a table (sentence_talk_offsets.npy, sentence_talks.npy, sentence_shared_rows.npy),
# and talk_names.json (titles, aliases, speakers) for --talk and --speaker


class Document(BaseModel):
    """One note as loaded: metadata from its front matter, body lines repaired and cleaned."""

    model_config = ConfigDict(extra="forbid")

    doc: str = Field(description="Path relative to the corpus root, with forward slashes.")
    title: str
    date: str | None = None
    year: int | None = Field(None, description="The conference year the note is about.")
    authors: list[str] = Field(default_factory=list)
    speakers: list[str] = Field(default_factory=list, description="speaker(s) or presenter(s) of the front matter: "
                                "the note is about one talk by them.")
    slug: str | None = None
    tags: list[str] = Field(default_factory=list)
    sha256: str = Field(description="Hash of the file's bytes.")
    body_start: int = Field(1, description="First line (1-based) after the front matter.")
    lines: list[str] = Field(
        default_factory=list,
        description="Every line of the file, repaired (mojibake) and with kramdown markers removed; "
        "front matter lines are kept so that line numbers match the file.",
        exclude=True,
    )
    notices: list[str] = Field(default_factory=list, description="What the loader repaired or tolerated.")


class Chunk(BaseModel):
    """A passage of one note: contiguous lines under one heading path."""

    model_config = ConfigDict(extra="forbid")

    id: str
    doc: str
    title: str
    section: str = Field(description="Heading path joined with ' › '; empty before the first heading.")
    line_start: int
    line_end: int
    text: str = Field(description="The cleaned lines line_start..line_end joined by newlines.")
    year: int | None = None
    talk_ids: list[str] = Field(default_factory=list)
    context: str = Field("", description="Extra context embedded with the text (table header of a split table).")


class Sentence(BaseModel):
    """A sentence-like unit of a chunk (a sentence, a list item, a table row) that answers can quote."""

    model_config = ConfigDict(extra="forbid")

    chunk: int = Field(description="Position of the chunk in the index's chunk list.")
    text: str = Field(description="Verbatim text of the cleaned note.")
    line_start: int
    line_end: int
    talk_ids: list[str] = Field(default_factory=list, description="Talks the sentence's lines are about.")
    kind: str = Field("sentence", description="sentence, item (opens a list item), row (table row) or label "
                      "(a bold lead line, quoted only together with the list it introduces).")
    depth: int = Field(0, description="Indentation of the list item the sentence belongs to.")


class TalkMention(BaseModel):
    model_config = ConfigDict(extra="forbid")

    doc: str
    line: int
    how: str = Field(description="What found it: table, heading, presenters, parenthesis, inline, catalogue.")


class Talk(BaseModel):
    """A talk, tutorial, panel, workshop, oral, expo session or paper that the notes discuss."""

    model_config = ConfigDict(extra="forbid")

    id: str
    title: str
    kind: str = Field(description="invited talk, tutorial, panel, workshop, oral, expo, paper, lightning talk, "
                                  "demo, session or talk.")
    speakers: list[str] = Field(default_factory=list)
    aliases: list[str] = Field(default_factory=list)
    docs: list[str] = Field(default_factory=list, description="Notes that mention it.")
    mentions: list[TalkMention] = Field(default_factory=list)
    chunks: int = Field(0, description="Number of indexed passages attributed to it.")
    part_of: str | None = Field(None, description="The id of the session, tutorial or workshop it is part of.")

    def __str__(self) -> str:
        who = f" — {', '.join(self.speakers)}" if self.speakers else ""
        return f"{self.title} ({self.kind}){who}"

    def _repr_html_(self) -> str:
        from confqa.render import talks_to_html

        return talks_to_html([self])


class Passage(BaseModel):
    """A retrieved chunk with the talk it is about."""

    doc: str
    title: str
    section: str
    talk: str | None
    speakers: list[str]
    text: str
    line_start: int
    line_end: int
    score: float
    chunk_id: str = ""
    talks: list[str] = Field(default_factory=list, description="Titles of every talk the passage is attributed to.")

    def _repr_html_(self) -> str:
        from confqa.render import passages_to_html

        return passages_to_html([self])


class TalkList(list[Talk]):
    """The talk catalogue (a list), shown as a table in notebooks."""

    def _repr_html_(self) -> str:
        from confqa.render import talks_to_html

        return talks_to_html(self)

    def __str__(self) -> str:
        from confqa.render import talk_to_text

        return "\n".join(talk_to_text(t) for t in self)


class PassageList(list[Passage]):
    """Retrieved passages (a list, best first), shown with their headings and text in notebooks."""

    def _repr_html_(self) -> str:
        from confqa.render import passages_to_html

        return passages_to_html(self)

    def __str__(self) -> str:
        from confqa.render import passages_to_text

        return passages_to_text(self)


class Citation(BaseModel):
    """The source of one [n] marker: a verbatim quote and where it is."""

    n: int
    doc: str
    title: str
    section: str
    talk: str | None
    speakers: list[str]
    quote: str
    line_start: int
    line_end: int
    score: float
    part_of: str | None = Field(None, description="The title of the session, tutorial or workshop the talk is "
                                "part of.")
    columns: list[str] = Field(default_factory=list, description="The column names of the table, when the quote is "
                               "a table row (renderers show it as 'Column: value' pairs).")


class UnsupportedSentence(BaseModel):
    """A sentence of a generated answer that its citations do not back."""

    text: str = Field(description="The sentence as the model wrote it, citations included.")
    cited: list[int] = Field(default_factory=list, description="The passage numbers it cited.")
    reason: str = Field(description="no citation, cites a passage that does not exist, or not supported.")
    support: float = Field(0.0, description="Best idf-weighted share of its content words found in a cited passage.")
    dropped: bool = Field(False, description="True when --strict removed it from the answer.")


class Generation(BaseModel):
    """How a generated answer was made and checked."""

    backend: str
    model: str
    sentences: int = Field(0, description="Sentences the model wrote.")
    supported: int = Field(0, description="Sentences whose citations back them.")
    attributed: int = Field(
        0, description="Of those, sentences the model left uncited that confqa attributed to the one passage that "
        "backs them.")
    fell_back: bool = Field(False, description="True when the extractive answer was used instead.")
    reason: str | None = Field(None, description="Why it fell back, when it did.")
    seconds: float = 0.0
    raw: str = Field("", description="The model's reply, unedited.")


class Answer(BaseModel):
    """What `ask` returns. `str(answer)` is the text a person reads; notebooks render `_repr_html_`."""

    question: str
    answer: str
    abstained: bool
    confidence: float = Field(ge=0.0, le=1.0)
    citations: list[Citation] = Field(default_factory=list)
    passages: list[Passage] = Field(default_factory=list)
    notices: list[str] = Field(default_factory=list, description="Warnings about the question or the index.")
    mode: str = Field("extractive", description="extractive, or llm when a language model wrote the answer.")
    unsupported_sentences: list[UnsupportedSentence] = Field(
        default_factory=list, description="Generated sentences whose citations do not back them (llm mode).")
    generation: Generation | None = Field(None, description="The model call behind an llm answer.")
    intent: str | None = Field(None, description="What the question asks for (who, when, where, quantity, list, "
                               "definition, explanation, comparison, talk, fact).")
    evidence: dict[str, float] = Field(default_factory=dict, description="The features the confidence was "
                                       "computed from (confqa.answer.confidence.FEATURES).")
    declined: str | None = Field(None, description="Why a check found that the notes do not answer the question ('the "
                                 "notes never write that version'), or None; such an answer abstains unless abstention "
                                 "is turned off (answer.abstain_below 0).")

    def __str__(self) -> str:
        from confqa.render import answer_to_text

        return answer_to_text(self)

    def __repr__(self) -> str:
        state = "abstained" if self.abstained else f"{len(self.citations)} citations"
        return f"<Answer [{state}, confidence {self.confidence:.2f}]>"

    def _repr_markdown_(self) -> str:
        from confqa.render import answer_to_markdown

        return answer_to_markdown(self)

    def _repr_html_(self) -> str:
        from confqa.render import answer_to_html

        return answer_to_html(self)


class DocumentRecord(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sha256: str
    title: str
    year: int | None = None
    chunks: int
    size: int | None = Field(None, description="The file's size when it was indexed: with mtime_ns, what tells "
                             "an unchanged note without reading it (None: not recorded).")
    mtime_ns: int | None = None


class EmbeddingInfo(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    dimension: int
    weights_sha256: str


class IndexParameters(BaseModel):
    """How the dense and lexical indexes are built and searched. Set in the settings (`CONFQA_INDEX_PARAMETERS__*`),
    recorded in each generation's manifest, and read from there by both backends, so that an index is always
    searched as it was built."""

    model_config = ConfigDict(extra="forbid")

    exact_search_limit: int = Field(
        50_000, ge=1, description="Up to this many chunks dense search scans every vector exactly (faiss IndexFlatIP, "
        "Milvus FLAT): under ~10 ms and perfect recall at this size (BENCHMARKS.md); above it, an HNSW graph.")
    hnsw_m: int = Field(32, ge=4, le=128, description="HNSW: links per vector in the graph.")
    hnsw_ef_construction: int = Field(
        80, ge=8, le=1000, description="HNSW: candidates considered while building; with 80 and ef_search 256, "
        "recall@10 of the product's dense search was 0.97 at 10^6 chunks (BENCHMARKS.md).")
    hnsw_ef_search: int = Field(
        256, ge=8, le=4096, description="HNSW: candidates considered per search (never fewer than the candidates "
        "asked for). Measured at 10^6 chunks with queries near a chunk (benchmarks/e2e_ask.py): recall@10 0.909 at "
        "128, 0.970 at 256, 0.977 at 512; a search on resident pages takes under 1 ms at each.")
    bm25_k1: float = Field(1.5, gt=0.0, le=5.0, description="BM25 term-frequency saturation (bm25s's default).")
    bm25_b: float = Field(0.75, ge=0.0, le=1.0, description="BM25 length normalisation (bm25s's default).")


class Manifest(BaseModel):
    """manifest.json: what an index was built from and with."""

    model_config = ConfigDict(extra="forbid")

    format_version: int = INDEX_FORMAT_VERSION
    confqa_version: str
    created: str
    corpus_dirs: list[str] = Field(description="Folders (or files) the index was built from.")
    catalogue_sha256: str | None = Field(None, description="Hash of talks.yaml when one was used.")
    embedding: EmbeddingInfo
    chunking: dict[str, int]
    chunking_fingerprint: str
    documents: dict[str, DocumentRecord]
    dense_index: str = Field("flat", description="FAISS index type: flat (exact) or hnsw.")
    index_parameters: IndexParameters = Field(
        default_factory=IndexParameters, description="How the dense and lexical indexes were built and are searched.")
    chunks: int
    sentences: int
    talks: int
    skipped: dict[str, str] = Field(default_factory=dict, description="Files not indexed, with the reason.")
    files: dict[str, str] = Field(
        default_factory=dict,
        description="sha256 of every file of the generation (bm25/ included), so that a tampered or "
        "damaged file is refused when the index is opened.",
    )


class IndexReport(BaseModel):
    """What `confqa index` did."""

    index: str
    documents: int
    chunks: int
    talks: int
    embedded_chunks: int = Field(description="Chunks embedded in this run (0 when nothing changed).")
    embedded_texts: int = Field(0, description="Texts embedded in this run: chunks and their quotable sentences "
                                "(what the progress bar counts).")
    reused_chunks: int
    added: list[str]
    changed: list[str]
    removed: list[str]
    skipped: dict[str, str]
    seconds: float
    rebuilt: bool = Field(description="False when nothing changed and the index was left as it was.")
    without_talks: list[str] = Field(
        default_factory=list,
        description="Notes in which no talk was found (add them to talks.yaml if they describe one).")
    catalogue_file: str | None = Field(None, description="The talks.yaml that adds or corrects talks, if any.")
    notices: dict[str, list[str]] = Field(
        default_factory=dict,
        description="What loading a note had to repair or replace (bytes that are not UTF-8, another encoding, "
        "mis-decoded characters, malformed front matter), by note.")
