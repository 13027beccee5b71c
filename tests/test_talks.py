from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.conftest import FIXTURE_CORPUS, SHIPPED_CORPUS

from confqa.ingest.chunking import chunk_document, parse
from confqa.ingest.loading import load_corpus
from confqa.models import Talk
from confqa.settings import ChunkingSettings
from confqa.talks import attributed, build_catalogue
from confqa.talks.names import people as split_names
from confqa.tokenization import default_counter


def catalogue_of(root: Path, catalogue_file: Path | None = None) -> tuple[list[Talk], list]:  # type: ignore[type-arg]
    documents = load_corpus(root).documents
    parsed = [parse(d) for d in documents]
    chunks = []
    for document, p in zip(documents, parsed):
        chunks.extend(chunk_document(document, ChunkingSettings(), default_counter(), p)[0])
    talks, chunks, _ = attributed(build_catalogue(parsed, catalogue_file), chunks, [])
    return talks, chunks


@pytest.fixture(scope="module")
def shipped() -> tuple[list[Talk], list]:  # type: ignore[type-arg]
    return catalogue_of(SHIPPED_CORPUS)


def find(talks: list[Talk], speaker: str | None = None, title: str | None = None) -> list[Talk]:
    return [
        t for t in talks
        if (speaker is None or any(speaker in s for s in t.speakers))
        and (title is None or title.lower() in t.title.lower() or any(title.lower() in a.lower() for a in t.aliases))
    ]


@pytest.mark.parametrize(
    ("speaker", "title_part", "kind"),
    [
        ("Melanie Mitchell", "Alien Intelligences", "invited talk"),
        ("Yejin Choi", "Art of (Artificial) Reasoning", "invited talk"),
        ("Kyunghyun Cho", "From Benchmarks to Problems", "invited talk"),
        ("Zeynep Tufekci", "Wrong Nightmares", "invited talk"),
        ("Rich Sutton", "Oak Architecture", "invited talk"),
    ],
)
def test_invited_talks_mentioned_in_two_notes_are_one_talk(shipped, speaker, title_part, kind) -> None:  # type: ignore[no-untyped-def]
    talks, _ = shipped
    matches = find(talks, speaker=speaker)
    assert len(matches) == 1, [t.title for t in matches]
    talk = matches[0]
    assert title_part.lower() in (talk.title + " ".join(talk.aliases)).lower()
    assert talk.kind == kind
    assert len(talk.docs) >= 2, talk.docs


def test_six_tutorials_with_presenters(shipped) -> None:  # type: ignore[no-untyped-def]
    talks, _ = shipped
    tutorials = {t.title: t for t in talks if t.kind == "tutorial"}
    for title in ("Explainable AI (XAI) - Methods and Opportunities", "Benchmarking Machine Learning Systems",
                  "Evaluation Methods for Reasoning and Planning", "Autoregressive Models Beyond Language",
                  "Foundations of Imitation Learning", "Model Merging"):
        assert title in tutorials, sorted(tutorials)
    assert tutorials["Explainable AI (XAI) - Methods and Opportunities"].speakers == [
        "Shichang Zhang", "Himabindu Lakkaraju", "Julius Adebayo"]
    assert tutorials["Foundations of Imitation Learning"].speakers == ["Adam Block", "Dylan Foster", "Max Simchowitz"]
    assert tutorials["Evaluation Methods for Reasoning and Planning"].speakers == ["Harsha Kokel"]
    # The XAI tutorial is listed in the 2025 notes' table too: one talk, two notes.
    assert set(tutorials["Explainable AI (XAI) - Methods and Opportunities"].docs) == {
        "neurips-2025-notes.md", "six-tutorials-neurips-2025.md"}


def test_panels_workshops_orals_expo_and_papers(shipped) -> None:  # type: ignore[no-untyped-def]
    talks, _ = shipped
    by_title = {t.title: t for t in talks}
    assert by_title["Responsible AI Research & Unlearning"].kind == "panel"
    assert "Agentic Development at the Frontier" in by_title
    assert "Deep Learning for Coding (DL4C)" in by_title
    assert by_title["Multimodal Oral Session"].kind == "oral"
    assert by_title["Foundational Generative Recommendations for E-Commerce"].kind == "expo"
    hivemind = find(talks, title="Artificial Hivemind")
    assert len(hivemind) == 1 and hivemind[0].kind == "paper"


def test_two_zhangs_are_two_talks_and_passages_are_not_mixed(shipped) -> None:  # type: ignore[no-untyped-def]
    talks, chunks = shipped
    contamination = find(talks, title="Advancing Rigor")
    xai = find(talks, title="Explainable AI (XAI)")
    assert len(contamination) == 1 and len(xai) == 1 and contamination[0].id != xai[0].id
    for chunk in chunks:
        if contamination[0].id in chunk.talk_ids:
            assert chunk.doc == "thoughts-on-neurips-2025.md"
        if xai[0].id in chunk.talk_ids:
            assert chunk.doc != "thoughts-on-neurips-2025.md"


