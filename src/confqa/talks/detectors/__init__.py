"""Talk detectors: one small function per way notes introduce a talk, each reading the parsed blocks of one note.

A detector looks at one block (and what follows it in its section) and records what it finds in the note's
`NoteScan`: a new talk candidate, or speakers for the talk of a section. The name of the detector is recorded
on each mention (`TalkMention.how`), so `confqa talks` can say which rule found a talk.

Structural shapes are in `structure`, shapes of running text in `prose`, what they share in `scan`. Shapes, each with
its fixture note in tests/test_talk_shapes.py:
  table        a table with a title column and a speaker, type or kind-of-section column (links: evidence)
  heading      '## Keynote: Title (Jane Doe)', '## Keynote by Jane Doe: Title', '## Tutorial 7: Title',
               '# Workshop write-up: Title', '## Mon 15 Jan — Keynote: "Title"' (the day before the kind is when)
  name-heading '### Jane Doe — Title', '### Title — Jane Doe', '### 3. "Title" by Jane Doe (Org)', '## Slide 2 —
               "Title" (keynote)' with its section's credit line ('— slide notes from Okoro's keynote (Chiamaka Okoro)')
  parenthesis  '## Fairness at Scale (Ana de la Cruz)': a person (not a topic, not a company) in parentheses
  byline       a heading, then '*Jane Doe, Stanford*', 'by Jane Doe' or 'Jane Doe (Stanford)' on its own line
  presenters   'Speaker: Jane Doe', '**Presenters:** A (Org), B and C', 'speaker:: [[Jane Doe]]', 'speaker:: ?'
  list-item    '- **Title** by Jane Doe — summary', '1. **Title** (Jane Doe)', '- Keynote: Title — Jane Doe (Org)',
               '- Schulz — <topic>' (a log of surname and topic items, each with its notes), '🎤 Jane Doe – "Title"'
               alone over the list of its notes (a bullet journal), '**1. A takeaway** (Title — Jane Doe, keynote)'
               and '**2. Another** (Title)', '- Title (Jane Doe, Org): summary', '- Title (moderator: A, Org;
               panellists: B, C): Closing panel …', '- "Title" — Jane Doe: summary'
  speaker-list '- **Princessa Cinquecchia (Boston University)** - what she said' under a talk's heading
  panel        the people a panel's prose names ('moderated by X', "Ofir Press's points")
  highlight    '**1. Title (Jane Doe)**' lead lines, and bold highlights that match a talk by topic
  inline       "Mitchell's invited talk _Title_", 'Choi gave a tutorial on "Title"', 'A followed with "Title"', '"Title",
               run by A (Org) and B', 'The opening keynote was A from Org on "Title"', 'Second, Dr. A, "Title".'
  fields       'Title: …' and 'Speaker: …' lines in one block (or a definition list: 'Speaker' / ': Jane Doe'), or one
               '**Talk:** *Title* — Jane Doe (Org)' under a heading that quotes the talk, or 'Talk: "Title"' under
               '## Q&A with Jane Doe after her talk'
  lead         '**09:00 Keynote.** Jane Doe (Org) — *Title*', '**Tutorial T3 — Title**' with its presenters below
  prose        'Next up was Jane Doe from Org, who …. The talk was called *Title*'; 'a panel, "Title", moderated by …'
  person-heading '### Jane Doe' whose section names the talk ('her keynote, "Title"', 'talked about <topic>'), and
               '### Okafor' under a schedule: the section of that speaker's own talk
  title-line   a paragraph of '•' bullets led by '→ Title (Jane Doe, Org)', '[Jane Doe] Title', '[Panel] Title — mod: A'
  presenters (in the block) '2.1. Presenter: Jane Doe' inside the item '2. Keynote: "Title"' (minutes in an outline)
  kind-line    'Keynote: "Title"' on a line of its own over a byline ('Prof. Jane Doe (Org)') or labelled people
               ('Moderator: A' / 'Panellists: B, C'), and the outline item '- Keynote: "Title"' over its child item
               '- Speaker: Jane Doe (Org)'
  reference    'Okonkwo, A. & Liu, B. (2023). "Title". Venue.' on its own line, its presenter from the summary below
  given-by     'was run by Dr. Jane Doe (Org) and John Roe' in the first paragraph under a talk's heading
  topic        'Jane Doe talked about <topic>' when the note gives the talk no title (a footnote on it may give the
               title: '[^1]: The official title … was "Title"')
  title        a heading (or a note's title) that is the title of a talk found elsewhere
  front-matter 'speaker: Jane Doe' in a note's front matter: the whole note is that talk"""

