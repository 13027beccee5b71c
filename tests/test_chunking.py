from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.conftest import FIXTURE_CORPUS, SHIPPED_CORPUS

from confqa.ingest.chunking import SECTION_SEPARATOR, chunk_document, embedding_text, parse
from confqa.ingest.loading import load_corpus, load_document_bytes
from confqa.settings import ChunkingSettings
from confqa.text.sentences import sentence_spans
from confqa.tokenization import default_counter

MODEL_WINDOW = 256
THEMATIC_BREAK = re.compile(r"^ {0,3}([-*_])(\s*\1){2,}\s*$")


def _documents() -> list:  # type: ignore[type-arg]
    return load_corpus(SHIPPED_CORPUS).documents + load_corpus(FIXTURE_CORPUS).documents


def _assert_chunking_invariants(document, chunks, sentences) -> None:  # type: ignore[no-untyped-def]
    body = document.lines[document.body_start - 1:]
    covered = set()
    for chunk in chunks:
        assert 1 <= chunk.line_start <= chunk.line_end <= len(document.lines)
        span = "\n".join(document.lines[chunk.line_start - 1: chunk.line_end])
        assert chunk.text in span, f"chunk text not found at {chunk.line_start}-{chunk.line_end}"
        assert chunk.text.strip()
        covered.update(range(chunk.line_start, chunk.line_end + 1))
    for offset, line in enumerate(body):
        number = document.body_start + offset
        if re.search(r"\w", line) and not THEMATIC_BREAK.match(line):  # '---' or a lone '-' carries no text
            assert number in covered, f"{document.doc}:{number} is in no chunk: {line!r}"
    for sentence in sentences:
        span = "\n".join(document.lines[sentence.line_start - 1: sentence.line_end])
        assert sentence.text in span
        chunk = chunks[sentence.chunk]
        assert chunk.line_start <= sentence.line_start and sentence.line_end <= chunk.line_end


@pytest.mark.parametrize("document", _documents(), ids=lambda d: d.doc)
def test_every_body_line_is_in_a_chunk_and_spans_are_exact(document) -> None:  # type: ignore[no-untyped-def]
    chunks, sentences = chunk_document(document, ChunkingSettings(), default_counter())
    _assert_chunking_invariants(document, chunks, sentences)


@pytest.mark.parametrize("document", _documents(), ids=lambda d: d.doc)
def test_chunks_fit_the_model_window(document) -> None:  # type: ignore[no-untyped-def]
    counter = default_counter()
    chunks, _ = chunk_document(document, ChunkingSettings(), counter)
    counts = counter.count([embedding_text(c) for c in chunks])
    assert max(counts) + 2 <= MODEL_WINDOW  # [CLS] and [SEP]


def test_chunks_follow_headings_and_carry_the_heading_path() -> None:
    path = SHIPPED_CORPUS / "six-tutorials-neurips-2025.md"
    document = load_document_bytes(path.read_bytes(), path.name)
    chunks, _ = chunk_document(document, ChunkingSettings(), default_counter())
    wanted = "Tutorial 2: Benchmarking Machine Learning Systems › Section 2.2: The Five Commandments of Good Benchmarks"
    matching = [c for c in chunks if c.section.endswith(wanted)]
    assert matching and all("Relevance" in c.text or "Difficulty" in c.text or "Stability" in c.text
                            or "Diversity" in c.text or "Efficiency" in c.text or "rules" in c.text for c in matching)
    # A subsection written at the wrong level ('## Section 3.1' under '## Tutorial 3') is nested back.
    assert any(c.section.endswith("Tutorial 3: Evaluation Methods for Reasoning and Planning" + SECTION_SEPARATOR
                                  + "Section 3.1: The 8 Core Reasoning Tasks") for c in chunks)
    for chunk in chunks:
        # A chunk never crosses a heading: headings may only open it (a parent heading with no text of its
        # own, then its child), never follow its text.
        seen_text, in_code = False, False
        for line in chunk.text.splitlines():
            if line.lstrip().startswith("```"):
                in_code = not in_code
            is_heading = not in_code and re.match(r"^#{1,6}\s", line) is not None
            if is_heading:
                assert not seen_text, (chunk.line_start, line)
            elif line.strip():
                seen_text = True


