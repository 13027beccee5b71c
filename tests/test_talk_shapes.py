"""Talk detection, one fixture per way notes introduce a talk (and the look-alikes that are not talks).

Each fixture is a short note of the shape; the test indexes nothing, it parses the note, runs the detectors and
merge, and checks the titles and speakers found."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from confqa.ingest.loading import load_document_bytes
from confqa.ingest.markdown import parse
from confqa.models import Talk
from confqa.talks import attributed, build_catalogue

FILLER = ("The speaker walked through the methods, the evaluation and the open problems, with results on several "
          "benchmarks and a long discussion of what the field should measure next.")


def catalogue(notes: dict[str, str], yaml: str | None = None, tmp_path: Path | None = None) -> list[Talk]:
    parsed = [parse(load_document_bytes(textwrap.dedent(text).encode(), name)) for name, text in notes.items()]
    path = None
    if yaml is not None and tmp_path is not None:
        path = tmp_path / "talks.yaml"
        path.write_text(textwrap.dedent(yaml))
    return build_catalogue(parsed, path).talks


def found(talks: list[Talk]) -> set[tuple[str, tuple[str, ...]]]:
    return {(t.title, tuple(t.speakers)) for t in talks}


SHAPES = {
    "kind-heading-paren": (
        "## Keynote: Scaling Laws Revisited (Jane Doe)\n\n" + FILLER,
        {("Scaling Laws Revisited", ("Jane Doe",))}),
    "kind-heading-by": (
        "## Keynote by Jane Doe: Scaling Laws Revisited\n\n" + FILLER,
        {("Scaling Laws Revisited", ("Jane Doe",))}),
    "kind-heading-numbered": (
        "## Tutorial 7: Robot Learning (Diffusion Policies)\n\nWe saw how diffusion models serve as policies for "
        "robot learning. " + FILLER,
        {("Robot Learning (Diffusion Policies)", ())}),
    "name-dash-title": (
        "# Notes\n\n## Talks\n\n### Jane Doe — Retrieval at Billion Scale\n\n" + FILLER
        + "\n\n### Kwame Mensah - Sparse Training for Everyone\n\n" + FILLER,
        {("Retrieval at Billion Scale", ("Jane Doe",)), ("Sparse Training for Everyone", ("Kwame Mensah",))}),
    "title-dash-name": (
        "# Notes\n\n### Retrieval at Billion Scale — Jane Doe\n\n" + FILLER,
        {("Retrieval at Billion Scale", ("Jane Doe",))}),
    "italic-byline": (
        "# Day one\n\n### Calibrated Uncertainty for Agents\n\n*Jane Doe, Stanford University*\n\n" + FILLER,
        {("Calibrated Uncertainty for Agents", ("Jane Doe",))}),
    "by-byline": (
        "# Day one\n\n### Calibrated Uncertainty for Agents\n\nby Pieter van den Berg\n\n" + FILLER,
        {("Calibrated Uncertainty for Agents", ("Pieter van den Berg",))}),
    "affiliation-byline": (
        "# Day one\n\n### Calibrated Uncertainty for Agents\n\nMei-Ling Chen (Tsinghua University)\n\n" + FILLER,
        {("Calibrated Uncertainty for Agents", ("Mei-Ling Chen",))}),
    "bold-item-by": (
        "# Orals\n\n- **Graph Transformers Without Attention** by Jane Doe — linear time on large graphs\n"
        "- **Benchmarks That Age Well** by Ana de la Cruz: why test sets should rotate\n",
        {("Graph Transformers Without Attention", ("Jane Doe",)),
         ("Benchmarks That Age Well", ("Ana de la Cruz",))}),
    "bold-item-paren": (
        "# Orals\n\n1. **Graph Transformers Without Attention** (Jane Doe) - linear time on large graphs\n",
        {("Graph Transformers Without Attention", ("Jane Doe",))}),
    "table-no-outer-pipes": (
        "# Programme\n\nTitle | Speaker | Notes\n--- | --- | ---\nScaling Laws Revisited | Jane Doe | compute\n"
        "Sparse Training for Everyone | Kwame Mensah | pruning\n",
        {("Scaling Laws Revisited", ("Jane Doe",)), ("Sparse Training for Everyone", ("Kwame Mensah",))}),
    "paren-person": (
        "# Notes\n\n## Fairness at Scale (Ana de la Cruz)\n\n" + FILLER,
        {("Fairness at Scale", ("Ana de la Cruz",))}),
    "presenters-line": (
        "# Notes\n\n## Tutorial: Causal Inference for ML\n\n**Presenters:** J. K. Ortiz (MIT), Amara Okafor and "
        "Lukas Schmidt\n\n" + FILLER,
        {("Causal Inference for ML", ("J. K. Ortiz", "Amara Okafor", "Lukas Schmidt"))}),
    "speaker-line": (
        "# Notes\n\n## Invited Talk: Learning From Logs\n\nSpeaker: Jane Doe (Meta)\n\n" + FILLER,
        {("Learning From Logs", ("Jane Doe",))}),
    "bold-name-bullets": (
        "# Notes\n\n## Panel: The Future of Peer Review\n\n- **Princessa Cinquecchia (Boston University)** - argued "
        "for open reviews\n- **Tomasz Nowak (ETH Zurich)** - wants fewer, better papers\n",
        {("The Future of Peer Review", ("Princessa Cinquecchia", "Tomasz Nowak"))}),
    "panel-prose": (
        "# Notes\n\n## Panel: Open Models\n\nThe panel, moderated by Grace Liu, brought together Rahul Verma "
        "(Google), Sofia Rossi and Daniel Osei. " + FILLER,
        {("Open Models", ("Grace Liu", "Rahul Verma", "Sofia Rossi", "Daniel Osei"))}),
    "adjective-kind-person-colon": (
        "# Day 1\n\n## Opening Keynote — Yann LeCun: Objective-Driven AI\n\n" + FILLER,
        {("Objective-Driven AI", ("Yann LeCun",))}),
    "numbered-name-heading": (
        "# Orals\n\n### 3. Siobhan O'Connor (UCL): Memory Layers at Scale\n\n" + FILLER,
        {("Memory Layers at Scale", ("Siobhan O'Connor",))}),
    "bold-paragraph-by": (
        "# Notes\n\n**Invited talk: Learning From Logs** — Jane Doe\n\n" + FILLER,
        {("Learning From Logs", ("Jane Doe",))}),
    "fields": (
        "# Notes\n\n**Title:** Learning From Logs\n**Speaker:** Jane Doe (Meta)\n**Room:** 6A\n\n" + FILLER,
        {("Learning From Logs", ("Jane Doe",))}),
    "authors-first-bullet": (
        "## Orals\n\n### Multiscale Equilibrium Models\n- Shaojie Bai et al.\n\n### Explicit Layers\n- " + FILLER
        + "\n### Contrastive Predictive Coding\n- Jiaming Song\n- Learning compact representations without labels\n",
        {("Multiscale Equilibrium Models", ("Shaojie Bai et al.",)), ("Contrastive Predictive Coding", ("Jiaming Song",))}),
    "kind-heading-then-person-then-quoted-title": (
        "# Day 1\n\n### keynote — Astrid Lindgren-Holm (Polar Grid)\n\"Why Batch Jobs Still Matter\"\n- retries beat "
        "heroics\n",
        {("Why Batch Jobs Still Matter", ("Astrid Lindgren-Holm",))}),
    "kind-heading-parenthetical-before-colon": (
        "# Notes\n\n### tutorial (afternoon, 2h): Property Testing in Practice\nMarta Kowalska (Quill) & Ben Okoro\n"
        "- generators, shrinking\n",
        {("Property Testing in Practice", ("Marta Kowalska", "Ben Okoro"))}),
    "bold-lead-kind-then-person-and-italic-title": (
        "# Log\n\n**11:15 Invited talk.** Dr. Rangi Parata (Massey University) — *Listening Before Labelling*.\n"
        "- community review of every dataset\n",
        {("Listening Before Labelling", ("Rangi Parata",))}),
    "bold-lead-with-labels": (
        "# Log\n\n**15:00 Panel: Do We Still Need Peer Review?**\n\nModerator: Ji-woo Han (KAIST)\nPanellists: Omar "
        "Haddad, Lena Vogt (Aleph\nLabs), Rui Santos\n\n- fun panel\n",
        {("Do We Still Need Peer Review?", ("Ji-woo Han", "Omar Haddad", "Lena Vogt", "Rui Santos"))}),
    "bold-lead-with-parenthesised-presenters": (
        "# Log\n\n**Tutorial T2 — Fair Ranking Without Labels**\n(Maya Goldberg, Tomás Rey; 9:00–12:30)\n- exposure "
        "matters\n",
        {("Fair Ranking Without Labels", ("Maya Goldberg", "Tomás Rey"))}),
    "prose-person-then-italic-title": (
        "# Blog\n\n## Day one\n\nAfter coffee came Ingrid Bakke from Fjord Systems with *Caching at the Edge of "
        "Reason*, a tour of cache invalidation bugs. " + FILLER,
        {("Caching at the Edge of Reason", ("Ingrid Bakke",))}),
    "prose-keynote-then-her-talk-quoted": (
        "# Blog\n\n## Day one\n\nThe opening keynote was by Zanele Khumalo, who leads research at Baobab Labs. Her "
        "talk, \"Maps Are Not Territories\", argued for humility. " + FILLER,
        {("Maps Are Not Territories", ("Zanele Khumalo",))}),
    "prose-titled-without-speaker": (
        "# Blog\n\n## Day two\n\nThere was a sponsored slot from Acme, titled \"Observability for Everyone\". I "
        "missed the speaker's name. " + FILLER,
        {("Observability for Everyone", ())}),
    "prose-panel-with-bullets": (
        "# Blog\n\n## The panel\n\nThe day ended with a panel, \"Who Maintains the Maintainers?\", moderated by "
        "Priya Nair (OpenSSF). The panellists were:\n\n- Kofi Boateng, who maintains a parser library;\n- Hanna "
        "Virtanen, from a public funder;\n",
        {("Who Maintains the Maintainers?", ("Priya Nair", "Kofi Boateng", "Hanna Virtanen"))}),
    "title-then-person-in-parentheses": (
        "# Notes\n\nmissed: Rust Is Not Magic (Pavel Novák, Ferrous) — was in a meeting. " + FILLER,
        {("Rust Is Not Magic", ("Pavel Novák",))}),
    "workshop-run-by": (
        "# Notes\n\n## Not attended\n\n- the afternoon had the Embedded Graphics Workshop run by Lucía Ortega "
        "(Espressif), which clashed with lunch\n",
        {("Embedded Graphics Workshop", ("Lucía Ortega",))}),
    "quoted-title-dash-person-in-list": (
        "# Notes\n\n### lightning talks\n- best one: \"SQLite as a Message Queue\" — Ana Petrović\n  - surprisingly "
        "solid\n",
        {("SQLite as a Message Queue", ("Ana Petrović",))}),
    "schedule-table": (
        "# Programme\n\n| Time | Session | Speaker(s) |\n|---|---|---|\n| 09:00 | Welcome and introduction | Organisers |"
        "\n| 09:15 | Invited talk: Soil Is Data | Aroha Ngata (Lincoln University) |\n| 10:00 | Coffee break | — |\n"
        "| 10:30 | Oral 1: Drones Over Vineyards | Luca Bianchi, Sara Conti |\n",
        {("Soil Is Data", ("Aroha Ngata",)), ("Drones Over Vineyards", ("Luca Bianchi", "Sara Conti"))}),
    "numbered-bold-title-dash-person-wrapped": (
        "# Meetup #9\n\n## The talks\n\n1. **Lock-Free Queues in Practice** — Joana Ribeiro da Costa\n   (Harbour Labs)\n"
        "   Joana started from a production incident.\n2. ⚡ Lightning talk: **Five Minutes of eBPF** — Ravi K. Menon\n"
        "   Short and sharp.\n",
        {("Lock-Free Queues in Practice", ("Joana Ribeiro da Costa",)), ("Five Minutes of eBPF", ("Ravi K. Menon",))}),
    "plain-dash-items": (
        "# Day 2\n\n## Session 1\n\nChair: Prof. Dr. Ute Brandt (TU Graz)\n\n- Keynote: Threat Models for Small Teams — "
        "Amina Yusuf (Open Defence)\n  - four questions on a card\n- Signing Is Not Provenance — Karl E. Huber, Mia Lind "
        "(Nordlys)\n  - signed but malicious\n",
        {("Threat Models for Small Teams", ("Amina Yusuf",)), ("Signing Is Not Provenance", ("Karl E. Huber", "Mia Lind"))}),
    "who-what-table": (
        "# Digest\n\n## Invited talks\n\n| Who | What | Slides |\n|---|---|---|\n| Sato Yui (Kobe Lab) | Priors for "
        "Sensor Networks | [pdf](https://x.org/a.pdf) |\n| Pieter-Jan Claes | Inference at the Edge | not posted |\n",
        {("Priors for Sensor Networks", ("Sato Yui",)), ("Inference at the Edge", ("Pieter-Jan Claes",))}),
    "panel-people-table": (
        "# Summit\n\n### The closing panel\n\nThe closing panel, \"Shipping Features Nobody Asked For\", was candid.\n\n"
        "| Role | Name | Company |\n|---|---|---|\n| Moderator | Nadia Rahman | Dhow Capital |\n| Panellist | Chen "
        "Mei-ling | Tamsui Health |\n| Panellist | Tane Walker | Kowhai Software |\n",
        {("Shipping Features Nobody Asked For", ("Nadia Rahman", "Chen Mei-ling", "Tane Walker"))}),
    "definition-list-speaker": (
        "# Fair GPU Scheduling in Shared Clusters\n\nSpeaker\n: Yamada Kenta (Kosei Research)\n\nSession chair\n: "
        "Anne Roy\n\n## Why I went\n\n" + FILLER,
        {("Fair GPU Scheduling in Shared Clusters", ("Yamada Kenta",))}),
    "heading-is-the-speaker": (
        "# Summit summary\n\n## Sessions\n\n### Dana Oyelaran\n\nDana's opening keynote, \"Roadmaps Are Promises\", "
        "was the best talk. " + FILLER + "\n\n### Lee Min-ho\n\nLee Min-ho (Hanbit) talked about pricing experiments in "
        "marketplaces; the schedule said TBA.\n",
        {("Roadmaps Are Promises", ("Dana Oyelaran",)), ("pricing experiments in marketplaces", ("Lee Min-ho",))}),
    "title-people-colon-items": (  # a wiki's bullets: title, people in parentheses, a colon and what it was
        "# Summit 2031\n\n## Plenary\n\n- The Half-Life of an Insight (Marcus O'Donnell-Reyes, Harbour City FC): "
        "Opening keynote on day 1. He estimated that an edge lasts 18 months.\n- Data Ethics in Youth Sport (moderator: "
        "Aisha Rahman, University of Copenhagen; panellists: Jonas Halvorsen, Norwegian Football Federation; Beatriz "
        "da Silva Costa, Athlete Data Rights Initiative): Closing panel on day 2.\n- Heat Acclimation Without a Heat "
        "Chamber (Signe Mortensen, Rafael Q. Villanueva; Aarhus Sports Lab): Cyclists trained in extra layers.\n",
        {("The Half-Life of an Insight", ("Marcus O'Donnell-Reyes",)),
         ("Data Ethics in Youth Sport", ("Aisha Rahman", "Jonas Halvorsen", "Beatriz da Silva Costa")),
         ("Heat Acclimation Without a Heat Chamber", ("Signe Mortensen", "Rafael Q. Villanueva"))}),
    "slide-heading-credit-line": (  # a slide recap: the quoted title in the heading, the speaker in its footer
        "# Recap\n\n## Slide 2 — \"Register Allocation Is Still Hard\" (keynote)\n- Linear scan: 4.1x faster to "
        "compile\n\n_— slide notes from Okoro's keynote (Chiamaka Okoro, Fastlane Systems)_\n\n---\n\n## Slide 3 — "
        "\"MLIR in Production: Two Years In\" (talk)\n- Clean builds 35% slower\n\n_— slide notes from Hyun-woo Baek's "
        "talk (Sonance Audio)_\n\n## Slide 5 — Lightning round\n- \"A Fuzzer in 200 Lines\" — Nadia El-Amrani: a "
        "grammar-based fuzzer in Python\n",
        {("Register Allocation Is Still Hard", ("Chiamaka Okoro",)), ("MLIR in Production: Two Years In",
                                                                     ("Hyun-woo Baek",)),
         ("A Fuzzer in 200 Lines", ("Nadia El-Amrani",))}),
    "dutch-fields": (  # 'Spreker:', 'Begeleiders:', 'Panelleden:' and the title given in full below the heading
        "# Symposium\n\n## Openingskeynote: Het craquelé-archief\n\nSpreker: dr. Anneke de Wit-Verhoeven (Nationaal "
        "Restauratie Atelier)\nVolledige titel: \"Het craquelé-archief: machine learning op 40.000 close-ups\"\n\n- "
        + FILLER + "\n\n## Paneldiscussie: Wie betaalt de digitale tweeling?\n\n- Moderator: Pieter-Jan Claes (Erfgoedlab "
        "Gent)\n- Panelleden: Fatima Bouzidi (Stadsarchief Dordrecht), Henk van der Linden (Haarlem)\n- " + FILLER + "\n",
        {("Het craquelé-archief: machine learning op 40.000 close-ups", ("Anneke de Wit-Verhoeven",)),
         ("Wie betaalt de digitale tweeling?", ("Pieter-Jan Claes", "Fatima Bouzidi", "Henk van der Linden"))}),
    "topic-titled-in-a-footnote": (  # a diary speaks of the talk by its topic; a footnote gives its title
        "# Tuesday\n\nAfter lunch I sat in on Dr. Amal Haddad's session about playing recordings of healthy reefs "
        "through underwater loudspeakers.[^1] Best talk of the week so far.\n\n[^1]: The official title, which I "
        "found later in the programme, was \"Acoustic Enrichment: Reef Sounds for Degraded Reefs\".\n",
        {("Acoustic Enrichment: Reef Sounds for Degraded Reefs", ("Amal Haddad",))}),
    "topic-only-talks": (
        "# Notes\n\n## Day 1\n\nAfter that I caught Ngozi Adeyemi-Clarke's session on gradual typing in old "
        "codebases, which was useful. Later Paulina Nowak did a five-minute rant about why time zones are cursed. "
        "Then Mateo Ruiz talked about passkeys. The talk was called *Breaking Recovery Flows*.\n",
        {("gradual typing in old codebases", ("Ngozi Adeyemi-Clarke",)),
         ("why time zones are cursed", ("Paulina Nowak",)), ("Breaking Recovery Flows", ("Mateo Ruiz",))}),
    "live-blog": (
        "# LIVE: Data Summit\n\n**09:10** — Keynote time. Dr. Hanne van der Berg (Open Metingen) on\n\"The Boring "
        "Parts Matter\".\n\n**09:16** — Her opening slide is a cron job.\n\n**15:52** — Erik Ø. Haugland: \"Parquet Is "
        "Not a Database\". Correct, and funny.\n\n**16:05** — Closing remarks from the chair.\n",
        {("The Boring Parts Matter", ("Hanne van der Berg",)), ("Parquet Is Not a Database", ("Erik Ø. Haugland",))}),
    "prose-initials-and-by-about": (
        "# Notes\n\nThe last talk I went to was the talk by J. P. Moreau about \"Packaging Python: A Field Guide\". "
        + FILLER,
        {("Packaging Python: A Field Guide", ("J. P. Moreau",))}),
    "fields-as-separate-paragraphs": (
        "# Team notes\n\n# Day 1 \\- Tuesday\n\n**Talk:** Platforms for the Next Billion (opening keynote)\n\n**Who:** "
        "Amina Warsame (Twiga Cloud)\n\n**Notes by:** Achieng\n\n* offline first\n\n**Talk:** Panel \\- On-Call Health\n\n"
        "**Who:** Moderated by Grace Wambui (DevOps KE). Panellists: Thabo Dlamini (Yoco), Olga Ivanova (Grafana)\n\n"
        "* pages that need no action are not pages\n",
        {("Platforms for the Next Billion", ("Amina Warsame",)),
         ("On-Call Health", ("Grace Wambui", "Thabo Dlamini", "Olga Ivanova"))}),
    "numbered-heading-title-by-person": (
        "---\ntitle: My top 3\n---\n\n### 3. \"Container Queries in Anger\" by Florencia Medina (MercadoLibre)\n\n"
        + FILLER + "\n\n### 2. The hallway track\n\nNot a talk. " + FILLER
        + "\n\n### 1. Keynote: \"The Web Is for Documents\" by Henrique Sato\n\n" + FILLER,
        {("Container Queries in Anger", ("Florencia Medina",)), ("The Web Is for Documents", ("Henrique Sato",))}),
    "surname-dash-topic-log": (
        "# meetups\n\n## Go Berlin #58 — 2024-02-08\n- Schulz — pgx connection pooling gotchas\n  - max conns per pod\n"
        "- Adebayo — generics, two years on\n  - typed caches\n- ~60 ppl. pizza meh\n\n## Go Berlin #61\n"
        "- Fischer — profile-guided optimisation in prod (LT)\n  - 7% CPU\n",
        {("pgx connection pooling gotchas", ("Schulz",)), ("generics, two years on", ("Adebayo",)),
         ("profile-guided optimisation in prod", ("Fischer",))}),
    "wiki-field-speaker": (
        "# Oxidize 2024\n\n## Day 1\n\n### Ownership Beyond Memory\nspeaker:: [[Marta Kowal]] (Oxbow Systems)\ntime:: 09:30"
        "\n- protocols\n\n### Zero-copy Deserialization\nspeaker:: ?\n- benchmarks\n",
        {("Ownership Beyond Memory", ("Marta Kowal",)), ("Zero-copy Deserialization", ())}),
    "bold-quoted-title-in-prose": (
        "# Trip report\n\n## Theme 1\n\nThe opening keynote set the tone. Margit Voll (ETH Zürich) gave **\"The Disk Is "
        "the Network\"**. " + FILLER + "\n\nTomás Ferraz did a great job presenting our paper **\"Checking Crash "
        "Consistency\"** on Tuesday.\n",
        {("The Disk Is the Network", ("Margit Voll",)), ("Checking Crash Consistency", ("Tomás Ferraz",))}),
    "property-table": (
        "# InfraCon\n\n## Keynote: Boring Infrastructure Is a Feature\n\n| Property | Value |\n| --- | --- |\n| Speaker | "
        "Inês Cardoso |\n| Company | Tidewell |\n| Time | 09:30 |\n\n- every interesting component is an incident\n",
        {("Boring Infrastructure Is a Feature", ("Inês Cardoso",))}),
    "quoted-heading-then-speaker": (
        "# Hack report\n\n## Invited talks\n\n### \"Open Data for Heat Pumps\"\n\nSamuel Otieno (Heatmap Collective), "
        "Saturday late morning. An overview of public data.\n\n### Kickoff: \"What Grid Operators Need\"\n\nDr. Katrin "
        "Vogt (Nordnetz) opened the event.\n",
        {("Open Data for Heat Pumps", ("Samuel Otieno",)), ("What Grid Operators Need", ("Katrin Vogt",))}),
    "html-details-summaries": (
        "# Meetup\n\n<details>\n<summary><strong>Talk 1 — Zero-Copy Parsing with nom</strong> · Karolina Nowak (Sowa)"
        "</summary>\n\n- no allocations\n\n</details>\n\n### Lightning talks\n\n<details>\n<summary>⚡ cargo-deny saved "
        "my weekend — Paweł Zieliński</summary>\n\nA licence check.\n\n</details>\n\n<details>\n<summary>⚡ Embedded "
        "async on the RP2040</summary>\n\nA student demo.\n\n</details>\n",
        {("Zero-Copy Parsing with nom", ("Karolina Nowak",)), ("cargo-deny saved my weekend", ("Paweł Zieliński",)),
         ("Embedded async on the RP2040", ())}),
    "team-demo": (
        "# Hackathon\n\n## Demos\n\n**Team Kilowatt Kids — PeakShaver.** Presented by Felix Braun and Mei Lin. A "
        "forecaster for flexible load.\n",
        {("PeakShaver", ("Felix Braun", "Mei Lin"))}),
    "unknown-speaker-item": (
        "# Notes\n\n### Lightning talks\n\n- **Why I Stopped Using Notebooks** — didn't write down who gave it, sorry.\n"
        "- **A Tiny Linter in 50 Lines** — Ana Petrov. Wrote it live.\n",
        {("Why I Stopped Using Notebooks", ()), ("A Tiny Linter in 50 Lines", ("Ana Petrov",))}),
    "spanish-de": (
        "# Notas\n\nPor la tarde, sesión de pósters. El que más me gustó:\n**\"Detección temprana de incendios\"**, de "
        "Jordi Puig\n(Universitat de Girona). Usa series temporales.\n",
        {("Detección temprana de incendios", ("Jordi Puig",))}),
    "guillemets": (
        "# Compte rendu\n\n## Mercredi\n\nPr. Hélène Garnier (HEC Montréal) : « Vehicle Routing with Electric Fleets »\n\n"
        + FILLER,
        {("Vehicle Routing with Electric Fleets", ("Hélène Garnier",))}),
    "heading-with-quoted-title-and-person": (
        "# Summer school\n\n## Series B — Tomás Echeverría (Universidad de Chile): \"Double Machine Learning in "
        "Practice\"\n\n" + FILLER,
        {("Double Machine Learning in Practice", ("Tomás Echeverría",))}),
    "quoted-title-dash-surname": (
        "# Meetup\n\n## Lightning talks\n\n- \"Why I Stopped Calling unwrap()\" — Mutua\n- \"Fearless FFI\" — Kipchoge\n",
        {("Why I Stopped Calling unwrap()", ("Mutua",)), ("Fearless FFI", ("Kipchoge",))}),
    "fields-with-a-panel-of-people": (
        "# Thread\n\n9/ 🎤 Panel at 11:30: \"Human Eval Is Dead\"\nModerator: Olivia Tremblay (Mila)\nPanel: Marcus Feld "
        "(Lumen AI), Zanele Dlamini (Wits University)\n",
        {("Human Eval Is Dead", ("Olivia Tremblay", "Marcus Feld", "Zanele Dlamini"))}),
    "fireside-host-and-guest": (
        "# Recap\n\n**Date:** Thursday, 15 May 2025, 16:30–17:15\n**Session:** Fireside chat — \"Building Data Teams That "
        "Last\"\n**Host:** Nadia Rahman (Kiezkauf)\n**Guest:** Henrik Solberg (Fjordline)\n\n" + FILLER,
        {("Building Data Teams That Last", ("Nadia Rahman", "Henrik Solberg"))}),
    "panel-heading-with-tables": (
        "# Report\n\n## 5. Panel \"Who Owns Speech Data?\"\n\n| Role | Name | Affiliation |\n|---|---|---|\n| Moderator | "
        "Aiko Fujimoto | NTT |\n| Panelist | Rosa Huamán | PUCP |\n\n| Topic | Summary |\n|---|---|\n| Consent | must be "
        "renewable |\n| Licensing | open licences help research |\n",
        {("Who Owns Speech Data?", ("Aiko Fujimoto", "Rosa Huamán"))}),
    "talks-seen-by-topic": (
        "# Summit\n\n## Afternoon breakout room\n\nHye-jin saw a workshop on Ray Serve autoscaling and a talk on "
        "carbon-aware training schedules. There was also a talk about schema drift in CDC pipelines by Marta Silva.\n",
        {("Ray Serve autoscaling", ()), ("carbon-aware training schedules", ()),
         ("schema drift in CDC pipelines", ("Marta Silva",))}),
    "bold-title-then-person-line": (
        "# Programme\n\n## Track A\n\n### Aula 1 · 09:30–10:15\n\n**Cloud-Free Mosaics with Diffusion Models**\nEwa "
        "Zielińska (Jagiellonian University)\nConditional diffusion for gap-filling.\n",
        {("Cloud-Free Mosaics with Diffusion Models", ("Ewa Zielińska",))}),
    "bold-title-then-keynote-by": (
        "# Recap\n\n## Thursday\n\n**The Lakehouse Is a Lie** was the opening keynote by Margarethe Olsen (Fjordline). "
        "She argued that most lakehouses are warehouses.\n\n**Data Contracts in Practice** — Fatima Zahra Idrissi and "
        "Pieter de Groot (both at Brightwater) did a double act.\n\n**\"Zero Trust for the Shop Floor\"**, Dr. Klaus "
        "Obermeier (RheinTec)\n\n" + FILLER,
        {("The Lakehouse Is a Lie", ("Margarethe Olsen",)),
         ("Data Contracts in Practice", ("Fatima Zahra Idrissi", "Pieter de Groot")),
         ("Zero Trust for the Shop Floor", ("Klaus Obermeier",))}),
    "abbreviated-kind-heading-then-quoted-title": (
        "# notes\n\n## 9:00 KN — Prof. Chidi Okafor (Imperial)\n\"Oversmoothing Is Not the Problem\"\n- optimisation\n\n"
        "## 10:30 oral — Mendes (didn't catch 1st name)\n\"Sheaf Networks on Heterophilous Graphs\"\n- restriction maps\n",
        {("Oversmoothing Is Not the Problem", ("Chidi Okafor",)),
         ("Sheaf Networks on Heterophilous Graphs", ("Mendes",))}),
    "schedule-rows-without-a-named-speaker": (
        "# Brown bags\n\n| # | Speaker(s) | Topic |\n|---|---|---|\n| 3 | (anonymous, see note) | Postmortem: The "
        "Checkout Outage |\n| 5 | — | *cancelled (office move)* |\n| 7 | Panel (see note) | On-Call Without Burnout |\n"
        "| 8 | all poster presenters | Poster session |\n",
        {("Postmortem: The Checkout Outage", ()), ("On-Call Without Burnout", ())}),
    "schedule-cell-with-title-and-speaker": (
        "# Meetup #9\n\n## Programme\n\n| When | What |\n|---|---|\n| 18:00 | Doors open, snacks |\n"
        "| 18:30 | **Lock-Free Queues in Practice** — Tomasz Wrona (Quarkline) |\n"
        "| 19:10 | Keynote: Ownership Without Tears — Ama Owusu |\n| 20:00 | Drinks at the corner bar |\n",
        {("Lock-Free Queues in Practice", ("Tomasz Wrona",)), ("Ownership Without Tears", ("Ama Owusu",))}),
    "bold-title-speaker-to-be-confirmed": (
        "# Day 3\n\n### Room 5 · 11:00\n\n**Flood Maps From Phone Barometers**\nSpeaker to be confirmed (Water "
        "Board)\nEarly results from a pilot along the river.\n",
        {("Flood Maps From Phone Barometers", ())}),
    "front-matter-speaker": (
        "---\ntitle: Learning From Logs\nspeaker: Hana Kobayashi\n---\n\n## Summary\n\n" + FILLER,
        {("Learning From Logs", ("Hana Kobayashi",))}),
    "prose-panel-and-talk-by-then-topic": (
        "# Recap\n\nThen a panel on vendor lock-in, moderated by Ingrid Solberg, with Kofi Mensah and Yuki Arai. They "
        "argued about exit clauses.\n\nThe last talk of the morning was by Pedro Almeida (Lusoft), on fuzzing parsers; "
        "he found 14 crashes.\n\nI missed the closing panel on accessibility audits.\n",
        {("vendor lock-in", ("Ingrid Solberg", "Kofi Mensah", "Yuki Arai")), ("fuzzing parsers", ("Pedro Almeida",))}),
    "poster-codes-with-the-presenter-on-the-next-line": (
        "# Poster walk\n\n## Posters\n\n**P-07 — \"Sparse Probes for Protein Folding\"**,\nDr. Lena Okoro (Delta "
        "Institute). Probes on 3 datasets.\n\n**P-12 — \"Cheap Assays for Soil Microbes\"**, Tarek Haddad (Agro Lab). "
        "Two field sites.\n",
        {("Sparse Probes for Protein Folding", ("Lena Okoro",)), ("Cheap Assays for Soil Microbes", ("Tarek Haddad",))}),
    "session-heading-with-its-chair": (
        "# Workshop\n\n## Session 2 — Storage Engines (chair: Marta Ilić)\n\n### Log-Structured Merges Revisited\n\n"
        "*Ole Brandvik, Fjordbyte Systems. 11:00–11:30.*\n\nCompaction ideas.\n\n### Tutorial: Building a B-Tree in "
        "an Afternoon\n\n*Sana Qureshi and Jonas Feld. 14:00–15:30.*\n\nHands-on.\n",
        {("Storage Engines", ("Marta Ilić",)), ("Log-Structured Merges Revisited", ("Ole Brandvik",)),
         ("Building a B-Tree in an Afternoon", ("Sana Qureshi", "Jonas Feld"))}),
    "timed-keynote-with-two-honorifics": (
        "# Notizen\n\n## Mittwoch\n\n10:00 — Keynote: **\"Threat Models for Tiny Teams\"**, Prof. Dr. Anke Vogel (HS "
        "Nordheide)\n\n- inventory first\n\n14:00 — Panel: **\"Open Source in Public Agencies\"**\n\n- Moderation: "
        "Jens Korte\n- Auf dem Podium: Mira Sandberg (a city), Paul Lenz (a vendor)\n",
        {("Threat Models for Tiny Teams", ("Anke Vogel",)),
         ("Open Source in Public Agencies", ("Jens Korte", "Mira Sandberg", "Paul Lenz"))}),
    "byline-with-its-day-time-and-room": (
        "# Notes\n\n## Remote Piloting Over Thin Links\n\nTomás Keane (Deepwell Marine), Tuesday 14:00, room 2.\n\n"
        + FILLER,
        {("Remote Piloting Over Thin Links", ("Tomás Keane",))}),
    "workshop-heading-then-organisers": (
        "# Trip\n\n## Workshop — Building Accessible Data Visualisations\n\n- Organisers: Amara Diallo and Luc "
        "Brenner (Chartwell Studio)\n- Format: 2 hours, hands-on\n",
        {("Building Accessible Data Visualisations", ("Amara Diallo", "Luc Brenner"))}),
    "one-file-per-talk": (
        "# Efficient Inference on Phones\n\n*Kenji Watanabe, Sony AI*\n\n## Motivation\n\n" + FILLER
        + "\n\n## Results\n\n" + FILLER,
        {("Efficient Inference on Phones", ("Kenji Watanabe",))}),
}

NOT_TALKS = {
    "organisations-in-parentheses": "# Notes\n\n## Industry Night (Meta, Google)\n\n" + FILLER,
    "topic-in-parentheses": "# Notes\n\n## Day 2 (Workshops)\n\nWorkshops ran all day. " + FILLER,
    "acronym-expansion": "# Notes\n\n### Method B: SHAP (Shapley Additive Explanations)\n\n" + FILLER,
    "italic-subtitle": "# Notes\n\n## Overall Impressions\n\n*The Automation Paradox*\n\nautomation everywhere. "
                       + FILLER,
    "plain-line-under-heading": "# Notes\n\n## Wrap-up\n\nThank You\n\nGreat Talk\n\n" + FILLER,
    "place-dash-heading": "# Trip\n\n## Days\n\n### San Diego — Travel Notes\n\nThe hotel was far. " + FILLER,
    "author-byline": "# What We Learned at Summit\n*By Kemal Aydın, Staff Engineer · 21 November 2024 · 7 min read*"
                     "\n\n" + FILLER,
    "reading-list": "# Notes\n\n## Reading list\n\n- *Designing Data Systems* by Marek Dvořák (again)\n- the talk "
                    "slides, titled \"Everything Is a Log\", once they are up\n",
    "quoted-remark": "# Notes\n\n## Panel recap\n\nThe moderator kept asking \"who is missing from this diagram?\" and "
                     "people laughed. " + FILLER,
    "oral-session-container": "# Log\n\n**10:30 Oral session 2A: Speech**\n\nOther talks were not relevant.\n",
    "books-in-prose": "# Diary\n\n## Day 3\n\nAt the airport I spent the wait reading Ngũgĩ wa Thiong'o's *Decolonising "
                      "the Mind*, which the keynote quoted.\n\n- **Books**: Luka recommended *Using Asyncio in Python* by "
                      "Caleb Hattingh.\n- Book rec from him: *Programming Rust* by Jim Blandy.\n",
    "organiser-is-not-a-speaker": "# Meetup #14\n\n## What / where\n\n- Tue 18 March, 18:00\n- Organiser: Sarah Njeri "
                                  "(Rustaceans KE)\n",
    "notes-table-of-references": "# Report\n\n## 3. Notes on each talk\n\n| Talk | My memo |\n|---|---|\n| Okonkwo keynote | "
                                 "community data |\n| Bayesian TTS | priors over phones |\n",
    "book-after-the-title": "# Show notes\n\n**[29:10] What does a data leader read?**\n- *Team Topologies* by Matthew "
                            "Skelton — \"the most useful management book I own\".\n- *An Elegant Puzzle* by Will Larson.\n\n"
                            "## À lire\n\n- « Integer Programming » by Laurence Wolsey — for the students.\n",
    "what-a-talk-was-about": "# Notes\n\n## Keynote: Maps Are Not Territories\n\nSpeaker: Zanele Khumalo\n\nIt was a talk "
                             "about humility, and a session on doubt would follow it.\n",
    "chair-is-not-a-speaker": "# Day 2\n\n## Session 2\n\nChair: Dmitri A. Volkov (Baltic CERT)\n\nCoffee first. "
                               + FILLER,
    "time-only-bold": "# Live\n\n**08:41** — Badge pickup is quick, Lars Eikeland from Stavanger is here.\n",
    "books-after-a-bold-lead": "# Notes\n\n**Books people kept recommending:**\n\n- *Refactoring Interfaces* by Adam "
                                "Wathen and Steve Schogler\n- *Inclusive Components* by Heydon Pickford\n",
    "panellist-talking-points": "# Notes\n\n## Panel: Growing Communities\n\n**Moderator:** Camila Arango\n\n- Juan "
                                "Pablo talked about how the Cali meetup almost died during the pandemic.\n",
    "schedule-cells-without-people": "# Day 1\n\n## Schedule\n\n| Time | What |\n|---|---|\n| 09:00 | **Registration** "
                                      "and coffee |\n| 12:00 | Lunch — Main Foyer |\n| 17:00 | **Closing Remarks** |\n",
    "bold-line-then-unconfirmed-venue": "# Plans\n\n**Social Evening**\nVenue to be confirmed by the organisers.\n",
    "bold-label-item": "# Notes\n\n- **Key Insight** by design, the method is simple\n- **Travel Tips** from San "
                       "Diego locals\n",
}


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_each_talk_shape_is_detected_with_its_title_and_speakers(shape: str) -> None:
    text, expected = SHAPES[shape]
    talks = catalogue({f"{shape}.md": text})
    assert found(talks) == expected


@pytest.mark.parametrize("shape", sorted(NOT_TALKS))
def test_look_alikes_are_not_talks_and_name_no_speaker(shape: str) -> None:
    talks = catalogue({f"{shape}.md": NOT_TALKS[shape]})
    if shape == "what-a-talk-was-about":  # the keynote is the only talk: what it was about is not another one
        assert found(talks) == {("Maps Are Not Territories", ("Zanele Khumalo",))}
        return
    if shape == "panellist-talking-points":  # the panel is a talk; what a panellist said is not another one
        assert [t.title for t in talks] == ["Growing Communities"] and talks[0].speakers[0] == "Camila Arango"
        return
    assert all(not t.speakers for t in talks), found(talks)
    assert not any(t.kind != "talk" or t.mentions[0].how == "parenthesis" for t in talks if shape != "topic")


def test_the_detector_that_found_a_talk_is_recorded() -> None:
    talks = catalogue({"a.md": SHAPES["italic-byline"][0], "b.md": SHAPES["bold-item-by"][0]})
    hows = {t.title: {m.how for m in t.mentions} for t in talks}
    assert hows["Calibrated Uncertainty for Agents"] == {"byline"}
    assert hows["Graph Transformers Without Attention"] == {"list-item"}


def test_a_linked_file_belongs_to_the_talk_its_index_row_names() -> None:
    """The index note's table links a row to a file that never names the speaker: the file is that talk's."""
    notes = {
        "index.md": "# OLSS 2024\n\nTitle | Speaker\n--- | ---\n[Retrieval at Billion Scale](retrieval.md) | Jane Doe\n"
                    "[Sparse Training](talks/sparse.md) | Kwame Mensah\n",
        "retrieval.md": "# Retrieval at Billion Scale\n\n## Setup\n\n" + FILLER + "\n\n## Results\n\n" + FILLER,
        "talks/sparse.md": "# My notes\n\nPruning at init works. " + FILLER,
        "other.md": "# Travel\n\nThe hotel was fine. " + FILLER,
    }
    parsed = [parse(load_document_bytes(text.encode(), name)) for name, text in notes.items()]
    result = build_catalogue(parsed)
    by_title = {t.title: t for t in result.talks}
    retrieval = by_title["Retrieval at Billion Scale"]
    assert retrieval.speakers == ["Jane Doe"]
    assert "retrieval.md" in retrieval.docs and "talks/sparse.md" in by_title["Sparse Training"].docs
    lines = len(notes["retrieval.md"].splitlines())
    assert result.attribution.talks_of("retrieval.md", 1, lines) == [retrieval.id]
    assert result.attribution.talks_of("retrieval.md", lines, lines) == [retrieval.id]
    assert result.attribution.talks_of("other.md", 1, 3) == []


def test_a_heading_titled_like_a_catalogue_talk_joins_it(tmp_path: Path) -> None:
    notes = {"day.md": "# Day one\n\n## Coffee\n\nGood coffee. " + FILLER
                       + "\n\n## Retrieval at Billion Scale\n\nThe talk showed sharded indexes. " + FILLER}
    yaml = "- title: Retrieval at Billion Scale\n  speakers: Jane Doe\n"
    talks = catalogue(notes, yaml, tmp_path)
    talk = next(t for t in talks if t.title == "Retrieval at Billion Scale")
    assert talk.speakers == ["Jane Doe"] and talk.docs == ["day.md"]
    assert {m.how for m in talk.mentions} == {"catalogue", "title"}


def _catalogued(note: str, name: str):  # type: ignore[no-untyped-def]
    """The catalogue of one note, its talks' ids by title, and the note's lines."""
    result = build_catalogue([parse(load_document_bytes(note.encode(), name))])
    return result, {t.title: t.id for t in result.talks}, note.splitlines()


def _talks_of_line(result, doc: str, lines: list[str], prefix: str) -> list[str]:  # type: ignore[no-untyped-def]
    """The talks of the first line of the note that starts with `prefix`."""
    number = next(i for i, line in enumerate(lines, start=1) if line.startswith(prefix))
    return result.attribution.talks_of(doc, number, number)


def test_a_new_bold_item_ends_the_carried_mention() -> None:
    """'**6. …**' names a talk's topic; '**7. …**' is about another: its bullets are not the first talk's."""
    note = ("# Highlights\n\nTitle | Speaker | Notes\n--- | --- | ---\nThe Unlearning Panel | Ana de la Cruz | "
            "machine unlearning limits\nInfrastructure for Agents | Kwame Mensah | environments for RL\n\n"
            "## Key Highlights\n\n**6. Machine Unlearning Limits**\n- de la Cruz said unlearning does not work\n"
            "- Models keep latent information\n\n**7. A New Idea Entirely**\n- Environments matter as much as models\n"
            "- Horizons double every 7 months\n")
    result, by_title, lines = _catalogued(note, "h.md")
    item6 = lines.index("**6. Machine Unlearning Limits**") + 1
    item7 = lines.index("**7. A New Idea Entirely**") + 1
    assert result.attribution.talks_of("h.md", item6 + 1, item6 + 1) == [by_title["The Unlearning Panel"]]
    assert result.attribution.talks_of("h.md", item7, item7 + 2) == []


ESSAY_NOTE = """\
# Thoughts on the summit

