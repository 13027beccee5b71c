"""Reliability round two, loading notes: line numbers as grep -n counts them, mojibake repaired without damage,
encodings, binary files, YAML alias bombs and oversized metadata, huge notes in bounded memory, and every file
that cannot be walked listed with its reason."""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from confqa.ingest.chunking import MAX_UNIT_CHARS, chunk_document, parse
from confqa.ingest.loading import (
    MAX_METADATA_CHARS,
    clean_inline,
    decode,
    load_corpus,
    load_document_bytes,
    repair_mojibake,
    split_lines,
    unusable_reason,
)
from confqa.settings import Settings

# Every character that str.splitlines() takes for a line break but grep -n and editors do not.
LINE_BREAK_LIKE = ["\f", "\v", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029", "\r"]


def grep_lines(raw: bytes) -> list[str]:
    """What `grep -n` numbers: lines end at b"\\n" only; a trailing \\r is part of the CRLF ending."""
    lines = raw.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    return [line.removesuffix(b"\r").decode("utf-8") for line in lines]


# -- 2: line numbers -----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("char", LINE_BREAK_LIKE)
def test_line_numbers_are_the_files_own_after_every_line_break_like_character(char: str) -> None:
    raw = f"# Title\n\nfirst{char}line with a break\nsecond line\r\nthird line\n".encode()
    document = load_document_bytes(raw, "note.md")
    assert len(document.lines) == len(grep_lines(raw)) == 5
    assert document.lines[2] == "first line with a break"  # shown as a space, inside its own line
    assert document.lines[3:] == ["second line", "third line"]
    assert split_lines(f"a{char}b\n") == ["a b"]


_WORDS = ["benchmark", "policy", "robot", "attention", "llama", "lisbon", "symmetry", "pruning", "kernel", "noether",
          "imitation", "diffusion", "gradient", "alignment", "keynote"]


@st.composite
def notes_with_breaks(draw: st.DrawFn) -> tuple[bytes, list[list[str]]]:
    """A note of paragraphs whose lines hold line-break-like characters and CRLF endings."""
    paragraphs = []
    for _ in range(draw(st.integers(3, 6))):
        lines = []
        for _ in range(draw(st.integers(1, 3))):
            words = draw(st.lists(st.sampled_from(_WORDS), min_size=4, max_size=10))
            breaks = draw(st.lists(st.tuples(st.integers(1, len(words) - 1), st.sampled_from(LINE_BREAK_LIKE)),
                                   max_size=3))
            for position, char in sorted(breaks, reverse=True):
                words.insert(position, char)
            lines.append(" ".join(words).replace(" \r ", "\r") + ".")
        paragraphs.append(lines)
    ending = draw(st.sampled_from(["\n", "\r\n"]))
    text = "# Notes about kernels\n\n" + "\n\n".join(ending.join(lines) for lines in paragraphs) + "\n"
    return text.encode("utf-8"), paragraphs


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(note=notes_with_breaks(), which=st.integers(0, 100))
def test_every_quote_is_at_its_cited_lines_as_grep_counts_them(tmp_path_factory, embedder, note, which) -> None:  # type: ignore[no-untyped-def]
    from confqa.api import Assistant
    from confqa.index.build import build_index

    raw, paragraphs = note
    base = tmp_path_factory.mktemp("breaks")
    corpus = base / "notes"
    corpus.mkdir()
    (corpus / "note.md").write_bytes(raw)
    build_index([corpus], base / "idx", Settings(), lambda: embedder)
    lines = grep_lines(raw)
    loaded = load_document_bytes(raw, "note.md").lines
    assert len(loaded) == len(lines)
    for mine, theirs in zip(loaded, lines):  # equal but for the documented space
        assert mine == "".join(" " if ch in LINE_BREAK_LIKE else ch for ch in theirs)
    flat = [line for paragraph in paragraphs for line in paragraph]
    target = flat[which % len(flat)]
    question = "what about " + " ".join(w for w in target.split() if w.strip(".") in _WORDS)[:200]
    answer = Assistant(str(base / "idx"), corpus=corpus, build_missing=False, embedder=embedder).ask(question)
    for citation in answer.citations + [p for p in answer.passages]:  # type: ignore[operator]
        quote = getattr(citation, "quote", None) or citation.text
        span = "\n".join(lines[citation.line_start - 1: citation.line_end])
        normalised = "".join(" " if ch in LINE_BREAK_LIKE else ch for ch in span)
        for piece in quote.split("\n"):
            assert piece.strip() in normalised, (piece, citation.line_start, citation.line_end, span)


# -- 3: mojibake -----------------------------------------------------------------------------------------------
def _letters(encoding: str) -> list[str]:
    import ftfy.bad_codecs  # noqa: F401 - sloppy-windows-1252: cp1252 with every byte mapped

    return [ch for ch in (bytes([b]).decode(encoding) for b in range(0x80, 0x100)) if ch.isalpha()]


COMMON = "àáâãäåæçèéêëìíîïñòóôõöøùúûüýÿÀÁÂÄÅÆÇÈÉÊËÍÎÑÓÔÖØÚÜß"


@pytest.mark.parametrize("encoding", ["sloppy-windows-1252", "mac_roman"])
def test_mojibake_of_every_accented_letter_is_repaired_or_left_never_damaged(encoding: str) -> None:
    letters = _letters(encoding)
    assert len(letters) >= 60
    repaired = 0
    for letter in letters:
        word = f"la conf{letter}rence de Paris"
        broken = word.encode("utf-8").decode(encoding)
        assert repair_mojibake(word) == word  # correct text is never touched
        fixed = repair_mojibake(broken)
        assert fixed in (word, broken), (letter, broken, fixed)  # repaired, or left as it was: never a third text
        repaired += fixed == word
        if letter in COMMON:
            assert fixed == word, (letter, broken, fixed)
    assert repaired >= len(letters) - 10


def test_the_reported_mojibake_is_repaired() -> None:
    assert repair_mojibake("la confÃ©rence") == "la conférence"  # cp1252: was "conf̩rence"
    assert repair_mojibake("itâ€™s") == "it’s"
    assert repair_mojibake("thanks \uf8ffüôè!") == "thanks 🙏!"  # Mac Roman, Apple logo for the F0 byte
    assert repair_mojibake("thanks üôè!") == "thanks 🙏!"  # the F0 byte lost in copy-paste
    assert repair_mojibake("Zürich und Köln, “quoted” — 日本語 🙏") == "Zürich und Köln, “quoted” — 日本語 🙏"


# -- encodings and binary files ----------------------------------------------------------------------------------
@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-8-sig"])
def test_unicode_notes_are_decoded_not_skipped(encoding: str) -> None:
    text = "# Café talk\n\nNoether’s theorem, 🙏 and more.\nSecond line.\n"
    data = text.encode(encoding)
    assert unusable_reason(data) is None
    document = load_document_bytes(data, "note.md")
    assert document.lines == ["# Café talk", "", "Noether’s theorem, 🙏 and more.", "Second line."]
    assert document.title == "Café talk"


def test_latin1_note_keeps_its_accents_and_damaged_utf8_is_reported_with_lines() -> None:
    text, notices = decode(b"Caf\xe9 cr\xe8me \x93quoted\x94\n")
    assert text == "Café crème “quoted”\n" and "Windows-1252" in notices[0]
    text, notices = decode("Café\nfine\n".encode() + b"bad \xff byte\n")
    assert text.splitlines()[2] == "bad \ufffd byte"  # UTF-8 elsewhere: the damaged byte only
    assert notices == ["invalid UTF-8 bytes replaced with U+FFFD on line(s) 3"]


@pytest.mark.parametrize(("data", "what"), [
    (b"\x89PNG\r\n\x1a\n" + bytes(range(1, 256)) * 4, "PNG"),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nstream\n" + bytes(range(1, 256)), "PDF"),
    (random.Random(3).randbytes(6000).replace(b"\x00", b"\x01"), "control bytes"),
])
def test_binary_files_without_nul_are_not_notes(data: bytes, what: str) -> None:
    assert b"\x00" not in data[:8192]
    reason = unusable_reason(data)
    assert reason is not None and "binary" in reason and what in reason


def test_text_with_a_few_control_characters_is_still_a_note() -> None:
    text = ("A line of text with a stray \x1c separator and \x1b[1mbold\x1b[0m codes.\n" * 40).encode()
    assert unusable_reason(text) is None


# -- 13: YAML alias bombs and oversized metadata -------------------------------------------------------------------
def test_yaml_alias_bomb_in_front_matter_is_not_expanded() -> None:
    bomb = ["---", 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i, name in enumerate("bcdefghi"):
        previous = "abcdefghi"[i]
        bomb.append(f"{name}: &{name} [{','.join(['*' + previous] * 9)}]")
    bomb += ["title: *i", "---", "", "# Real title", "", "Body text."]
    raw = "\n".join(bomb).encode()
    assert len(raw) < 600
    document = load_document_bytes(raw, "bomb.md")
    assert len(document.title) <= MAX_METADATA_CHARS
    assert any("aliases" in notice for notice in document.notices)
    assert document.lines[-1] == "Body text."


def test_every_metadata_field_is_capped() -> None:
    long = "x" * 100_000
    raw = (f"---\ntitle: {long}\ndate: {long}\nslug: {long}\nauthors: [{', '.join(['a' * 500] * 200)}]\n"
           f"tags: {long}\n---\n\nBody.\n").encode()
    document = load_document_bytes(raw, "big.md")
    assert len(document.title) <= MAX_METADATA_CHARS
    assert len(document.date or "") <= MAX_METADATA_CHARS and len(document.slug or "") <= MAX_METADATA_CHARS
    assert len(document.authors) <= 50 and all(len(a) <= MAX_METADATA_CHARS for a in document.authors)
    assert all(len(t) <= MAX_METADATA_CHARS for t in document.tags)
    assert any("cut to" in notice for notice in document.notices)


# -- 15: huge notes ------------------------------------------------------------------------------------------------
class SpyCounter:
    """The real token counter, recording the longest text it was given."""

    def __init__(self) -> None:
        from confqa.tokenization import default_counter

        self.inner = default_counter()
        self.longest = 0

    def count(self, texts: list[str]) -> list[int]:
        self.longest = max([self.longest, *map(len, texts)])
        return self.inner.count(texts)


def test_a_huge_one_line_note_is_tokenized_in_bounded_pieces(monkeypatch: pytest.MonkeyPatch) -> None:
    import confqa.tokenization as tokenization

    rng = random.Random(5)
    body = " ".join(rng.choice(_WORDS) for _ in range(120_000))  # ~1 MB, one line, not one full stop
    document = load_document_bytes(f"# One line\n\n{body}\n".encode(), "line.md")
    spy = SpyCounter()
    batches: list[int] = []
    real_encode = spy.inner._tokenizer.encode_batch

    class Tokenizer:
        def encode_batch(self, texts, **kwargs):  # type: ignore[no-untyped-def]
            batches.append(len(texts))
            return real_encode(texts, **kwargs)

    monkeypatch.setattr(spy.inner, "_tokenizer", Tokenizer())
    chunks, _ = chunk_document(document, Settings().chunking, spy, parse(document))
    assert spy.longest <= MAX_UNIT_CHARS  # no text of megabytes is ever tokenized whole
    assert max(batches) <= tokenization.COUNT_BATCH
    assert len(chunks) > 100
    assert " ".join(" ".join(c.text.split()) for c in chunks).count("benchmark") >= body.count("benchmark")
    tokens = spy.inner.count([c.text for c in chunks])
    assert max(tokens) <= Settings().chunking.max_tokens


def test_the_size_cap_is_a_setting_named_in_the_reason(tmp_path: Path, embedder,  # type: ignore[no-untyped-def]
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from confqa.index.build import build_index

    corpus = tmp_path / "notes"
    corpus.mkdir()
    (corpus / "small.md").write_text("# Small\n\nA small note about kernels.\n")
    (corpus / "big.md").write_text("# Big\n\n" + "A sentence about llamas in Lisbon. " * 2000 + "\n")
    monkeypatch.setenv("CONFQA_INGEST__MAX_NOTE_BYTES", "10000")
    report = build_index([corpus], tmp_path / "idx", Settings(), lambda: embedder)
    assert "raise CONFQA_INGEST__MAX_NOTE_BYTES" in report.skipped["big.md"]
    monkeypatch.setenv("CONFQA_INGEST__MAX_NOTE_BYTES", str(1024 * 1024))
    report = build_index([corpus], tmp_path / "idx", Settings(), lambda: embedder)
    assert report.skipped == {} and report.documents == 2


# -- smaller: what cannot be walked is listed -------------------------------------------------------------------
def test_unreadable_folders_and_broken_symlinks_are_listed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "c"
    (root / "private").mkdir(parents=True)
    (root / "private" / "secret.md").write_text("# Secret\n\ntext\n")
    (root / "sub").mkdir()
    (root / "good.md").write_text("# Good\n\nA real note.\n")
    (root / "dangling.md").symlink_to(root / "missing.md")
    (root / "sub" / "loop").symlink_to(root)  # a folder that contains itself
    (root / "self.md").symlink_to(root / "self.md")  # a symlink to itself
    (root / "outside").symlink_to(tmp_path)
    real_scandir = os.scandir

    def scandir(path):  # type: ignore[no-untyped-def]
        if Path(path) == root / "private":  # as root every folder is readable: refuse this one as for a user
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    result = load_corpus(root)
    assert [d.doc for d in result.documents] == ["good.md"]
    assert result.skipped["private/"].startswith("unreadable folder: Permission denied")
    assert result.skipped["dangling.md"].startswith("dangling symlink")
    assert "loop" in result.skipped["self.md"]
    assert "already read" in result.skipped["sub/loop/"]
    assert "outside the corpus" in result.skipped["outside/"]


# -- smaller: link targets with parentheses ----------------------------------------------------------------------
@pytest.mark.parametrize(("markdown", "shown"), [
    ("see [x](javascript:alert(1)) now", "see x now"),
    ("[Noether](https://en.wikipedia.org/wiki/Noether_(disambiguation)) said", "Noether said"),
    ("![chart](img/a(1).png) and [plain](http://x)", "chart and plain"),
])
def test_link_targets_with_parentheses_leave_nothing_behind(markdown: str, shown: str) -> None:
    from confqa.answer.readable import display_text

    assert clean_inline(markdown) == shown
    assert display_text(markdown) == shown