def test_long_paragraph_is_split_between_sentences_with_overlap() -> None:
    sentences = [f"Sentence number {i} talks about topic {i} at some length to fill the window." for i in range(60)]
    document = load_document_bytes(("# Long\n\n" + " ".join(sentences) + "\n").encode(), "long.md")
    chunks, _ = chunk_document(document, ChunkingSettings(), default_counter())
    assert len(chunks) > 2
    for chunk in chunks:
        body = chunk.text.removeprefix("# Long").strip()
        assert body.startswith("Sentence number"), body[:40]
        assert body.endswith("window."), body[-40:]
    # Overlap: each chunk after the first repeats the last sentence of the one before.
    for before, after in zip(chunks, chunks[1:]):
        last_sentence = before.text.rsplit("Sentence number", 1)[1]
        assert ("Sentence number" + last_sentence) in after.text


def test_sentence_splitting_respects_abbreviations_and_enumerators() -> None:
    text = "We use e.g. this one. Jiang et al. found it. **1. First point** holds. Ends here!"
    spans = [text[s:e] for s, e in sentence_spans(text, 0, len(text))]
    assert spans == ["We use e.g. this one.", "Jiang et al. found it.", "**1. First point** holds.", "Ends here!"]


def test_a_letter_that_names_a_room_or_a_plan_ends_its_sentence_where_an_initial_does_not() -> None:
    text = ("Switching to room B. Marie-Claire Dubois is presenting. We fell back to Plan C. It held. "
            "The keynote by J. Smith ran long. Then A. Feder Cooper took Track 2.")
    assert [text[s:e] for s, e in sentence_spans(text, 0, len(text))] == [
        "Switching to room B.", "Marie-Claire Dubois is presenting.", "We fell back to Plan C.", "It held.",
        "The keynote by J. Smith ran long.", "Then A. Feder Cooper took Track 2."]


def test_a_question_inside_a_parenthesis_ends_no_sentence() -> None:
    """"(wall power? GPU counters?)" stays in its sentence; a stray "(" with no ")" after it does not hold the
    sentences after it together, and a "." inside a parenthesis still ends a sentence."""
    text = ("The method was not given (wall power? GPU counters? the CPU host?), so we cannot compare. Next one. "
            "A stray ( bracket here. Then more.")
    spans = [text[s:e] for s, e in sentence_spans(text, 0, len(text))]
    assert spans == ["The method was not given (wall power? GPU counters? the CPU host?), so we cannot compare.",
                     "Next one.", "A stray ( bracket here.", "Then more."]


def test_tables_split_by_rows_keep_their_header_as_context() -> None:
    rows = "\n".join(f"| Talk {i} about a long subject number {i} | Speaker {i} | notes on the talk {i} |" for i in range(40))
    document = load_document_bytes(f"# T\n\n| Title | Speaker | Notes |\n|---|---|---|\n{rows}\n".encode(), "t.md")
    chunks, sentences = chunk_document(document, ChunkingSettings(), default_counter())
    assert len(chunks) > 1
    assert all(c.context.startswith("| Title | Speaker |") for c in chunks[1:])
    assert all(not s.text.startswith("| Title") and "---" not in s.text for s in sentences)