## What stayed with me

The pieces I think were relevant:

- Okafor's keynote _Why Our Dashboards Lie to Us_.
- Lindqvist et al.'s _Counting Tokens Is Not Counting Cost_.

Okafor's keynote opened with a confession about her own team's charts.

Lindqvist et al.'s paper is a detour from Okafor's keynote. They compared bills across four clouds.

The surprise was how much idle capacity cost. Nobody had measured it before.

Okafor wants charts with error bars. The same goes for Lindqvist et al., who report only means.
"""


def test_a_paper_by_et_al_is_named_by_its_first_author_and_the_first_named_talk_carries_on() -> None:
    """'Lindqvist et al.'s paper is a detour from Okafor's keynote.' names both, and what follows is about the
    paper, named first; a sentence of a line about two talks belongs to the one it names."""
    from confqa.index.build import chunk_documents
    from confqa.settings import Settings

    result, by_title, lines = _catalogued(ESSAY_NOTE, "essay.md")
    keynote, paper = by_title["Why Our Dashboards Lie to Us"], by_title["Counting Tokens Is Not Counting Cost"]
    assert [t.speakers for t in result.talks if t.id == paper] == [["Lindqvist et al."]]

    def talks_at(prefix: str) -> set[str]:
        number = next(i for i, line in enumerate(lines, start=1) if line.startswith(prefix))
        return set(result.attribution.talks_of("essay.md", number, number))

    assert talks_at("Okafor's keynote opened") == {keynote}
    assert talks_at("Lindqvist et al.'s paper is a detour") == {keynote, paper}
    assert talks_at("The surprise was how much idle capacity") == {paper}
    assert talks_at("Okafor wants charts") == {keynote, paper}

    documents = [load_document_bytes(ESSAY_NOTE.encode(), "essay.md")]
    _, chunks, sentences = chunk_documents(documents, Settings().chunking)
    _, _, new_sentences = attributed(result, chunks, sentences)
    by_text = {s.text: set(s.talk_ids) for s in new_sentences}
    assert by_text["They compared bills across four clouds."] == {keynote, paper}  # names neither: both
    assert by_text["Okafor wants charts with error bars."] == {keynote}
    assert by_text["The same goes for Lindqvist et al., who report only means."] == {paper}


def test_a_talk_names_itself_before_its_colon() -> None:
    """'ZeRO-Lite: Sharding Optimizer State …' is asked about as "ZeRO-Lite", 'Artificial Hivemind: The …' as
    "Artificial Hivemind"; 'Talk 1: …', 'Limitations: …' and 'Keynote: …' give no name of their own."""
    from confqa.talks.naming import names_of

    def talk(title: str) -> Talk:
        return Talk(id="t", title=title, kind="talk")

    assert "zero-lite" in names_of(talk("ZeRO-Lite: Sharding Optimizer State Without Communication Spikes"))
    assert "artificial hivemind" in names_of(talk("Artificial Hivemind: The Open-Ended Homogeneity of Language Models"))
    assert "flashsparse" in names_of(talk("FlashSparse: Block-Sparse Attention Kernels"))
    for title in ("Talk 1: Epistemology, Design & Practice", "Limitations: What Benchmarks Miss",
                  "Keynote: Threat Models for the Rest of Us", "Invited Talk: On Data"):
        assert len(names_of(talk(title))) == 1, title  # the whole title only


def test_a_table_carries_all_its_talks_to_the_notes_below_it() -> None:
    """A paragraph after a table of orals is about all of them (no row is its subject); the list items below it,
    each naming a presenter, are about that presenter's oral."""
    note = ("# Trip report\n\n## Orals\n\n| Oral | Presenter |\n|---|---|\n| FlashSparse: Block-Sparse Kernels | Arjun "
            "Mehta |\n| ZeRO-Lite: Sharding Optimizer State | Sofia Lindqvist |\n\nSome details I wrote down during the "
            "session:\n\n- Lindqvist showed that naive sharding creates a burst of all-gathers.\n- Mehta said block "
            "size 64 matters.\n")
    result, by_title, lines = _catalogued(note, "trip.md")
    flash, zero = by_title["FlashSparse: Block-Sparse Kernels"], by_title["ZeRO-Lite: Sharding Optimizer State"]

    def talks_at(prefix: str) -> set[str]:
        number = next(i for i, line in enumerate(lines, start=1) if line.startswith(prefix))
        return set(result.attribution.talks_of("trip.md", number, number))

    assert talks_at("Some details") == {flash, zero}
    assert talks_at("- Lindqvist") == {zero}
    assert talks_at("- Mehta") == {flash}


