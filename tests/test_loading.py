from __future__ import annotations

from pathlib import Path

import pytest
from tests.conftest import SHIPPED_CORPUS

from confqa.ingest.loading import (
    clean_inline,
    load_corpus,
    load_document_bytes,
    repair_mojibake,
    split_front_matter,
    strip_markers,
)


def test_front_matter_becomes_metadata_and_is_not_body() -> None:
    text = "---\ntitle: \"My Title\"\ndate: 2025-12-14\nauthors:\n  - ian\ntags: [a, b]\nslug: my-slug\n---\n\nBody line.\n"
    doc = load_document_bytes(text.encode(), "x.md")
    assert doc.title == "My Title"
    assert doc.date == "2025-12-14"
    assert doc.authors == ["ian"]
    assert doc.tags == ["a", "b"]
    assert doc.slug == "my-slug"
    assert doc.body_start == 9
    assert doc.lines[doc.body_start] == "Body line."


def test_blank_line_after_opening_fence_is_tolerated() -> None:
    text = "---\n\nlayout: post\ntitle: \"Spaced\"\n---\n# Heading\n"
    doc = load_document_bytes(text.encode(), "spaced.md")
    assert doc.title == "Spaced"
    assert doc.body_start == 6
    assert any("blank line" in n for n in doc.notices)


def test_invalid_yaml_front_matter_is_read_leniently() -> None:
    text = "---\ntitle: Colons: everywhere: here\ndate: [unclosed\n---\nBody\n"
    doc = load_document_bytes(text.encode(), "bad.md")
    assert doc.title.startswith("Colons")
    assert doc.body_start == 5
    assert any("not valid YAML" in n for n in doc.notices)


def test_unterminated_front_matter_is_body_text() -> None:
    meta, body_index, notices = split_front_matter(["---", "title: x", "Some text that goes on"])
    assert meta == {} and body_index == 0
    assert notices


def test_horizontal_rule_at_top_is_not_front_matter() -> None:
    meta, body_index, _ = split_front_matter(["---", "Just a paragraph here.", "---", "more"])
    assert meta == {} and body_index == 0


def test_title_falls_back_to_h1_then_file_name() -> None:
    assert load_document_bytes(b"intro\n# The Heading\ntext\n", "a.md").title == "The Heading"
    assert load_document_bytes(b"no heading at all\n", "dir/my-notes_file.txt").title == "my notes file"


def test_mojibake_is_repaired_and_correct_text_untouched() -> None:
    assert repair_mojibake("thanks \uf8ffüôè!") == "thanks 🙏!"
    assert repair_mojibake("doesnâ€™t") == "doesn’t"
    assert repair_mojibake("thanks üôè") == "thanks 🙏"  # the lost lead byte of an emoji
    for good in ("café crème", "“quoted” — ok", "naïve Zürich", "x ≠ y", "plain ascii"):
        assert repair_mojibake(good) == good


def test_shipped_note_reads_as_the_author_meant() -> None:
    doc = load_document_bytes((SHIPPED_CORPUS / "neurips-2024-review-and-2025-predictions.md").read_bytes(), "n.md")
    body = "\n".join(doc.lines)
    assert "🙏" in body and "😅" in body
    assert "üô" not in body
    assert doc.year == 2024  # about NeurIPS 2024 although dated 2025-01-01


def test_kramdown_markers_are_stripped() -> None:
    assert strip_markers("{:toc}") == ""
    assert strip_markers("* TOC") == ""
    assert strip_markers("<!-- more -->") == ""
    assert strip_markers("A heading {: .class}") == "A heading "
    doc = load_document_bytes((SHIPPED_CORPUS / "bigger-models-to-better-intelligence.md").read_bytes(), "b.md")
    assert not any("{:toc}" in line for line in doc.lines)
    assert doc.title.startswith("From bigger models to better intelligence")


def test_line_numbers_match_the_file() -> None:
    for path in SHIPPED_CORPUS.glob("*.md"):
        raw = path.read_text(encoding="utf-8").splitlines()
        doc = load_document_bytes(path.read_bytes(), path.name)
        assert len(doc.lines) == len(raw)


def test_clean_inline_removes_markdown() -> None:
    assert clean_inline("**Bold** and _it_ and [link](http://x) `code`") == "Bold and it and link code"