from __future__ import annotations

from confqa.ingest.markdown import ParsedDocument
from confqa.lexical import surname
from confqa.talks.candidate import Candidate
from confqa.talks.detectors.prose import (
    detect_highlight,
    detect_inline,
    detect_lead_talk,
    detect_non_talk_lead,
    detect_panel,
    detect_panel_bullets,
    detect_prose_talk,
    detect_topic_talk,
)
from confqa.talks.detectors.scan import (
    Detector,
    NoteScan,
)
from confqa.talks.detectors.structure import (
    detect_by_heading,
    detect_byline,
    detect_fields,
    detect_front_matter,
    detect_given_by,
    detect_kind_heading,
    detect_kind_line,
    detect_labelled_lines,
    detect_list_item,
    detect_name_heading,
    detect_paren_heading,
    detect_person_heading,
    detect_presenters,
    detect_quoted_heading,
    detect_reference,
    detect_speaker_list,
    detect_table,
    detect_title_heading,
    detect_title_line,
    detect_who_dash_topic,
)
from confqa.talks.names import Vocabulary

# Which detectors read which kind of block, in order: the ones that create a section's talk come before those
# that add speakers to it.
DETECTORS: dict[str, tuple[Detector, ...]] = {
    "table": (detect_table,),
    "heading": (detect_quoted_heading, detect_kind_heading, detect_by_heading, detect_name_heading, detect_paren_heading,
                detect_person_heading),
    "paragraph": (detect_title_line, detect_reference, detect_non_talk_lead, detect_fields, detect_kind_line, detect_lead_talk, detect_presenters, detect_byline, detect_list_item, detect_panel,
                  detect_highlight, detect_prose_talk, detect_topic_talk, detect_inline),
    "list": (detect_presenters, detect_byline, detect_kind_line, detect_list_item, detect_who_dash_topic, detect_speaker_list, detect_panel_bullets,
             detect_prose_talk, detect_topic_talk, detect_inline),
}


# Run after the note's other detectors, once every section's own talk is known.
LATE_DETECTORS: dict[str, tuple[Detector, ...]] = {"heading": (detect_title_heading,), "list": (detect_labelled_lines,),
                                                   "paragraph": (detect_labelled_lines, detect_given_by)}


def scan_note(parsed: ParsedDocument, vocabulary: Vocabulary, notes: frozenset[str]) -> list[Candidate]:
    """Every talk candidate one note names."""
    scan = NoteScan(parsed, vocabulary, notes)
    detect_front_matter(scan)
    blocks = parsed.blocks
    for detectors in (DETECTORS, LATE_DETECTORS):
        scan.lead = None
        for index, block in enumerate(blocks):
            if block.kind == "heading":
                scan.lead, scan.non_talk_lead = None, False  # what a lead introduced ends at the next heading
            for detector in detectors.get(block.kind, ()):
                detector(scan, blocks, index)
    return _without_shadowed_topics(scan.found)


def _without_shadowed_topics(found: list[Candidate]) -> list[Candidate]:
    """A talk known only by its topic is dropped when the note names a titled talk by the same person (it is that
    talk: 'X talked about passkeys. The talk was called *Breaking Passkey Recovery*')."""
    titled = {surname(s).lower() for c in found if not c.topic for s in c.speakers}
    return [c for c in found if not c.topic or not {surname(s).lower() for s in c.speakers} & titled]