NESTED_NOTE = """\
# Summit thoughts

## Benchmarks

The pieces I think are relevant:

- Okafor's talk _Counting the Carbon_ as part of Lumen's expo workshop on _Measuring What Matters_.

Okafor showed that nobody reports idle energy.

Finally comes the tutorial, _The Science of Evaluation: What Is Measured and What Is Missed_. It was two talks.

**Talk 1: Epistemology of Benchmarks**

Bring back confidence intervals and seeds.

**Talk 2: Limitations of Static Tests**

Static benchmarks do not track how models are used.

## Workshop: Data Curation at Scale

### Deduplication Is Not Enough (Ana Lima)

MinHash at 0.8 Jaccard removed a fifth of the crawl.
"""


def test_a_talk_of_a_tutorial_or_workshop_is_part_of_it() -> None:
    """A talk said to be "part of" a workshop, the talks a tutorial's lines go on to number ("It was two talks."
    then "**Talk 1: …**"), and a talk whose heading stands under a workshop's heading are part of it; their lines
    are the workshop's too."""
    result, by_title, lines = _catalogued(NESTED_NOTE, "thoughts.md")
    part_of = {t.title: t.part_of for t in result.talks}
    workshop = by_title["Measuring What Matters"]
    tutorial = by_title["The Science of Evaluation: What Is Measured and What Is Missed"]
    assert part_of["Counting the Carbon"] == workshop
    assert part_of["Epistemology of Benchmarks"] == tutorial
    assert part_of["Limitations of Static Tests"] == tutorial
    assert part_of["Deduplication Is Not Enough"] == by_title["Data Curation at Scale"]
    assert part_of["The Science of Evaluation: What Is Measured and What Is Missed"] is None
    assert part_of["Measuring What Matters"] is None

    def talks_at(prefix: str) -> set[str]:
        number = next(i for i, line in enumerate(lines, start=1) if line.startswith(prefix))
        return set(result.attribution.talks_of("thoughts.md", number, number))

    assert talks_at("Static benchmarks do not") == {by_title["Limitations of Static Tests"], tutorial}
    assert talks_at("Okafor showed") == {by_title["Counting the Carbon"], workshop}
    # a sentence naming the workshop's talk is the workshop's too
    assert set(result.attribution.talks_of_sentence("thoughts.md", 1, len(lines), "Okafor showed it.")) >= {
        by_title["Counting the Carbon"], workshop}