def test_chunks_are_attributed_to_talks(shipped) -> None:  # type: ignore[no-untyped-def]
    talks, chunks = shipped
    mitchell = find(talks, speaker="Mitchell")[0]
    docs = {c.doc for c in chunks if mitchell.id in c.talk_ids}
    assert docs == {"neurips-2025-notes.md", "thoughts-on-neurips-2025.md"}
    # The highlight '**1. AI Evaluation is Fundamentally Broken (Melanie Mitchell)**' and its bullets.
    assert any(mitchell.id in c.talk_ids and "Six principles" in c.text for c in chunks if c.doc == "neurips-2025-notes.md")
    imitation = find(talks, title="Imitation Learning")[0]
    attributed = [c for c in chunks if imitation.id in c.talk_ids]
    assert any("DAgger" in c.text for c in attributed)
    assert all("Model Merging" not in c.section for c in attributed)
    choi = find(talks, speaker="Choi")[0]
    # '(AI Reasoning Talk)' refers to Choi's talk through the link name invited-talk-ai-reasoning.md.
    assert any(choi.id in c.talk_ids and "Goldilocks" in c.text for c in chunks)


def test_unseen_shape_one_file_per_talk() -> None:
    talks, chunks = catalogue_of(FIXTURE_CORPUS)
    lovelace = find(talks, speaker="Lovelace")
    assert len(lovelace) == 1
    talk = lovelace[0]
    assert talk.title == "Engines That Weave Algebraic Patterns"
    assert talk.kind == "invited talk"  # 'Keynote' in the Type column
    assert set(talk.docs) == {"talks/keynote-lovelace.md", "summit-2031.md"}
    # The whole note about the talk is attributed to it, Q&A included.
    own = [c for c in chunks if c.doc == "talks/keynote-lovelace.md"]
    assert own and all(talk.id in c.talk_ids for c in own)
    panel = find(talks, speaker="Hopper")[0]
    assert panel.kind == "panel" and panel.speakers == ["Grace Hopper", "Alan Turing"]
    gardening = find(talks, title="Gradient Gardening")[0]
    assert gardening.kind == "tutorial"
    assert gardening.speakers == ["Rosalind Franklin", "James Clerk Maxwell"]
    assert any(gardening.id in c.talk_ids and "Warm restarts" in c.text for c in chunks)
    noether = find(talks, speaker="Noether")[0]
    assert noether.title == "Frozen Lakes and Warm Starts"
    assert noether.kind == "invited talk"


def test_catalogue_file_adds_talks_and_aliases(tmp_path: Path) -> None:
    import shutil

    corpus = tmp_path / "c"
    shutil.copytree(FIXTURE_CORPUS, corpus)
    catalogue = corpus / "talks.yaml"
    catalogue.write_text(
        "talks:\n"
        "  - title: Engines That Weave Algebraic Patterns\n    aliases: [the weaving keynote]\n"
        "  - title: Spreadsheet Weather\n    kind: poster\n    speakers: [Lewis Fry Richardson]\n"
    )
    talks, chunks = catalogue_of(corpus, catalogue)
    lovelace = find(talks, speaker="Lovelace")[0]
    assert "the weaving keynote" in lovelace.aliases
    added = find(talks, title="Spreadsheet Weather")
    assert len(added) == 1 and added[0].kind == "paper" and added[0].speakers == ["Lewis Fry Richardson"]


def test_split_names_drops_affiliations_keeps_names() -> None:
    assert split_names("Shichang (Ray) Zhang (Harvard), Himabindu Lakkaraju (Harvard), Julius Adebayo (Guide Labs)") == [
        "Shichang Zhang", "Himabindu Lakkaraju", "Julius Adebayo"]
    assert split_names("Adam Block, Dylan Foster and Max Simchowitz") == ["Adam Block", "Dylan Foster", "Max Simchowitz"]


def test_a_role_at_an_organisation_and_a_room_are_not_people() -> None:
    """After a name, 'role at Org' names an employer; 'Salle Bleue' is a room: neither is a speaker."""
    assert split_names("Diego Salvatierra, arquitecto de pagos en Tesela Pay") == ["Diego Salvatierra"]
    assert split_names("Ana Lee, staff engineer at Acme Robotics, and Tom Wu") == ["Ana Lee", "Tom Wu"]
    assert split_names("Jan de Vries en Piet Bakker") == ["Jan de Vries", "Piet Bakker"]  # 'en' is 'and' here
    assert split_names("Aarav Shah, Mapleleaf Commerce") == ["Aarav Shah"]
    assert split_names("Harriet Cole, Salle Bleue") == ["Harriet Cole"]