def test_corpus_loading_skips_bad_files_with_reasons(tmp_path: Path) -> None:
    root = tmp_path / "c"
    (root / "sub").mkdir(parents=True)
    (root / "good.md").write_text("# Good\nA real note.\n")
    (root / "sub" / "nested.markdown").write_text("Nested note text.\n")
    (root / "empty.md").write_text("")
    (root / "binary.md").write_bytes(b"\x00\x01\x02binary")
    (root / "copy.md").write_text("# Good\nA real note.\n")
    (root / "only-front.md").write_text("---\ntitle: x\n---\n")
    (root / "latin1.txt").write_bytes("caf\xe9 au lait\n".encode("latin-1"))
    (root / "ignored.pdf").write_bytes(b"%PDF")
    result = load_corpus(root)
    docs = {d.doc for d in result.documents}
    assert docs == {"copy.md", "latin1.txt", "sub/nested.markdown"} or docs == {"good.md", "latin1.txt", "sub/nested.markdown"}
    assert result.skipped["empty.md"] == "empty file"
    assert "binary" in result.skipped["binary.md"]
    assert "duplicate" in result.skipped["good.md" if "copy.md" in docs else "copy.md"]
    assert "front matter only" in result.skipped["only-front.md"]
    latin = next(d for d in result.documents if d.doc == "latin1.txt")
    # A note that is not UTF-8 at all is a Latin-1 / Windows-1252 note: its accents survive, and the loader says so.
    assert latin.lines == ["café au lait"]
    assert any("not UTF-8" in n and "Windows-1252" in n for n in latin.notices)


def test_symlink_outside_corpus_is_skipped(tmp_path: Path) -> None:
    root = tmp_path / "c"
    root.mkdir()
    outside = tmp_path / "secret.md"
    outside.write_text("# Secret\nnot part of the corpus\n")
    (root / "note.md").write_text("# Note\ntext\n")
    (root / "link.md").symlink_to(outside)
    result = load_corpus(root)
    assert [d.doc for d in result.documents] == ["note.md"]
    assert "outside" in result.skipped["link.md"]


def test_a_code_span_reads_as_markdown_it_reads_it() -> None:
    """Nothing inside a code span is markup: '<team>' is no HTML tag, '__init__' no emphasis, '\\*' no escape.
    What clean_inline shows of each span is the code markdown-it-py finds there."""
    from hypothesis import given
    from hypothesis import strategies as st
    from markdown_it import MarkdownIt

    parser = MarkdownIt("commonmark")

    def spans(text: str) -> list[str]:
        tokens = parser.parseInline(text)[0].children or []
        return [t.content for t in tokens if t.type == "code_inline"]

    examples = ["Naming convention: `<team>.<feature>.<yyyymm>`; flags older than 90 days",
                "call `__init__` before `**kwargs`", "escaped `a\\*b` stays", "``a ` b`` with a tick inside"]
    for text in examples:
        found = spans(text)
        assert found and all(code.strip() in clean_inline(text) for code in found), (text, clean_inline(text))

    @given(st.text(alphabet="ab<>_*\\/.-[]() ", min_size=1, max_size=12).filter(lambda s: s.strip() and "`" not in s))
    def any_code(code: str) -> None:
        text = f"before `{code}` after"
        assert [c.strip() for c in spans(text)] == [code.strip()]  # markdown-it reads one span, the code
        assert clean_inline(text) == f"before {' '.join(code.split())} after"  # shown as written, on one line

    any_code()


def test_org_mode_files_are_notes(tmp_path: Path) -> None:
    """A .org file is found and read as a note; its "#+TITLE:" is its title."""
    (tmp_path / "karst.org").write_text("#+TITLE: Karst Day 2031\n\n* Day 1\n** Keynote — Dye Tracing\n- notes\n",
                                        encoding="utf-8")
    (tmp_path / "todo.el").write_text("(setq x 1)\n", encoding="utf-8")
    documents = load_corpus(tmp_path).documents
    assert [(d.doc, d.title) for d in documents] == [("karst.org", "Karst Day 2031")]
    assert documents[0].lines[3] == "## Keynote — Dye Tracing"