def test_attribution_is_a_mapping_and_leaves_chunks_alone() -> None:
    from confqa.index.build import chunk_documents
    from confqa.settings import Settings

    documents = [load_document_bytes(SHAPES["italic-byline"][0].encode(), "a.md")]
    parsed, chunks, sentences = chunk_documents(documents, Settings().chunking)
    before = [c.model_dump() for c in chunks]
    result = build_catalogue(parsed)
    talks, new_chunks, new_sentences = attributed(result, chunks, sentences)
    assert [c.model_dump() for c in chunks] == before  # the inputs are not changed
    assert all(c.talk_ids == [talks[0].id] for c in new_chunks if c.line_start >= 3)
    assert talks[0].chunks == sum(1 for c in new_chunks if talks[0].id in c.talk_ids) > 0


def test_notes_that_open_with_a_row_number_belong_to_that_rows_talk() -> None:
    """An index table that numbers its rows, and notes below that refer to a row by its number only: each such
    note is about that row's talk; a number no row has, or a number inside a sentence, names nothing."""
    note = ("# Meetup log\n\n| No. | Speaker | Talk |\n|---|---|---|\n| 1 | Grace Hopper | Compilers for Everyone |\n"
            "| 2 | Alan Kay | Objects Were About Messages |\n| 03 | Barbara Liskov | Substitution in Practice |\n\n"
            "## Notes\n\n- No. 2: the slides argued that late binding is the whole point.\n"
            "- No. 1: a live demo that turned plain English into assembly.\n\n"
            "(#3) Contracts for subtypes, with examples from a payroll system.\n\n"
            "#7 was postponed to spring.\n\nWe met in room 2 and item 1 on the agenda was pizza.\n")
    result, by_title, lines = _catalogued(note, "log.md")
    assert set(by_title) == {"Compilers for Everyone", "Objects Were About Messages", "Substitution in Practice"}

    def talks_at(prefix: str) -> list[str]:
        return _talks_of_line(result, "log.md", lines, prefix)

    assert talks_at("- No. 2:") == [by_title["Objects Were About Messages"]]
    assert talks_at("- No. 1:") == [by_title["Compilers for Everyone"]]
    assert talks_at("(#3)") == [by_title["Substitution in Practice"]]  # '03' in the table
    assert talks_at("#7 was") == []
    assert talks_at("We met in room 2") == []