def test_key_highlights_items_are_attributed_to_their_own_talks() -> None:
    """Each numbered highlight of neurips-2025-notes.md (a bold lead line and its bullets) is about its own talk;
    nothing carries over from one item to the next."""
    from confqa.ingest.markdown import parse as parse_blocks

    documents = load_corpus(SHIPPED_CORPUS).documents
    catalogue = build_catalogue([parse_blocks(d) for d in documents])
    lines = (SHIPPED_CORPUS / "neurips-2025-notes.md").read_text().splitlines()
    titles = {t.id: t.title for t in catalogue.talks}

    def talks_of_item(number: int) -> set[str]:
        start = next(i for i, line in enumerate(lines, 1) if line.startswith(f"**{number}. "))
        end = next((i - 1 for i, line in enumerate(lines, 1) if i > start and not line.strip()), len(lines))
        found = [set(catalogue.attribution.talks_of("neurips-2025-notes.md", n, n)) for n in range(start, end + 1)]
        assert all(f == found[0] for f in found), (number, found)  # the lead line and every bullet agree
        return {titles[t] for t in found[0]}

    assert talks_of_item(1) == {next(t for t in titles.values() if "Alien Intelligences" in t)}
    assert talks_of_item(2) == {"The Art of (Artificial) Reasoning"}
    assert talks_of_item(4) == {"Are We Having the Wrong Nightmares About AI?"}
    assert talks_of_item(6) == {"Responsible AI Research & Unlearning"}
    assert talks_of_item(7) == {"Agentic Development at the Frontier"}  # was carried over from item 6


def test_a_speaker_named_only_in_a_panels_prose_is_found() -> None:
    documents = load_corpus(SHIPPED_CORPUS).documents
    from confqa.ingest.markdown import parse as parse_blocks

    catalogue = build_catalogue([parse_blocks(d) for d in documents])
    panel = next(t for t in catalogue.talks if "Ofir Press" in t.speakers)
    assert panel.kind == "panel" and panel.docs == ["thoughts-on-neurips-2025.md"]
    lines = (SHIPPED_CORPUS / "thoughts-on-neurips-2025.md").read_text().splitlines()
    second = next(i for i, line in enumerate(lines, 1) if line.startswith("Second, he commented"))
    assert panel.id in catalogue.attribution.talks_of("thoughts-on-neurips-2025.md", second, second)


_SURNAMES = ["Mitchell", "Al-Amin", "O'Neil", "Neil", "Lovelace", "Zhang", "Müller", "Nguyen-Tran", "Ng"]
_PIECES = [*_SURNAMES, "said", "the", "talk", "-", "'", "’", " ", ".", ",", "_", "x", "s", "Mitchells", "ZhangWei"]


@given(st.lists(st.sampled_from(_PIECES), max_size=16))
@settings(max_examples=400, deadline=None)
def test_names_in_finds_what_a_regex_of_every_surname_finds(pieces: list[str]) -> None:
    """talks.naming.names_in replaces a regex of every speaker's surname between \\b (which a catalogue of tens of
    thousands of speakers makes slow to build and to run): same answer on any text."""
    import re

    from confqa.talks.naming import names_in

    text = "".join(pieces)
    pattern = re.compile(r"\b(?:" + "|".join(re.escape(n) for n in sorted(_SURNAMES, key=len, reverse=True)) + r")\b")
    assert names_in(text, frozenset(_SURNAMES)) == bool(pattern.search(text)), text


def test_a_numbered_heading_names_its_talk_by_its_label_without_merging_series(tmp_path: Path) -> None:
    """'## Tutorial 4: Title' gives its talk the label "Tutorial 4", a name a question may use; two notes each
    with a "Talk 1" keep two talks (a label is never compared when merging), and routing finds each by its label
    and its event's words."""
    from confqa.search.routing import RoutingTable, route_talks
    from confqa.settings import RoutingSettings

    (tmp_path / "fest.md").write_text("# CompilerFest 2025\n\n## Talk 1: Register Allocation Revisited\n\n"
                                      "Graph colouring still wins for small functions.\n\n"
                                      "## Talk 2: MLIR in Production\n\nFour dialects, one lowering pipeline.\n",
                                      encoding="utf-8")
    (tmp_path / "meetup.md").write_text("# Rust Lagos Meetup 3\n\n## Talk 1: Async Without Tears\n\n"
                                        "Cancellation safety is the hard part.\n", encoding="utf-8")
    talks, _ = catalogue_of(tmp_path)
    register = find(talks, title="Register Allocation")
    async_talk = find(talks, title="Async Without Tears")
    assert len(register) == 1 and len(async_talk) == 1 and register[0].id != async_talk[0].id, [t.title for t in talks]
    assert "Talk 1" in register[0].aliases and "Talk 1" in async_talk[0].aliases
    assert "Talk 2" in find(talks, title="MLIR")[0].aliases
    table = RoutingTable.of(talks)
    assert route_talks("What was Talk 2 about?", table, RoutingSettings()).talk_ids[:1] == (find(talks, title="MLIR")[0].id,)
    assert set(route_talks("Who gave Talk 1?", table, RoutingSettings()).talk_ids) == {register[0].id, async_talk[0].id}