markdown_lines = st.lists(
    st.one_of(
        st.text(min_size=0, max_size=80),
        st.sampled_from(["", "# H1", "## Tutorial 2: X", "- item one. Two.", "| a | b |", "|---|---|", "```", "$$",
                         "---", "{:toc}", "**Bold lead (Ada Lovelace)**", "1. numbered", "> quote"]),
    ),
    min_size=0,
    max_size=40,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(markdown_lines)
def test_arbitrary_markdown_never_loses_text(lines: list[str]) -> None:
    raw = "\n".join(lines).encode("utf-8", errors="surrogatepass")
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return
    document = load_document_bytes(raw, "fuzz.md")
    chunks, sentences = chunk_document(document, ChunkingSettings(), default_counter(), parse(document))
    _assert_chunking_invariants(document, chunks, sentences)


def test_parse_finds_block_kinds() -> None:
    text = "# T\n\npara one\npara two\n\n- item\n  continued\n- item 2\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n```\ncode\n```\n"
    parsed = parse(load_document_bytes(text.encode(), "k.md"))
    kinds = [b.kind for b in parsed.blocks]
    assert kinds == ["heading", "paragraph", "list", "list", "table", "code"]
    assert parsed.blocks[2].line_start == 6 and parsed.blocks[2].line_end == 7


def test_fixture_has_no_front_matter_leak(tmp_path: Path) -> None:
    document = load_document_bytes((FIXTURE_CORPUS / "summit-2031.md").read_bytes(), "summit-2031.md")
    chunks, _ = chunk_document(document, ChunkingSettings(), default_counter())
    assert all("authors:" not in c.text and "{:toc}" not in c.text for c in chunks)
    assert any("🙏" in c.text for c in chunks)


def test_a_sentence_is_embedded_with_its_heading_and_quoted_without_it() -> None:
    from confqa.ingest.chunking import sentence_embedding_text
    from confqa.models import Chunk, Sentence

    chunk = Chunk(id="c", doc="n.md", title="Notes", section="Notes › Vending Bench", line_start=3, line_end=3,
                  text="Winner: Gemini 3 Pro.")
    sentence = Sentence(chunk=0, text="Winner: Gemini 3 Pro.", line_start=3, line_end=3)
    assert sentence_embedding_text(sentence, chunk) == "Vending Bench: Winner: Gemini 3 Pro."
    top = chunk.model_copy(update={"section": "Notes"})  # under the note's title only: nothing to add
    assert sentence_embedding_text(sentence, top) == "Winner: Gemini 3 Pro."


def test_a_fenced_one_line_formula_is_quotable_and_longer_code_is_not() -> None:
    """'RRF(d) = Σ 1/(k + rank_i(d))' alone in a code fence reads as a statement, quotable like a formula on one line;
    a snippet of several lines stays retrieval text only."""
    text = ("# Tutorial\n\n## Fusion\n\nEach document gets a fused score from its rank in each list:\n\n```\n"
            "RRF(d) = Σ 1/(k + rank_i(d)),  with k = 60\n```\n\nA snippet:\n\n```python\nimport faiss\n"
            "index = faiss.IndexFlatIP(768)\n```\n")
    document = load_document_bytes(text.encode(), "fusion.md")
    _, sentences = chunk_document(document, ChunkingSettings(), default_counter())
    quoted = [s.text for s in sentences]
    assert "RRF(d) = Σ 1/(k + rank_i(d)),  with k = 60" in quoted, quoted
    assert not any("faiss" in q for q in quoted), quoted


def test_a_chat_message_header_starts_a_sentence() -> None:
    """Messages of a chat export written one per line ("[10:25] raj.s: …") or under a header line ("**ana** 9:38
    AM") are sentences of their own, whatever the line before them ended with; a time inside a line is no header."""
    text = ("[10:24] mira.k: results: 4.2% smaller code\n[10:25] raj.s: compile time cost?\n"
            "[10:25] jonas.d: +3% compile time, she says\n**ana** 9:38 AM\nasked in Q&A. code is MIT")
    assert [text[a:b] for a, b in sentence_spans(text, 0, len(text))] == [
        "[10:24] mira.k: results: 4.2% smaller code", "[10:25] raj.s: compile time cost?",
        "[10:25] jonas.d: +3% compile time, she says", "**ana** 9:38 AM\nasked in Q&A. code is MIT"]
    plain = "The keynote started at\n9:30 and ran long."
    assert [plain[a:b] for a, b in sentence_spans(plain, 0, len(plain))] == [plain]