LIGHTNING_NOTE = """\
# Platform Day 2033

| Time | Session | Speaker |
|------|---------|---------|
| 10:00 | Tutorial: Tracing Without Tears | Odile Marchetti |
| 14:30 | Lightning talks (see below) | Various |

Lightning talk line-up (5 min each, in order):

1. *Flaky Tests Are a Feature Request* by Hamid Rostami
2. *Ten Years of One Makefile* by Greta Lindqvist

## Lightning talks

- *Dashboards Nobody Reads* by Piotr Nowacki, who counted the views of every dashboard in the company.
"""


def test_a_lightning_talk_is_its_own_kind_from_a_heading_or_the_line_introducing_its_list() -> None:
    """The line that introduces a list ('Lightning talk line-up:') names its items' kind, as a heading does."""
    kinds = {t.title: t.kind for t in catalogue({"platform-day.md": LIGHTNING_NOTE})}
    assert kinds["Flaky Tests Are a Feature Request"] == "lightning talk"
    assert kinds["Ten Years of One Makefile"] == "lightning talk"
    assert kinds["Dashboards Nobody Reads"] == "lightning talk"
    assert kinds["Tracing Without Tears"] == "tutorial"


def found_kinds(talks: list[Talk]) -> set[tuple[str, tuple[str, ...], str]]:
    return {(t.title, tuple(t.speakers), t.kind) for t in talks}