RST_NOTE = """\
=================================
Glacier Days 2031 -- field notes
=================================

:Dates: 4-6 March 2031
:City: Innsbruck

.. note::

   Slides are on the shared drive.

Day 1
=====

Keynote: Reading moraines like ledgers
~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~

:Speaker: Prof. Ingrid Halvorsen (University of Bergen)
:Room: Aula

She dates moraines with ``10Be`` exposure ages, see `the paper <https://example.org/p>`_ and :cite:`lowe2011`.

Talk: Drones over crevasses
~~~~~~~~~~~~~~~~~~~~~~~~~~~

:Speakers: Matteo Russo (Politecnico di Torino); Ana Ruiz Ortega (Universidad de Granada)

They fly lidar under a hexacopter; the field list below wraps:

:Flight time: about 18 minutes per battery set,
   so sorties are planned in 18-minute windows.
"""


def test_restructuredtext_files_are_notes_with_headings_and_fields(tmp_path: Path) -> None:
    """A .rst note is found and read as the Markdown it means, line for line: a title with its underline (and
    overline) is a heading whose level follows the order its adornment first appears in; ":Speaker: X" is a field
    line; a directive's line and an rst comment are empty, the text under a directive is read; literals, links and
    roles read as their text. The first title is the note's."""
    (tmp_path / "glacier.rst").write_text(RST_NOTE, encoding="utf-8")
    documents = load_corpus(tmp_path).documents
    assert [(d.doc, d.title) for d in documents] == [("glacier.rst", "Glacier Days 2031 -- field notes")]
    lines = documents[0].lines
    assert len(lines) == len(RST_NOTE.splitlines())
    assert lines[:3] == ["", "# Glacier Days 2031 -- field notes", ""]
    assert lines[4:6] == ["Dates: 4-6 March 2031", "City: Innsbruck"]
    assert lines[7] == "" and lines[9] == "Slides are on the shared drive."
    assert (lines[11], lines[12]) == ("## Day 1", "")
    assert lines[14] == "### Keynote: Reading moraines like ledgers"
    assert lines[17] == "Speaker: Prof. Ingrid Halvorsen (University of Bergen)"
    assert lines[20] == "She dates moraines with `10Be` exposure ages, see the paper and lowe2011."
    assert lines[22] == "### Talk: Drones over crevasses"
    assert lines[30] == "so sorties are planned in 18-minute windows."  # a field's wrapped line joins its paragraph


def test_talks_of_a_restructuredtext_note_are_found() -> None:
    """The talks of an .rst note are found from its headings (underlined with "~", which Markdown does not read as
    one) and their ":Speaker:" fields."""
    from confqa.ingest.markdown import parse
    from confqa.talks import build_catalogue

    talks = build_catalogue([parse(load_document_bytes(RST_NOTE.encode(), "glacier.rst"))], None).talks
    assert {(t.title, tuple(t.speakers)) for t in talks} == {
        ("Reading moraines like ledgers", ("Ingrid Halvorsen",)),
        ("Drones over crevasses", ("Matteo Russo", "Ana Ruiz Ortega"))}


NESTED_RST = """\
##########
Spring Law
##########

Overview
********

Two days, one room.

Day 1 -- talks
==============

Opening talk
------------

:Speaker: Amaia Etxeberria

Panel
-----

Day 2 -- workshops
==================

Contract drafting
-----------------

Back matter
***********

Thanks to the volunteers.
"""


@pytest.mark.parametrize("note", ["RST_NOTE", "NESTED_RST", "evals/corpora/blind-15/tephra-days-2019.rst"])
def test_restructuredtext_headings_and_levels_are_the_ones_docutils_reads(note: str) -> None:
    """The hand-written reader (kept free of docutils) finds the same section titles, at the same depths, as
    docutils' own parser: a returning adornment style goes back to its level."""
    from docutils import core, nodes

    text = globals()[note] if note.isupper() else (Path(__file__).parent.parent / note).read_text(encoding="utf-8")
    tree = core.publish_doctree(text, settings_overrides={
        "doctitle_xform": False, "report_level": 5, "halt_level": 5, "file_insertion_enabled": False})

    def sections(node: nodes.Node, depth: int) -> list[tuple[int, str]]:
        found = []
        for child in node.children:
            if isinstance(child, nodes.section):
                found.append((depth, child[0].astext()))
                found += sections(child, depth + 1)
        return found

    expected = sections(tree, 1)
    read = load_document_bytes(text.encode(), "note.rst").lines
    headings = [(len(line) - len(line.lstrip("#")), line.lstrip("#").strip()) for line in read if line.startswith("#")]
    assert len(expected) >= 3
    assert headings == expected