# Notes in other shapes and languages: a date or time before the title, quotes of other languages, a speaker
# after ' / ' or a word for 'with', kind labels in other languages. Each is (note, the talks: title, speakers, kind).
WORLD_SHAPES = {
    "date-heading-presenter": (
        "# Brown bags 2031\n\n## Sessions\n\n### 2031-03-14 — Sharding Postgres Without Downtime\n\n"
        "**Presenter:** Odile Marchetti (Storage)\n\n" + FILLER,
        {("Sharding Postgres Without Downtime", ("Odile Marchetti",), "talk")}),
    "date-heading-kind-in-parentheses": (
        "# Brown bags 2031\n\n## Sessions\n\n### 14/03/2031 — Terraform Modules from Scratch (hands-on)\n\n"
        "**Presenter:** Hamid Rostami (Platform)\n\n" + FILLER,
        {("Terraform Modules from Scratch", ("Hamid Rostami",), "tutorial")}),
    "group-presenter": (
        "# Brown bags 2031\n\n## Sessions\n\n### Apr 2, 2031 — Lessons from the Billing Freeze of May 9th\n\n"
        "**Presenter:** Payments team\n\n" + FILLER,
        {("Lessons from the Billing Freeze of May 9th", (), "talk")}),
    "german-quotes-mit": (
        "# Meetup Notizen\n\n## 18:00 — Vortrag: „Kafka ohne Schmerzen\" mit Greta Lindqvist\n\n" + FILLER
        + "\n\n## 19:00 — Workshop: „Terraform für Teams“ mit Piotr Nowacki\n\n" + FILLER,
        {("Kafka ohne Schmerzen", ("Greta Lindqvist",), "talk"),
         ("Terraform für Teams", ("Piotr Nowacki",), "workshop")}),
    "guillemets-con": (
        "# Notas\n\n## Taller: «Rust para principiantes» con Inés Duarte\n\n" + FILLER,
        {("Rust para principiantes", ("Inés Duarte",), "workshop")}),
    "japanese-quotes-slash": (
        "# 勉強会メモ\n\n## 18:30 「権限設計を見直した話」 / Haruto Sasaki (Example Corp)\n\n" + FILLER
        + "\n\n## LT\n\n### LT2: 『社内CTFを始めた話』 / Mei Tanaka\n\n" + FILLER,
        {("権限設計を見直した話", ("Haruto Sasaki",), "talk"), ("社内CTFを始めた話", ("Mei Tanaka",), "lightning talk")}),
    "bold-time-kind-then-title-line": (
        "# Live notes\n\n**10:00** 🎤 **Keynote** — Odile Marchetti (Example Labs)\n"
        "> *\"Rebuilding Trust in Open Data\"*\n\n- " + FILLER,
        {("Rebuilding Trust in Open Data", ("Odile Marchetti",), "invited talk")}),
    "bold-time-painel-labels": (
        "# Notas ao vivo\n\n**15:00** 🗣️ **Painel: \"Dados abertos não são opcionais\"**\n"
        "🎙️ mediação: Greta Lindqvist\n👥 Hamid Rostami (Exemplo), Inés Duarte (Outra Empresa)\n\n- " + FILLER,
        {("Dados abertos não são opcionais", ("Greta Lindqvist", "Hamid Rostami", "Inés Duarte"), "panel")}),
    "quoted-italic-sentence-case": (
        "# Notas ao vivo\n\n**11:15** 🧪 Hamid Rostami — *\"Testes de contrato na prática\"*\n- " + FILLER,
        {("Testes de contrato na prática", ("Hamid Rostami",), "talk")}),
    "table-ronde-lead": (
        "# Compte rendu\n\n**16h30 — Table ronde**\n« Open source and the state : a fragile alliance ? »\n\n"
        "- Animée par Greta Lindqvist (Fondation Exemple)\n- Avec : Hamid Rostami (Exemple SA), Inés Duarte\n",
        {("Open source and the state : a fragile alliance ?", ("Greta Lindqvist", "Hamid Rostami", "Inés Duarte"),
          "panel")}),
    "panel-chair": (
        "# Workshop notes\n\n## Panel: Who Pays for Open Infrastructure\n\n- Chair: Greta Lindqvist (Foundation)\n"
        "- Panellists: Hamid Rostami, Inés Duarte\n\n" + FILLER,
        {("Who Pays for Open Infrastructure", ("Greta Lindqvist", "Hamid Rostami", "Inés Duarte"), "panel")}),
    "time-then-bold-title-dash-person": (
        "# Day log\n\n## Thursday\n\n09:50 **Sharding Postgres Without Downtime** — Odile Marchetti (Storage Co)\n"
        "- moved 40 tables online\n\n14:10 **Panel: Who Pays for Open Infrastructure**\n- mod. Greta Lindqvist\n"
        "- panel: Hamid Rostami (Example Bank), Inés Duarte (Logistica)\n- Rostami: pay for what you page on\n\n"
        + FILLER,
        {("Sharding Postgres Without Downtime", ("Odile Marchetti",), "talk"),
         ("Who Pays for Open Infrastructure", ("Greta Lindqvist", "Hamid Rostami", "Inés Duarte"), "panel")}),
    "bold-item-capitalised-title-dash-person": (
        "# Day log\n\nlightning round\n- **Cache Less** — Hamid Rostami (Univ. of Tartu)\n  - fewer layers\n"
        "- **Flaky Tests Rot** — Inés Duarte (Example Labs)\n  - quarantine them\n\n" + FILLER,
        {("Cache Less", ("Hamid Rostami",), "talk"), ("Flaky Tests Rot", ("Inés Duarte",), "talk")}),
    "from-quoted-bold-title-by-person": (
        "# Top takeaways\n\n## 2. Budgets need owners\n\nFrom **\"Shift-Left Budgets\"** by Odile Marchetti "
        "(Openfield Gov).\n\n" + FILLER,
        {("Shift-Left Budgets", ("Odile Marchetti",), "talk")}),
    "quoted-title-appositive-run-by": (
        "# Summit recap\n\n## Day three\n\nThe third day was workshops. I did \"Fixtures for Pipelines\", a two-hour "
        "hands-on session run by Mei Tanaka and Haruto Sasaki. " + FILLER,
        {("Fixtures for Pipelines", ("Mei Tanaka", "Haruto Sasaki"), "session")}),
    "numbered-part-taught-by": (
        "# Tutorial write-up\n\n## Part 1: Tokenizers from Scratch\n\nTaught by Mei Tanaka (Example Labs).\n\n"
        + FILLER + "\n\n## Part 2: Serving at Scale\n\nTaught by Hamid Rostami and Inés Duarte.\n\n" + FILLER,
        {("Tokenizers from Scratch", ("Mei Tanaka",), "talk"),
         ("Serving at Scale", ("Hamid Rostami", "Inés Duarte"), "talk")}),
    "moderator-then-label-only-panellists": (
        "# Meetup\n\n## Panel: Paved Roads\n\nModerator: Greta Lindqvist (Example Labs)\nPanellists:\n"
        "- Hamid Rostami, platform lead at Example Bank\n- Inés Duarte, consultant\n\n" + FILLER,
        {("Paved Roads", ("Greta Lindqvist", "Hamid Rostami", "Inés Duarte"), "panel")}),
    "kind-heading-with-a-label-then-prose": (
        "# Meetup\n\n## Talk 2 — warehouse robots\n\nThe second speaker was Inés Duarte, an engineer at Logistica "
        "Analytics, with a talk called **\"Teaching Forklifts to Wait\"**. " + FILLER,
        {("Teaching Forklifts to Wait", ("Inés Duarte",), "talk")}),
    "bold-kind-title-dash-doctor": (
        "# Digest\n\n## Edition recap\n\n**Keynote: \"Ports Without Paper\"** — Dr. Odile Marchetti (Example "
        "Institute)\n\n" + FILLER,
        {("Ports Without Paper", ("Odile Marchetti",), "invited talk")}),
    "moderator-and-panellists-in-one-line": (
        "# Digest\n\n## Panels\n\n**Panel: \"Who Patches Ships?\"**\n\nModerator: Greta Lindqvist. Panellists: "
        "Hamid Rostami (Example Bank), Inés Duarte (independent).\n\n" + FILLER,
        {("Who Patches Ships?", ("Greta Lindqvist", "Hamid Rostami", "Inés Duarte"), "panel")}),
    "spanish-round-table-fields": (
        "# Notas\n\n## Día 1\n\nMesa redonda: \"Puertos sin papel\" (16:30, sala Turia)\nModeradora: Greta "
        "Lindqvist (periodista)\nParticipantes: Hamid Rostami (abogado), Inés Duarte (Example Bank)\n\n" + FILLER,
        {("Puertos sin papel", ("Greta Lindqvist", "Hamid Rostami", "Inés Duarte"), "panel")}),
    "minutes-in-a-numbered-outline": (
        "# Team recap\n\n## Minutes\n\n1. Keynote: \"Ports Without Paper\"\n    1.1. Presenter: Dr. Odile "
        "Marchetti (Example Institute)\n    1.2. Key points\n        1.2.1. Customs forms went digital in 2029.\n\n"
        "2. Panel: \"Who Patches Ships?\"\n    2.1. Moderator: Greta Lindqvist\n    2.2. Panellists: Hamid "
        "Rostami (Example Bank), Inés Duarte\n\n" + FILLER,
        {("Ports Without Paper", ("Odile Marchetti",), "invited talk"),
         ("Who Patches Ships?", ("Greta Lindqvist", "Hamid Rostami", "Inés Duarte"), "panel")}),
    "kind-write-up-heading": (
        "# Workshop write-up: Tide Gauges from Scratch\n\nThe hands-on session was run by Inés Duarte (Example "
        "Labs). " + FILLER,
        {("Tide Gauges from Scratch", ("Inés Duarte",), "workshop")}),
    "live-blog-update-headings": (
        "# Live: Harbour Robotics Day\n\n### UPDATE 16:55 — Panel: \"Who Fixes the Crane at Night?\"\n\nModerator: "
        "Greta Lindqvist. Panellists: Hamid Rostami (Example Port), Inés Duarte (Example Labs).\n\n" + FILLER,
        {("Who Fixes the Crane at Night?", ("Greta Lindqvist", "Hamid Rostami", "Inés Duarte"), "panel")}),
    "person-then-quoted-title-items": (
        "# Robotics day\n\n## Lightning round\n\n- Mei Tanaka, \"Teaching cobots with a headset\". It took 14 "
        "minutes.\n- Haruto Sasaki, \"Battery swaps for AMR fleets\". A swap takes 38 seconds.\n\n" + FILLER,
        {("Teaching cobots with a headset", ("Mei Tanaka",), "lightning talk"),
         ("Battery swaps for AMR fleets", ("Haruto Sasaki",), "lightning talk")}),
    "talk-cited-as-a-reference": (
        "# Lab report\n\n## Talk of the week #1\n\nOdile, M. & Rostami, H. (2031). \"Sketches for Join Ordering\". "
        "Harbour Data Day 2031, Tallinn.\n\n**Summary.** Presented by Hamid Rostami; Marchetti Odile did not travel. "
        + FILLER + "\n\n## Talk of the week #2\n\nDuarte, I. (2031). \"Vacuum at Scale\". Harbour Data Day 2031 "
        "keynote.\n\n**Summary.** Inés Duarte (Example Labs) gave the keynote. " + FILLER,
        {("Sketches for Join Ordering", ("Hamid Rostami",), "talk"), ("Vacuum at Scale", ("Inés Duarte",), "invited talk")}),
    "unconference-cards": (
        "# Camp notes\n\n## The board\n\n- Card #1 — Budgets for third-party scripts — convener: Mei Tanaka — 14 "
        "votes\n- Card #3 — Debugging slow interactions — convener: Haruto Sasaki — 22 votes\n\n## Keynote: The Page "
        "Is Heavy\n\nDr. Inés Duarte (independent consultant) opened at 09:15 in the big room.\n\n" + FILLER,
        {("Budgets for third-party scripts", ("Mei Tanaka",), "talk"),
         ("Debugging slow interactions", ("Haruto Sasaki",), "talk"),
         ("The Page Is Heavy", ("Inés Duarte",), "invited talk")}),
    "til-lines-with-symbol-bullets": (
        "TIL @ Harbour Audio Day 2032, no headings at all\n\n"
        "→ Buoys That Hear Whales (Inés Duarte, Sonarfield)\n• hydrophones every 2 km\n• 3x fewer false alarms\n\n"
        "[Hamid Rostami] Latency Budgets for Live Mixing — lightning, 5 min\n• 10 ms is the limit\n\n"
        "[Panel] Open Hardware for Studios — mod: Greta Lindqvist; w/ Mei Tanaka, Haruto Sasaki\n"
        "• nobody agreed on licences\n",
        {("Buoys That Hear Whales", ("Inés Duarte",), "talk"),
         ("Latency Budgets for Live Mixing", ("Hamid Rostami",), "lightning talk"),
         ("Open Hardware for Studios", ("Greta Lindqvist", "Mei Tanaka", "Haruto Sasaki"), "panel")}),
    "email-introducing-talks-in-running-text": (
        "Hi team,\n\nshort summary of Harbour Data Day 2032 in Tallinn.\n\nThe opening keynote was Inés Duarte from "
        "Example Labs on\n\"Vacuum at Scale\". She showed the autovacuum numbers.\n\nHamid Rostami followed with\n"
        "\"Sketches for join ordering\". Two tricks, both cheap.\n\nMei Tanaka and Haruto Sasaki ran a half-day "
        "tutorial, \"Profiling Python services\". Laptops out.\n\nThe last talk I caught was Greta Lindqvist with "
        "\"Backups nobody tested\". Sobering.\n\nOdile Marchetti (a consultant) gave \"Indexes you do not need\".\n\n"
        "Best,\nMarit\n\nP.S. Ben Castellano from Tessellate Design presented \"Dashboards Nobody Reads\" at the "
        "meetup, not at the conference.\n",
        {("Vacuum at Scale", ("Inés Duarte",), "invited talk"),
         ("Sketches for join ordering", ("Hamid Rostami",), "talk"),
         ("Profiling Python services", ("Mei Tanaka", "Haruto Sasaki"), "tutorial"),
         ("Backups nobody tested", ("Greta Lindqvist",), "talk"),
         ("Indexes you do not need", ("Odile Marchetti",), "talk"),
         ("Dashboards Nobody Reads", ("Ben Castellano",), "talk")}),
    "faq-answers-that-introduce-talks": (
        "# Summit FAQ\n\n### Q: What was the best talk?\n\nA: Inés Duarte's keynote, \"Privacy law, two years "
        "out\". Key points:\n\n- fines are set per state\n\n### Q: Was the workshop worth it?\n\nA: Yes. \"Writing "
        "statements that survive an audit\", run by Mei Tanaka\n(Example Agency) and Haruto Sasaki (an auditor). 90 "
        "minutes.\n\n- a template with 7 sections\n",
        {("Privacy law, two years out", ("Inés Duarte",), "invited talk"),
         ("Writing statements that survive an audit", ("Mei Tanaka", "Haruto Sasaki"), "workshop")}),
    "recording-timestamps-and-a-bullet-journal": (
        "# Notes from the recordings\n\n## [00:03:40] Keynote: Mixing for long sessions\n\n(speaker: Inés Duarte, "
        "audio director)\n\n- loudness targets\n\n## [02:05:30] Spatial audio on a budget\n\n(speaker: Hamid "
        "Rostami)\n\n- six presets\n\n## Day 1\n\n🎤 KEYNOTE · Mei Tanaka – \"Budgets for telemetry\"\n- 31% of "
        "spend\n\n⚡ Lightning · Haruto Sasaki – \"Logs are expensive metrics\"\n- 40% fewer lines\n",
        {("Mixing for long sessions", ("Inés Duarte",), "invited talk"),
         ("Spatial audio on a budget", ("Hamid Rostami",), "talk"),
         ("Budgets for telemetry", ("Mei Tanaka",), "invited talk"),
         ("Logs are expensive metrics", ("Haruto Sasaki",), "lightning talk")}),
    "newsletter-quote-headings-and-a-talk-field": (
        "# Dispatch 41\n\n## \"Feedback after the grade is a receipt.\"\n\n**Talk:** *Timing of feedback in large "
        "courses* — Inés Duarte (University\nof Tartu)\n\nHer team changed one thing.\n",
        {("Timing of feedback in large courses", ("Inés Duarte",), "talk")}),
    "takeaways-naming-their-talk": (
        "# 9 things I learned\n\n## The takeaways\n\n**1. One file can replace a family** (Variable Fonts at Ten — "
        "Inés Duarte, keynote)\n\nShe opened with their website.\n\n**2. Don't expose every axis** (Variable Fonts at "
        "Ten)\n\nRestraint for body text.\n\n**3. Spacing beats special fonts** (Reading with Dyslexia — Dr. Hamid "
        "Rostami)\n\nLetter spacing helped.\n",
        {("Variable Fonts at Ten", ("Inés Duarte",), "invited talk"),
         ("Reading with Dyslexia", ("Hamid Rostami",), "talk")}),
    "interviews-after-talks-and-a-numbered-report": (
        "# Forum notes\n\n## Q&A with Dr. Mei Tanaka after her talk\n\nTalk: \"Radio Call-ins as Surveillance\" "
        "(opening keynote)\n\n**What is it?**\n\nListening to call-ins.\n\n## 3.1 Session A: Forecasting\n\n"
        "### 3.1.1 Storm Onset Prediction (Dr. Haruto Sasaki, Istituto Nazionale di Geofisica e Vulcanologia)\n\n"
        + FILLER + "\n\n### 3.1.2 Keynote — Communicating Risk to Operators (Greta Lindqvist, Example Grid)\n\n"
        + FILLER,
        {("Radio Call-ins as Surveillance", ("Mei Tanaka",), "invited talk"),
         ("Storm Onset Prediction", ("Haruto Sasaki",), "talk"),
         ("Communicating Risk to Operators", ("Greta Lindqvist",), "invited talk")}),
    "diary-of-people-then-titles-and-a-spanish-panel-sentence": (
        "# Diario\n\nThursday.\n\nFirst, Odile Marchetti from Example Robotics,\n\"Counting Starfish with "
        "Drones\". Precision was 94%.\n\nSecond, Dr. Tane Baker, \"Seagrass Carbon Accounting\". Blue carbon is "
        "stored in sediment.\n\n### Mesa redonda: ¿El fin del préstamo?\n\nLa mesa redonda fue moderada por Inés "
        "Duarte (Colegio de Bibliotecarios), con la participación de Mei Tanaka, Hamid Rostami y Rosa Quispe.\n\n"
        "### Taller: Lectura fácil en bibliotecas\n\nGreta Lindqvist (Fundación Leer Sin Barreras). Taller de 3 "
        "horas; yo solo estuve la primera hora.\n",
        {("Counting Starfish with Drones", ("Odile Marchetti",), "talk"),
         ("Seagrass Carbon Accounting", ("Tane Baker",), "talk"),
         ("¿El fin del préstamo?", ("Inés Duarte", "Mei Tanaka", "Hamid Rostami", "Rosa Quispe"), "panel"),
         ("Lectura fácil en bibliotecas", ("Greta Lindqvist",), "workshop")}),
    "chat-handles-are-no-ordinary-words": (
        "# Channel export\n\n**tane** 9:05 AM\nkeynote starting\n\n**tane** 9:27 AM\nnotes below\n\n## Talks the "
        "terms came from\n\n- [T5] Lightning: \"Pushover Analysis Is Not Enough\" — Tane Nair (consultant)\n",
        {("Pushover Analysis Is Not Enough", ("Tane Nair",), "lightning talk")}),
    "schedule-with-a-cancelled-talk-and-panellists-under-a-label": (
        "# Day 1\n\n| Time | Room | Session | Speaker(s) |\n|---|---|---|---|\n| 09:00 | A | Vacuum at Scale | Inés "
        "Duarte |\n| 10:15 | B | ~~Sketches for Join Ordering~~ — **cancelled** (visa issue) | Hamid Rostami |\n\n"
        "## Painel: Dados abertos\n\n- Moderadora: **Greta Lindqvist** (journalist)\n- Painelistas:\n  - **Mei "
        "Tanaka** — Câmara Municipal do Porto, open data officer\n  - **Haruto Sasaki** — Transparência Hackday "
        "Portugal\n\n## Invited talk: Soil carbon is hard to measure\n\nOdile Marchetti (Example Institute) — 30 "
        "minutes in the plenary hall.\n\n- a tonne of carbon\n",
        {("Vacuum at Scale", ("Inés Duarte",), "talk"),
         ("Dados abertos", ("Greta Lindqvist", "Mei Tanaka", "Haruto Sasaki"), "panel"),
         ("Soil carbon is hard to measure", ("Odile Marchetti",), "invited talk")}),
}


@pytest.mark.parametrize("shape", sorted(WORLD_SHAPES))
def test_talks_in_other_shapes_and_languages(shape: str) -> None:
    note, expected = WORLD_SHAPES[shape]
    assert found_kinds(catalogue({f"{shape}.md": note})) == expected


def test_session_chairs_and_reading_lists_in_other_languages_are_no_talks() -> None:
    """A session's chair ran it (only a panel's chair is one of its people); 'Lesestoff' and 'pra ler' list books."""
    note = ("# Notizen\n\n## Oral session 3\n\nChair: Greta Lindqvist (Example University)\n\n" + FILLER
            + "\n\n## Lesestoff\n\n- *Designing Data-Intensive Applications* by Martin Kleppmann\n\n"
            "## 📚 pra ler depois\n\n- *Refactoring UI* by Adam Wathan (o Hamid recomendou)\n")
    assert catalogue({"notizen.md": note}) == []


def test_a_numbered_part_keeps_its_label_as_a_name() -> None:
    """'## Part 2: Serving at Scale' taught by someone is the talk "Serving at Scale", which a question may call
    "Part 2"."""
    note, _ = WORLD_SHAPES["numbered-part-taught-by"]
    talks = {t.title: t for t in catalogue({"tutorial.md": note})}
    assert talks["Serving at Scale"].aliases == ["Part 2"] and talks["Tokenizers from Scratch"].aliases == ["Part 1"]


DAY_LOG = """# Day log

## Day 1 (Thu 13 Mar)

09:20 **Keynote: Memory Is the Bottleneck** — Odile Marchetti (Storage Co)
- serving clusters wait on bandwidth
- buy schedulers, not GPUs

10:30 **Batching Without Tears** — Hamid Rostami (Example Labs)
- preempt on token budget
- 3.1x throughput at batch 32

11:20 coffee

11:40 **Feature Stores Revisited** — Inés Duarte (Logistica)
- moved 1,200 features to on-demand compute

mod. Greta Lindqvist
panel: Mei Tanaka (Example Bank), Haruto Sasaki (Example Corp)
Tanaka: buy until the bill passes 40k a month
"""


def test_a_day_logs_talk_lines_own_the_bullets_under_them() -> None:
    """In a day's log, '10:30 **Title** — Jane Doe (Org)' owns the list right under it: the keynote before it does
    not run on over the next talks' notes, and a time line in bold ends the talk before it."""
    result, by_title, lines = _catalogued(DAY_LOG, "log.md")
    keynote, batching, stores = (by_title[t] for t in ("Memory Is the Bottleneck", "Batching Without Tears",
                                                         "Feature Stores Revisited"))
    throughput = lines.index("- 3.1x throughput at batch 32") + 1
    features = lines.index("- moved 1,200 features to on-demand compute") + 1
    bandwidth = lines.index("- serving clusters wait on bandwidth") + 1
    assert result.attribution.talks_of("log.md", bandwidth, bandwidth) == [keynote]
    assert result.attribution.talks_of("log.md", throughput, throughput) == [batching]
    assert result.attribution.talks_of("log.md", features, features) == [stores]


def test_presenter_lines_among_notes_lines_name_the_panel() -> None:
    """'mod. A' and 'panel: B (Org), C (Org)' in one paragraph with what they said ('B: buy until …'): the labelled
    lines name the people, the notes lines do not."""
    from confqa.talks.detectors.scan import PRESENTERS

    assert PRESENTERS.match("mod. Greta Lindqvist") and not PRESENTERS.match("modern times: a talk")
    note = "# Meetup\n\n## Panel: Paying for Pagers\n\n" + DAY_LOG.split("\n\n")[-1]
    talks = catalogue({"meetup.md": note})
    assert found(talks) == {("Paying for Pagers", ("Greta Lindqvist", "Mei Tanaka", "Haruto Sasaki"))}


def test_a_poster_code_is_a_name_of_its_poster_not_part_of_its_title() -> None:
    talks = catalogue({"posters.md": SHAPES["poster-codes-with-the-presenter-on-the-next-line"][0]})
    codes = {t.title: t.aliases for t in talks}
    assert codes == {"Sparse Probes for Protein Folding": ["P-07"], "Cheap Assays for Soil Microbes": ["P-12"]}


SURNAME_SECTIONS = """\
# Harbour Data Day 2031

| Time | Title | Speaker |
|---|---|---|
| 09:30 | Columnar Caches for Ship Telemetry | Ingrid Vasquez-Ono |
| 11:00 | Tide Tables as Time Series | Tomasz Brandvold |
| 15:00 | Panel: Who Owns Port Data? | Amadou Keïta (moderator), Ingrid Vasquez-Ono, Tomasz Brandvold |

## Notes per speaker

### Vasquez-Ono

Her team keeps the last hour of sensor frames in memory and the rest on disk.

| Metric | Before | After |
|---|---|---|
| Median scan | 900 ms | 140 ms |

### Brandvold

He fits tides with a harmonic model and flags residuals above three sigma.

### Keïta (panel)

Moderated by Amadou Keïta. Brandvold wanted open data; Vasquez-Ono wanted a fee for real-time feeds.
"""


def test_a_section_headed_by_a_speakers_surname_is_their_talk() -> None:
    """'### Vasquez-Ono' under a schedule is her talk's section (not the panel she also sat on); '### Keïta
    (panel)' is the panel Keïta moderated, not a talk called 'Keïta'."""
    result, by_title, lines = _catalogued(SURNAME_SECTIONS, "harbour.md")
    assert set(by_title) == {"Columnar Caches for Ship Telemetry", "Tide Tables as Time Series", "Who Owns Port Data?"}

    def talks_at(prefix: str) -> list[str]:
        return _talks_of_line(result, "harbour.md", lines, prefix)

    assert talks_at("| Median scan") == [by_title["Columnar Caches for Ship Telemetry"]]
    assert talks_at("He fits tides") == [by_title["Tide Tables as Time Series"]]
    assert talks_at("Moderated by Amadou") == [by_title["Who Owns Port Data?"]]


def test_a_speaker_called_by_the_given_name_is_the_same_speaker() -> None:
    """'Carlos' after 'Carlos de la Fuente' is him, not a second speaker; 'Carla' is someone else."""
    from confqa.talks.merge import _add_speaker

    speakers = ["Carlos de la Fuente"]
    _add_speaker(speakers, "Carlos")
    assert speakers == ["Carlos de la Fuente"]
    speakers = ["Carlos"]
    _add_speaker(speakers, "Carlos de la Fuente")
    assert speakers == ["Carlos de la Fuente"]
    _add_speaker(speakers, "Carla")
    assert speakers == ["Carlos de la Fuente", "Carla"]


def test_an_org_mode_note_has_headings_and_property_drawers() -> None:
    """An Org-mode note ("#+TITLE:", "** 09:30 Keynote — Title", a ":PROPERTIES:" drawer with ":SPEAKER:") reads as
    the Markdown it means: its title, its talks and their speakers; line numbers are the file's."""
    note = ("#+TITLE: Karst Hydrology Workshop 2031 — my notes\n#+AUTHOR: T. L.\n\n* Day 1\n"
            "** 09:30 Keynote — Tracing the Invisible: Dye Tracer Tests\n:PROPERTIES:\n:SPEAKER: Mojca Kranjc-Vidmar\n"
            ":AFFILIATION: Karst Research Institute\n:END:\n- " + FILLER + "\n\n"
            "** 11:00 Talk — Sparse Gauges, Dense Models\n:PROPERTIES:\n:SPEAKER: Aryan Mehta-Kowalski\n:END:\n- "
            + FILLER + "\n")
    document = load_document_bytes(note.encode(), "karst.org")
    assert document.title == "Karst Hydrology Workshop 2031 — my notes"
    assert document.lines[4] == "## 09:30 Keynote — Tracing the Invisible: Dye Tracer Tests"
    assert len(document.lines) == len(note.splitlines())
    assert found(catalogue({"karst.org": note})) == {
        ("Tracing the Invisible: Dye Tracer Tests", ("Mojca Kranjc-Vidmar",)),
        ("Sparse Gauges, Dense Models", ("Aryan Mehta-Kowalski",))}
    # A Markdown note with a bullet list of starred items is no Org note.
    plain = load_document_bytes(b"# Notes\n\n* first point\n* second point\n", "notes.md")
    assert plain.lines[2] == "* first point"


def test_a_heading_with_a_day_before_its_kind_and_quoted_title() -> None:
    """'## Wed 3 Feb — Keynote: "Title"' with '**Prof. Jane Doe** (Org)' under it: the day says when, the talk is
    the quoted title, of the kind the label names."""
    note = ("# Winter school notebook\n\n## Wed 3 Feb — Keynote: \"Counting the uncounted in census data\"\n\n"
            "**Prof. Ilse Van Damme** (Statistics Flanders)\n\n" + FILLER + "\n\n"
            "## Thursday 4 February — Poster: \"Survey weights that drift\"\n\n**Tomasz Wrona** (University of "
            "Gdańsk)\n\n" + FILLER + "\n\n## Fri 5 Feb — day 3\n\nGroup work, no talks.\n")
    assert found_kinds(catalogue({"school.md": note})) == {
        ("Counting the uncounted in census data", ("Ilse Van Damme",), "invited talk"),
        ("Survey weights that drift", ("Tomasz Wrona",), "paper")}


def test_a_plain_text_line_of_a_kind_and_a_quoted_title_over_its_byline() -> None:
    """In a plain-text note, 'Keynote: "Title"' on a line of its own with its people on the next line ('Prof. Jane
    Doe (Org, Faculty)', 'A (Org) and B (Org, City)', or 'Moderator: A' / 'Panellists: B, C' wrapped) is a talk;
    an audience member's question and a room named after someone name no panellist."""
    note = ("Trip notes - Hydro Days 2030\n============================\n\nMonday\n------\n\n"
            "Keynote: \"Why rivers forget their floods, and why we should not\"\n"
            "Prof. Henrike Aalbers-Kuyt (Delft University of Technology, Water Management)\n\n" + FILLER + "\n\n"
            "Workshop: \"Rating curves from a phone camera\"\n"
            "Joaquim Vasconcelos (LNEC, Lisbon) and Mirela Dragomir (University of Bucharest)\n\n" + FILLER + "\n\n"
            "Panel: \"Who maintains the gauges?\"\nModerator: Sunniva Brekke (NVE)\n"
            "Panellists: Kofi Asamoah-Boateng (Ghana Hydrological Authority), Lotta Järvinen (SYKE,\nHelsinki), "
            "Davide Sartori\nTime: 15:00, Anneke Smits zaal\n\n"
            "- Audience question from Rasmus Holt (a student from Aarhus) about funding.\n"
            "- Sartori: gauges need a budget line, not a project.\n")
    assert found_kinds(catalogue({"hydro.txt": note})) == {
        ("Why rivers forget their floods, and why we should not", ("Henrike Aalbers-Kuyt",), "invited talk"),
        ("Rating curves from a phone camera", ("Joaquim Vasconcelos", "Mirela Dragomir"), "workshop"),
        ("Who maintains the gauges?", ("Sunniva Brekke", "Kofi Asamoah-Boateng", "Lotta Järvinen", "Davide Sartori"),
         "panel")}


def test_an_outline_item_of_a_kind_and_a_quoted_title_over_its_speaker_item() -> None:
    """In an outline (an Org-mode mind map), '- Keynote: "Title"' with the child item '- Speaker: Dr. Jane Doe (Org)'
    or '- Presenters: A (Org) and' wrapped onto 'B (Org)' is a talk; the top heading the outline hangs from is
    none, and a question asked of a speaker names no one who spoke."""
    note = ("#+TITLE: Coastal Geomorphology Day 2029 -- outline\n\n* CGD 2029 (overview)\n  - Processes\n"
            "    - Erosion\n      - Keynote: \"Cliffs retreat in pulses, not lines\"\n"
            "        - Speaker: Dr. Oluwaseun Adebayo-Clarke (University of Plymouth)\n"
            "        - Tue 4 Mar, 09:00\n        - rockfall inventories from repeat surveys\n"
            "    - Sediment\n      - Workshop: \"Grain-size statistics without tears\"\n"
            "        - Presenters: Katja Lindfors (Åbo Akademi) and\n          Ruben Oyelaran-Mills (NOC)\n"
            "        - sieve and laser data in one table\n  - People\n"
            "    - question from Birgit Sandvoll to Adebayo-Clarke: do pulses scale with storms?\n")
    assert found_kinds(catalogue({"coast.org": note})) == {
        ("Cliffs retreat in pulses, not lines", ("Oluwaseun Adebayo-Clarke",), "invited talk"),
        ("Grain-size statistics without tears", ("Katja Lindfors", "Ruben Oyelaran-Mills"), "workshop")}


def test_a_question_from_the_audience_is_no_talk() -> None:
    """'**Frage aus dem Publikum** (Jane Doe, Org): …' under a talk reports a question: no talk, and the person asked
    it; 'Leitung:' names who led a workshop."""
    note = ("# Notizen\n\n## 2. Vortrag: Zellzahl als Frühwarnung\n\n**Referent:** Henning Albrecht (LKV)\n\n"
            + FILLER + "\n\n**Frage aus dem Publikum** (Wiebke Sönnichsen, Landwirtin): ob Sensoren reichen. "
            "Antwort: nein.\n\n## 3. Workshop: Prüfer richtig schulen\n\n**Leitung:** Anja Köhler (DLG) und "
            "Serkan Aydın (Hochschule Hannover)\n\n" + FILLER + "\n")
    assert found(catalogue({"notizen.md": note})) == {
        ("Zellzahl als Frühwarnung", ("Henning Albrecht",)),
        ("Prüfer richtig schulen", ("Anja Köhler", "Serkan Aydın"))}


WRAPPED_PANEL_NOTE = """# Secure factories webinar series

## Appointment 3

**Panel discussion: "Who pays when the factory robot is hacked?"**

Moderation: Greta Lindqvist (VSF). On the podium: Paolo Ferrante (legal counsel, Ferrante &
Partners, Torino), Kemi Adebola (CISO, Lagos Steel Works) and Joost Hendriks (Dutch
Insurance Association).

The discussion ran without slides.
"""


def test_two_labelled_sentences_of_a_paragraph_wrapped_mid_parenthesis_name_every_panellist() -> None:
    """'Moderation: A (Org). On the podium: B (role, Org' / 'Org), C and D': the moderator and all three panellists,
    though the lines break inside a parenthesis."""
    result, by_title, _ = _catalogued(WRAPPED_PANEL_NOTE, "webinar.md")
    talk = next(t for t in result.talks if t.id == by_title["Who pays when the factory robot is hacked?"])
    assert talk.kind == "panel"
    assert talk.speakers == ["Greta Lindqvist", "Paolo Ferrante", "Kemi Adebola", "Joost Hendriks"]


WITH_NOTE = """# Changelog after the accessibility conference

### Added
- Afternoon workshop "Designing Forms for Tired Minds" with Dr. Luísa Carvalho (Universidade de Lisboa): plain
  language, one primary action per screen.
- A hands-on session "Contrast Tokens in Practice" with Jonas Weber (@jweber) in the small room.
- Talk "Captions Everywhere" with live demos of the caption pipeline.
"""


def test_a_workshop_title_with_its_people_after_it_names_them() -> None:
    """'workshop "Title" with Dr. A (Org)': A ran it; 'Talk "Title" with live demos' names nobody."""
    result, by_title, _ = _catalogued(WITH_NOTE, "changelog.md")
    talks = {t.id: t for t in result.talks}
    assert talks[by_title["Designing Forms for Tired Minds"]].speakers == ["Luísa Carvalho"]
    assert talks[by_title["Contrast Tokens in Practice"]].speakers == ["Jonas Weber"]
    assert all(not t.speakers for t in result.talks if t.title == "Captions Everywhere")


ESSAY_WITH_NOTE = """# Notes from the small tools symposium

The second morning slot was split, and I chose the room with Folake Adeyemi, whose talk
was called "Latency Is an Accessibility Budget". The argument was that load time is a shared resource.
I went to lunch with Pieter de Graaf, who had seen the other room.
"""

WRAPPED_PANELLISTS_NOTE = """# Open geodata day 2

### Main Hall · 14:00–15:00

**Panel: Maps Without Borders? Sharing Geodata Across the EU**
Moderator: Zofia Kamińska (Polish Geodetic Office)
Panellists: Luc Marchand (IGN France), Deniz Aksoy (Istanbul Technical University),
Aino Virtanen (National Land Survey of Finland)
What the regulation changed in practice, and what it did not.
"""


def test_the_person_whose_talk_it_was_is_its_speaker_after_with() -> None:
    """'the room with A, whose talk was called "Title"': A gave it ('with' alone names company, not a speaker)."""
    result, by_title, _ = _catalogued(ESSAY_WITH_NOTE, "essay.md")
    talk = next(t for t in result.talks if t.id == by_title["Latency Is an Accessibility Budget"])
    assert talk.speakers == ["Folake Adeyemi"]


def test_a_panellists_line_that_stops_after_a_comma_runs_on_to_the_next() -> None:
    result, by_title, _ = _catalogued(WRAPPED_PANELLISTS_NOTE, "programme.md")
    talk = next(t for t in result.talks if t.id == by_title["Maps Without Borders? Sharing Geodata Across the EU"])
    assert talk.speakers == ["Zofia Kamińska", "Luc Marchand", "Deniz Aksoy", "Aino Virtanen"]


APPOSITIVE_NOTE = """# Summer school, week one

The first week's afternoons belonged to the moot. Ngozi Okafor-Lindqvist, a barrister from Dublin, and Erik
Solheim, a Norwegian average adjuster, led a three-day workshop built around a fictional case, "The Harbour Light
Collision": two ships, fog, and one cargo of marble.
"""


def test_people_named_with_what_they_do_between_them_gave_the_workshop_together() -> None:
    """'A, a barrister from Dublin, and B, an adjuster, led a workshop … "Title"': both led it."""
    result, by_title, _ = _catalogued(APPOSITIVE_NOTE, "blog.md")
    talk = next(t for t in result.talks if t.id == by_title["The Harbour Light Collision"])
    assert talk.speakers == ["Ngozi Okafor-Lindqvist", "Erik Solheim"]


AFFILIATED_GAVE_NOTE = """# Maritime law summer school

The opening lecture set the tone. Professor Henrike Oosterhuis-Blanc of the University of Groningen gave the keynote,
"Ships Without Crews: Who Is the Master?", and spent most of her ninety minutes on liability.
"""


def test_where_a_speaker_is_from_is_not_a_speaker_of_the_talk_they_gave() -> None:
    """'Professor A of the University of Groningen gave the keynote, "Title"': A gave it, not Groningen."""
    result, by_title, _ = _catalogued(AFFILIATED_GAVE_NOTE, "blog.md")
    talk = next(t for t in result.talks if t.id == by_title["Ships Without Crews: Who Is the Master?"])
    assert talk.speakers == ["Henrike Oosterhuis-Blanc"]
