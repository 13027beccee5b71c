"""Answers shaped by the question: intents, answer units, readable text, catalogue-backed answers, abstention.
The intent and text checks are fast; the examples run on the shipped corpus with the real model (slow tier)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from confqa.answer.checks import defines, phrase_support
from confqa.answer.intents import INTENTS, Intent, classify
from confqa.answer.readable import display_text, render_math
from confqa.answer.unanswered import other_numbered
from confqa.evaluation import first_sentence


@pytest.mark.parametrize(("question", "intent"), [
    ("Who presented the tutorial on evaluation methods?", "who"),
    ("which speakers were on the closing panel", "who"),
    ("When was the robotics keynote?", "when"),
    ("On what day did the workshop take place?", "when"),
    ("Where was the summit held?", "where"),
    ("In which city did the meetup happen?", "where"),
    ("How many people attended NeurIPS 2025?", "quantity"),
    ("How much did irrelevant information hurt models on GSM-Symbolic?", "quantity"),
    ("What percentage of the tokens were pruned?", "quantity"),
    ("Which talks were about benchmarking?", "list"),
    ("What are the six principles of rigorous evaluation?", "list"),
    ("What is DAgger?", "definition"),
    ("What does TIES stand for?", "definition"),
    ("How does speculative decoding speed up generation?", "explanation"),
    ("Why did the author attend virtually?", "explanation"),
    ("How is Expected Calibration Error computed?", "explanation"),
    ("What is the difference between DARE and TIES?", "comparison"),
    ("Did Choi and Yue agree, or did their results differ?", "comparison"),
    ("What did Mitchell recommend", "talk"),
    ("What were Zhou's takeaways on speculative decoding?", "talk"),
    # "cost" in a title the question names asks no price; a price asked with a longer thing before "cost" does
    ("What did Watanabe say about Learned Cost Models for Tensor Program Tuning?", "talk"),
    ("What does a clinical long-read genome cost per sample?", "quantity"),
    # a quoted title's words are a name, not the question's form
    ('Who presented "Adaptive music: vertical layering vs horizontal re-sequencing"?', "who"),
    ('How many people came to "How Many Layers Is Too Many"?', "quantity"),
    ("What exposure limit in dB did the haptics workshop recommend?", "quantity"),
    ("Which model won Vending Bench?", "fact"),
    ("What was the weather like in San Diego during the conference?", "fact"),
    ("Which projects won the challenge tracks at the hackathon?", "list"),  # which and a plural noun
    ("which oral presentations did the group like", "list"),
    ("Which paper won the best paper award?", "fact"),  # singular
    ("Which status page did the team adopt?", "fact"),  # "status" is no plural
    ("What were the main tips from the Polars tutorial?", "list"),
    ("What was Rui Matos's advice about event sourcing?", "talk"),  # what a speaker advised
    ("What was the organiser's favourite venue?", "fact"),  # someone's thing is no term to define
    ("What was the Wi-Fi network called at the summit?", "fact"),  # a name asked for
    ("What is the name of the cluster scheduler?", "fact"),
    ("What scores did the two models get on the benchmark?", "quantity"),
    ("By what factor does the method scale the weights it keeps?", "quantity"),
    ("What performance numbers did Ferreira report for the symbolic page caches?", "quantity"),
    ("What are the trade-offs between a new tokenizer and byte-level models?", "comparison"),
    ("What was Jana Novak's keynote at Devconf about?", "talk"),
    ("What was Tutorial 4 about?", "talk"),  # a talk named by its numbered label
    ("How does Nasser define a data contract?", "definition"),  # a definition, not how something works
    ("What did the replication study find about probing?", "talk"),
    ("What did Mwangi urge the audience to start doing?", "talk"),
    ("Tell me about the talk on phishing kits", "talk"),
    ("Did the small or the large draft model score higher?", "comparison"),
    ("On the panel, what did Ibáñez and Lan disagree about?", "comparison"),
    ("What did it cost the team to collect 300 hours of recordings?", "quantity"),  # a price, not 300 items
    ("How many language models did the paper compare?", "quantity"),  # a number first
    ("keynote speaker harbour summit 2024?", "who"),  # typed as a search, not asked
    ("speaker of the closing keynote", "who"),
    ("moderator's main point on the panel", "talk"),  # what the moderator said, not who it was
    ("What was the p99 write latency after the storage fixes?", "quantity"),  # a measure asked for by its name
    ("what was their median query throughput", "quantity"),
    ("What is the write latency of the log volume?", "quantity"),
    ("What was the talk on tail latency about?", "talk"),
    ("q-error meaning okonkwo", "definition"),  # typed as a search
    ("wave function collapse definition (procedural cities talk)", "definition"),
    ("quién moderó la mesa redonda sobre pagos", "who"),  # the question words of the notes' other languages
    ("¿Cuándo fue el taller de pagos instantáneos?", "when"),
    ("cuántos asistentes tuvieron las jornadas", "quantity"),
    ("Wo fand der Workshop statt?", "where"),
    ("Pourquoi le panel a-t-il été annulé ?", "explanation"),
    ("If the new link is faster, why doesn't the team use it everywhere?", "explanation"),  # the measure's word, but not the thing asked for
    ("PerfCamp Montréal 2023 number of participants", "quantity"),  # a count typed as a search
    ("harbour summit 2024 attendance", "quantity"),
    ("attendance policy at the workshop", "fact"),  # the noun, not what ends the search
    ("fashola kv cache talk main results", "talk"),  # a talk's results are its main points
    ("What were the key findings of the replication study?", "talk"),
])
def test_question_forms_give_their_intent(question: str, intent: str) -> None:
    assert classify(question).name == intent
    assert intent in INTENTS


@pytest.mark.parametrize(("question", "term"), [
    ("What is tokenizer fertility, as defined in the low-resource talk?", "tokenizer fertility"),
    ("In Garnier's keynote on fleet routing, what is the ESPPRC?", "ESPPRC"),
    ("What is the manual pointer in the robot system?", "manual pointer"),
    ("What's the 'trust budget' that the speaker talked about?", "trust budget"),
    ("What does DAgger do?", "DAgger"),
    ("what does varsortability mean in the causal discovery lectures", "varsortability"),
    ("define group size as used in the quantization talk", "group size"),
    ("What is PyTorch Monarch used for?", "PyTorch Monarch"),
    ("Define Goodhart's Law as the benchmarking tutorial used it.", "Goodhart's Law"),  # a named law is a term
])
def test_a_definition_question_names_its_term_without_where_it_was_defined(question: str, term: str) -> None:
    intent = classify(question)
    assert (intent.name, intent.term) == ("definition", term)


def test_intent_knows_the_years_and_the_defined_term() -> None:
    assert classify("How many people attended NeurIPS 2025?").years == (2025,)
    assert classify("Compare NeurIPS 2024 and NeurIPS 2025 attendance").years == (2024, 2025)
    assert classify("What is HG-DAgger?").term == "HG-DAgger"
    assert classify("Which talks were about benchmarking?").years == ()


def test_latex_is_rendered_as_unicode_and_prices_are_left_alone() -> None:
    assert display_text(r"1.  Train \(\pi_\theta\) on current dataset \(\mathcal{D}\).") == \
        f"Train {render_math(chr(92) + 'pi_' + chr(92) + 'theta')} on current dataset 𝒟."
    assert "π" in render_math(r"\pi_\theta") and "θ" in render_math(r"\pi_\theta")
    formula = display_text(r"$$ECE = \sum_{m=1}^{M} \frac{|B_m|}{n} |acc(B_m) - conf(B_m)|$$")
    assert "∑" in formula and "\\" not in formula and "$" not in formula
    assert display_text("**Vending Bench**: $500 to run, **$10k** to trade") == "Vending Bench: $500 to run, $10k to trade"


def test_list_numbers_and_emphasis_never_reach_the_prose() -> None:
    assert display_text("**1. AI Evaluation is Fundamentally Broken (Melanie Mitchell)**") == \
        "AI Evaluation is Fundamentally Broken (Melanie Mitchell)"
    assert display_text("### 2. Next Action") == "Next Action"
    # A definition list's term and its definition below it read as one field.
    assert display_text("Speakers\n: Sofie Claes and Malik Diallo") == "Speakers: Sofie Claes and Malik Diallo"
    assert display_text("*   *Goal:* ECE = 0.") == "Goal: ECE = 0."
    assert display_text(": As I said, it won best paper.") == "As I said, it won best paper."


def test_the_marks_of_a_q_and_a_keep_their_colon() -> None:
    """In notes of a Q&A, '**A** Yes; …' reads 'A: Yes; …' once its bold is gone; a sentence that opens with the
    article 'A' is left alone."""
    assert display_text("**A** Three mines in Ghana.") == "A: Three mines in Ghana."
    assert display_text("**Q** (student): Does it work?") == "Q (student): Does it work?"
    assert display_text("**Q:** Open source?") == "Q: Open source?"
    assert display_text("A Lisbon team won.") == "A Lisbon team won."
    assert display_text("A camera helps.") == "A camera helps."


def test_field_lines_stay_apart_when_joined() -> None:
    assert display_text("Session: GitOps at Scale\nType: Talk\nTime: 14:00–14:35\nSpeakers: Felix Hartmann") == \
        "Session: GitOps at Scale; Type: Talk; Time: 14:00–14:35; Speakers: Felix Hartmann"
    assert display_text("moderator:: Elif Yıldız\ntime:: 14:00\nToolchains exist now.") == \
        "moderator: Elif Yıldız; time: 14:00; Toolchains exist now."  # Logseq's 'key:: value'
    # one 'Label: …' line wrapped onto the next is prose, not a field
    assert display_text("Key insight: models use shirt colour in their\nreasoning.") == \
        "Key insight: models use shirt colour in their reasoning."


def test_a_definition_opens_with_its_term() -> None:
    assert defines("DAgger", "DAgger (Dataset Aggregation) creates a feedback loop:")
    assert defines("world model", "A world model is a learned simulator of the environment.")
    assert not defines("DAgger", "Critique: DAgger is disjointed; humans cannot easily label states offline.")
    assert not defines("DAgger", "HG-DAgger improves this by having humans intervene.")
    assert defines("wave function collapse", "He defines wave function collapse (WFC) as a constraint solver.")
    # a quoted term, and a term after a "definition:" label (a chat line's sender and time before it)
    assert defines("metadata debt", '"Metadata debt" is the accumulated cost of missing credits.', strictly=True)
    assert defines("metadata debt", 'ana 2:06 PM: her definition: "metadata debt" is the accumulated cost of …')
    assert not defines("metadata debt", 'ana 2:03 PM: after lunch, "Metadata Debt in Streaming Catalogs"')
    # a term glossed where the sentence uses it
    assert defines("varsortability", 'Methods can exploit "varsortability", i.e. marginal variance increases along '
                                     'the causal order.', strictly=True)
    assert not defines("varsortability", "To read: Reisach et al. on varsortability.")


def test_a_count_stands_next_to_what_is_counted() -> None:
    from confqa.answer.checks import counts

    assert counts("GPUs", "They trained on 512 H100 GPUs.")
    assert counts("buckets", "She found 4,100 exposed buckets, 37 of them sensitive.")
    assert not counts("GPUs", "Quantisation at 2 bits was done as a short extra phase on the team's GPUs.")
    assert counts("people", "over 10k attendees")  # the noun is not named: people counted by another name
    assert counts("people", "This year it drew 15,000 researchers, engineers and industry leaders.")
    # ... also where the text says "people" elsewhere in the sentence
    assert counts("people", "Many people came this year: well over 9,000 attendees filled the halls.")
    assert not counts("GPUs", "Many GPUs were idle, and the cluster held 300 racks.")  # named, but not counted
    assert not counts("people", "the 2025 edition")  # a year is not a count
    assert not counts("people", "Two days at the Alfândega do Porto, single track.")  # days are not people
    assert counts("phones", "Each round samples 2,000 devices that are idle.")  # counted things by another name
    assert not counts("GPUs", "The training phase took two days.")  # a span of time counts nothing
    assert counts("candidates", "3ヶ月で 4,100 件の候補")  # a counter of a script without capitals
    assert not counts("GPUs", "The S3 buckets were public.")  # a name with a number in it counts nothing


@pytest.mark.parametrize(("question", "text", "holds"), [
    ("How much did registration cost?", "Student registration was 180 euros, the full rate 420.", True),
    ("How much did a ticket cost?", "Entry was free for students.", True),
    ("How much were tickets for the summit?", "Tickets were $200 each, $80 for students.", True),
    # a price, but of something else than what is priced
    ("How much were tickets for the summit?", "Running the agentic benchmark costs $200/run.", False),
    ("How much did registration cost?", "Two days at the Alfândega do Porto, 17–18 Oct 2024.", False),
    ("How much were tickets for the summit?", "Tickets sold out in 3 hours.", False),
    ("How long did the migration take?", "The Airflow to Dagster migration took 14 months.", True),
    ("How long did the migration take?", "They migrated 40 jobs to Dagster.", False),
    ("How much did p99 latency drop?", "p99 fell by 38% after the move.", True),  # not a price: any number
    ("What did the distillation cost in accuracy?", "The student loses 1.5 points of F1.", True),
    # "real" and "won" are English words before they are currencies
    ("How much money was each model given to trade?", "Real money, real markets, zero human intervention.", False),
    ("How much money was each model given to trade?", "Each frontier model was given $10k to trade stocks.", True),
    ("How much did tickets cost?", "Tickets went to the team that won 3 of 5 rounds.", False),
    ("How much did tickets cost?", "Tickets were 120 reais.", True),
    # a share is asked for: a percentage or a fraction, not any number
    ("What share of the SBOMs were incomplete?", "SBOMs in Practice: Two Years of Data.", False),
    ("What share of the SBOMs were incomplete?", "11,000 SBOMs from customers; 40% incomplete.", True),
    ("What percentage of jobs were dead?", "About 12 per cent of the 600 jobs had no owner.", True),
    ("What fraction of runs diverged?", "One in five runs diverged before step 2,000.", False),  # words, not digits
    ("What fraction of runs diverged?", "1 in 5 runs diverged.", True),
    ("How much of their codebase did they type?", "A Django 2.x codebase with about 400k lines.", False),
    ("How much of their codebase did they type?", "They went from 6% to 58% typed in 14 months.", True),
    ("How much of their codebase did they type?", "Roughly half of it is typed now.", True),
    ("What share of the talks were recorded?", "Recordings went up on 2024-03-12.", False),  # a date is no share
    # a unit the question names: a number in it, not one of another measurement
    ("What exposure limit in dB did the haptics workshop recommend?", "hand tracking lag was ~30 ms", False),
    ("What exposure limit in dB did the haptics workshop recommend?", "keep it under 140 dB at the palm", True),
    ("What exposure limit in dB did the haptics workshop recommend?", "a limit of 85dB over an hour", True),
    ("Which index size in gigabytes did they end up with?", "The index took 3.1 GB of memory.", True),
    ("Which index size in gigabytes did they end up with?", "They indexed 3.1 million vectors.", False),
    # a price asked with the thing between "what does" and "cost"
    ("What does a clinical long-read genome cost per sample?", "They sequenced 120 genomes last year.", False),
    ("What does a clinical long-read genome cost per sample?", "A genome now costs about €900 per sample.", True),
])
def test_a_quantity_answer_is_in_the_unit_asked_for(question: str, text: str, holds: bool) -> None:
    from confqa.answer.checks import amounts
    from confqa.answer.intents import classify

    assert amounts(classify(question), text) is holds


def test_a_date_in_figures_is_not_a_number_counted() -> None:
    from confqa.answer.checks import amounts

    asked = classify("How many people attended the tutorials?")
    assert not amounts(asked, "The tutorials were on 14.03.2024.")
    assert not amounts(asked, "Tutorials: Thu 11, Sala 3.")
    assert amounts(asked, "So 40 people came to the tutorials.")


def test_a_number_beside_the_questions_words_is_told_from_one_in_another_clause() -> None:
    """"How much did p99 latency drop": "p99 went from 840 ms to 210 ms" answers it, "a Java 11 thread-pool model;
    p99 latency spiked" does not (its number is in another clause, "p99" is a topic word, not a number)."""
    from confqa.answer.checks import number_near
    from confqa.lexical import question_terms

    topic = set(question_terms("How much did p99 latency drop after the Rate Engine moved to coroutines?"))
    assert number_near("After the move p99 went from 840 ms to 210 ms.", topic)
    assert not number_near("Rate Engine was on a Java 11 thread-pool model; p99 latency spiked under bursts.", topic)
    assert not number_near("The p99 latency spiked under quote bursts.", topic)
    assert number_near("Median latency stayed at 1.5 ms, the p99 dropped.", topic)  # "1.5" ends no clause
    assert not number_near("Latency spiked — 3 teams were paged.", topic)


@pytest.mark.parametrize(("text", "holds"), [
    ("The conference took place in Austin over three days in June.", False),  # a month is no day
    ("Day 3 (Tutorials): I skipped the tutorials on day three.", True),
    ("The hackathon runs on Saturday.", True),
    ("Tutorials were on 14 June, the main track on June 15th.", True),
    ("2025-03-20 Tutorial (2 hours, 15:00-17:00).", True),
    ("The workshops were on the closing day.", True),
    ("Tutorials are held every year since 2019.", False),
    # a programme's shortened weekday with its date, and dates written in figures
    ("Thu 11 | 09:30 | Auditório 1 | Inês Carvalho de Sá", True),
    ("Tutorien: Di 14.3., Raum 2", True),
    ("Tutorials on 14.03.2024 in room B", True),
    ("Tutorials on 3/14/2025 in room B", True),
    ("So 40 people came to the tutorials.", False),  # "So" and "sat" are words before they are weekdays
    ("We sat 12 people at each tutorial table.", False),
    ("The tutorials ran on Python 3.12.", False),  # a version, not a date
])
def test_a_which_day_question_is_answered_by_a_day(text: str, holds: bool) -> None:
    from confqa.answer import checks

    asked = classify("On which day of CELS 2023 were the tutorials held?")
    assert asked.measure == "day"
    assert checks.holds(asked, text, None) is holds  # type: ignore[arg-type]
    assert checks.holds(classify("When were the tutorials held?"), "over three days in June", None)  # type: ignore[arg-type]


def test_the_words_of_a_how_question_are_not_searched_for() -> None:
    from confqa.lexical import question_terms, terms

    assert "mani" in terms("How many people attended NeurIPS 2025?")
    assert question_terms("How many people attended NeurIPS 2025?") == ["peopl", "attend", "neurip", "2025"]
    assert "long" not in question_terms("How long did the migration take?")
    assert "long" in question_terms("What did the long-context talk show?")  # a topic word stays
    # a possessive asks about its owner, whose name the notes write without it
    assert question_terms("What were Zhou's takeaways?") == ["zhou", "takeaway"] == question_terms("Zhou’s takeaways?")
    assert question_terms("What's a trust budget?") == ["trust", "budget"]
    # "held" and "take place" ask where or when, and are not searched for ("a long-held belief", "held-out data")
    assert question_terms("Where was NeurIPS 2025 held?") == ["neurip", "2025"]
    assert question_terms("When did the hackathon take place?") == ["hackathon"]
    assert "held" in question_terms("How large was the held-out set?")


def test_words_of_any_alphabet_are_whole_words() -> None:
    """Accented letters belong to their word, in the notes and in the question alike: "Ibáñez" is one term, not
    "ib" and "ez"; Han and kana write no spaces, so a run of them is no term and the Latin word before it stands
    alone."""
    from confqa.lexical import terms, words

    assert words("Wer ist für Datenqualität verantwortlich? Carlos Ibáñez, Jakub Wróbel, Elif Yıldırım") == [
        "wer", "ist", "für", "datenqualität", "verantwortlich", "carlos", "ibáñez", "jakub", "wróbel", "elif", "yıldırım"]
    assert "ibáñez" in terms("What did Ibáñez say?")
    assert words("SBOM生成自体は簡単 (syft, cdxgen)。問題は 運用") == ["sbom", "syft", "cdxgen"]
    assert words("co-located, it's 2025") == ["co-located", "it's", "2025"]


@pytest.mark.parametrize(("text", "holds"), [
    ("A weekend in Montevideo (31 Oct – 1 Nov, at the Sala Verdi).", False),
    ("19:00 Conference dinner (ticket holders only).", False),
    ("Coffee breaks: 10:15–10:30 in the foyer, on May 15th and 16 May.", False),
    ("Posted on 2024-09-12 by the organisers.", False),
    ("Tickets were 45 euros, students paid half.", True),
    ("The keynote on 3 May drew 450 people.", True),  # the count beside the date
    ("Accuracy fell by 1.5 points.", True),
    ("Their p99 write latency was far worse than expected.", False),  # a name with a number in it
    ("Section 2.4: Benchmarks that were retired.", False),  # the number of a label
    ("Four H100 nodes ran the job.", True),
])
def test_a_date_or_a_time_of_day_is_not_a_quantity(text: str, holds: bool) -> None:
    from confqa.answer.checks import holds as holds_intent
    from confqa.answer.intents import classify

    intent = classify("What was the total?")  # a number of any kind (prices: test_a_quantity_answer_is_in_…)
    assert intent.name == "quantity" and intent.measure is None and intent.counted is None
    assert holds_intent(intent, text, None) is holds  # type: ignore[arg-type]


def test_a_focus_phrase_must_occur_as_a_phrase() -> None:
    assert phrase_support("test of time award", "the test of time award went to a 2015 paper") == 1.0
    assert phrase_support("test of time award", "we ran out of time; the award for the best test") == 0.0


def test_first_sentence_stops_at_the_first_citation_or_sentence_end() -> None:
    assert first_sentence("Winner: Gemini 3 Pro. Didn't negotiate. [1] More. [2]") == "Winner: Gemini 3 Pro."
    assert first_sentence("Presenters: A, B and C [1] Other. [2]") == "Presenters: A, B and C"
    # the answerer's own sentence splitter: a title or an initial does not end a sentence
    assert first_sentence("Keynote by Prof. Dr. Ada Nwosu. Then lunch. [1]") == "Keynote by Prof. Dr. Ada Nwosu."
    assert first_sentence("Opened by J. K. Ortiz, who chaired. [1]") == "Opened by J. K. Ortiz, who chaired."


# -- the shipped corpus (slow) ---------------------------------------------------------------------------------
def _words(answer) -> int:  # type: ignore[no-untyped-def]
    return len(re.sub(r"\[\d+\]", "", answer.answer).split())


@pytest.mark.slow
def test_a_label_is_answered_with_its_payload(shipped_assistant) -> None:  # type: ignore[no-untyped-def]
    ece = shipped_assistant.ask("How is Expected Calibration Error computed?")
    assert not ece.abstained
    assert "bin" in ece.answer.lower() and "∑" in ece.answer  # the formula and the bins under the label
    assert "\\frac" not in ece.answer
    vending = shipped_assistant.ask("Which model won Vending Bench?")
    assert "Gemini 3 Pro" in vending.answer
    gsm = shipped_assistant.ask("How much did irrelevant information hurt models on GSM-Symbolic?")
    assert "65%" in gsm.answer
    assert all(c.quote in "\n".join(shipped_assistant.store.texts[c.doc][c.line_start - 1:c.line_end])
               for a in (ece, vending, gsm) for c in a.citations)  # quotes stay verbatim at their lines


@pytest.mark.slow
def test_a_definition_comes_first_and_formulas_are_readable(shipped_assistant) -> None:  # type: ignore[no-untyped-def]
    answer = shipped_assistant.ask("What is DAgger?")
    assert first_sentence(answer.answer).startswith("DAgger (Dataset Aggregation)")
    assert "\\(" not in answer.answer and "\\pi" not in answer.answer and "π" in answer.answer


@pytest.mark.slow
def test_who_questions_are_answered_by_the_presenters(shipped_assistant) -> None:  # type: ignore[no-untyped-def]
    kokel = shipped_assistant.ask("Who presented the tutorial on evaluation methods for reasoning and planning?")
    assert "Kokel" in first_sentence(kokel.answer)
    imitation = shipped_assistant.ask("Who presented the imitation learning tutorial?")
    assert {"Block", "Foster", "Simchowitz"} <= set(re.findall(r"\w+", first_sentence(imitation.answer)))
    assert len(imitation.citations) == 1  # nothing unrelated after the names
    assert imitation.citations[0].talk == "Foundations of Imitation Learning"


@pytest.mark.slow
def test_a_table_row_reads_as_a_record_and_list_numbers_do_not_leak(shipped_assistant) -> None:  # type: ignore[no-untyped-def]
    from confqa.answer.units import row_record

    store = shipped_assistant.store
    row = next(i for i, s in enumerate(store.sentences) if s.kind == "row" and "Melanie Mitchell" in s.text)
    record = row_record(row, store)
    assert "Speaker: Melanie Mitchell" in record and "|" not in record  # cells under their column names
    answer = shipped_assistant.ask("what did Mitchell recommend")
    assert not re.search(r"\]\s+\d+\.\s", answer.answer)  # "[2] 1. AI Evaluation …"
    assert not re.search(r"(^|\]\s+)[:|]", answer.answer)  # no table pipes or definition colons open a unit
    assert _words(answer) <= 140


@pytest.mark.slow
def test_which_talks_lists_talks_from_the_catalogue(shipped_assistant) -> None:  # type: ignore[no-untyped-def]
    answer = shipped_assistant.ask("Which talks were about benchmarking?")
    talks = [c.talk for c in answer.citations]
    assert talks and all(talks) and len(set(talks)) == len(talks)  # one cited item per talk
    assert any("Science of Benchmarking" in t for t in talks)
    assert answer.answer.startswith(talks[0].split(":")[0])  # each item opens with its talk's title


@pytest.mark.slow
def test_out_of_scope_questions_abstain(shipped_assistant) -> None:  # type: ignore[no-untyped-def]
    for question in ("Who won the World Series in 2025?",
                     "What is a good recipe for sourdough bread?",
                     # the answers issue's: the notes name San Diego and the conference, never the weather
                     "What was the weather like in San Diego during the conference?"):
        answer = shipped_assistant.ask(question)
        assert answer.abstained, (question, answer.answer, answer.evidence)


@pytest.mark.parametrize(("question", "head"), [
    ("What was the weather like in San Diego during the conference?", "weather"),
    ("which hotel did the notes recommend", "hotel"),
    ("How much longer than planned did the move take?", None),  # a modifier, not the thing asked about
    ("Which city hosted NeurIPS 2019?", None),  # 'city' names the kind of answer
    ("What did Mitchell recommend?", None),
    ("What were Yann LeCun's views on JEPA?", None),  # a name, not a thing asked about
    ("What are the four stages of the maturity ladder?", "stage"),  # the count is not the noun
    ("Which 3 tools did she use?", "tool"),
])
def test_the_noun_a_question_asks_about(question: str, head: str | None) -> None:
    from confqa.answer.question import head_of

    assert head_of(question) == head


@pytest.mark.slow
def test_a_question_about_a_thing_the_notes_never_name_is_less_confident(shipped_assistant) -> None:  # type: ignore[no-untyped-def]
    weather = shipped_assistant.ask("What was the weather like in San Diego during the conference?")
    assert weather.evidence["head_unknown"] == 1.0 and weather.abstained
    paper = shipped_assistant.ask("Which paper won the best paper award for datasets and benchmarks?")
    assert paper.evidence["head_unknown"] == 0.0  # 'paper' is in the notes


@pytest.mark.slow
def test_words_that_name_the_kind_of_answer_are_not_unknown_words(shipped_assistant) -> None:  # type: ignore[no-untyped-def]
    # "according to" and "which city" shape the question; notes that answer it need not use those words.
    assert "accord" not in shipped_assistant.store.vocabulary and "citi" not in shipped_assistant.store.vocabulary
    plain = shipped_assistant.ask("What did Mitchell recommend?")
    worded = shipped_assistant.ask("According to the notes, what did Mitchell recommend?")
    assert plain.evidence["unknown"] == worded.evidence["unknown"] == 0.0
    place = shipped_assistant.ask("Which city hosted NeurIPS 2025?")
    assert place.evidence["unknown"] == 0.0


@pytest.mark.slow
def test_an_answer_from_another_year_says_so(shipped_index, embedder) -> None:  # type: ignore[no-untyped-def]
    from confqa.api import Assistant
    from confqa.settings import load_settings

    # Never abstaining, so the notice is checked whatever the confidence.
    settings = load_settings()
    settings.answer = settings.answer.model_copy(update={"abstain_below": 0.0})
    corpus, index_dir = shipped_index
    assistant = Assistant(str(index_dir), corpus=corpus, settings=settings, build_missing=False, embedder=embedder)
    for question in ("What did the review predict about AI scientists in 2025?", "How many people attended NeurIPS 2025?"):
        answer = assistant.ask(question)
        assert not answer.abstained
        lead_year = assistant.store.doc_years[answer.citations[0].doc]
        named = [n for n in answer.notices if "2025" in n and "2024" in n]
        assert (lead_year == 2025) != bool(named), (answer.answer, answer.notices)  # a notice exactly when it differs


@pytest.mark.slow
def test_the_attendance_of_the_year_asked_about(shipped_assistant) -> None:  # type: ignore[no-untyped-def]
    """The answers issue's: 2024's "over 10k attendees" matches the question's words best, but 2025's notes say
    "it drew 15,000 researchers"."""
    answer = shipped_assistant.ask("How many people attended NeurIPS 2025?")
    assert "15,000" in first_sentence(answer.answer), answer.answer
    assert "10k" not in answer.answer and not answer.notices


@pytest.mark.parametrize(("question", "roles"), [
    ("Who moderated the panel on data quality?", ("moderator",)),
    ("who chaired the closing session", ("moderator",)),
    ("Who sat on the panel, and who hosted it?", ("host", "panellist")),
    ("Who is her co-author on the RFC?", ("author",)),
    ("Who presented the keynote?", ()),
    ("What did the moderator say?", ()),  # not a who-question
])
def test_who_questions_know_the_role_they_ask_about(question: str, roles: tuple[str, ...]) -> None:
    from confqa.answer.question import roles_asked

    assert roles_asked(question) == roles


PANEL_NOTE = """---
title: Harbour Data Days 2031
---

# Harbour Data Days 2031

Written by Petra Quist for the platform team.

## Panel: Who Owns Data Quality?

Panellists: Leila Farahani (Klarvik Bank), Mateus Oliveira (Pontus) and Yuki Sato (Hanami Retail).

The panel was moderated by Ole Sorensen, who kept every answer under two minutes.

Farahani argued that producers own quality; Oliveira said nobody does until it is in a contract.

## Lightning talk: Pandas Is Not a Database

A student whose name I did not catch gave this one, on why dataframes make poor shared state.
"""


def _assistant_over(notes: dict[str, str], tmp_path, embedder):  # type: ignore[no-untyped-def]
    """An assistant over an index of these notes (file name → text), built with the test model."""
    from confqa.api import Assistant
    from confqa.index.build import build_index
    from confqa.settings import Settings

    corpus = tmp_path / "notes"
    corpus.mkdir()
    for name, text in notes.items():
        (corpus / name).write_text(text, encoding="utf-8")
    build_index([corpus], tmp_path / "index", Settings(), lambda: embedder)
    return Assistant(str(tmp_path / "index"), build_missing=False, embedder=embedder)


def test_a_role_question_is_answered_by_the_line_naming_that_role(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """The panel's speakers are in the catalogue; its moderator is not. "Who moderated" (or "who chaired") is
    answered by the line that names the moderator, "who were the panellists" by the panellists' line."""
    assistant = _assistant_over({"harbour.md": PANEL_NOTE}, tmp_path, embedder)
    for question in ("Who moderated the data quality panel?", "who chaired the panel on data quality"):
        answer = assistant.ask(question)
        # The moderator's own line leads, not the heading's unit that lists the panellists before it; "chaired"
        # is answered by "moderated" (one role), so the question counts as covered.
        assert "Ole Sorensen" in first_sentence(answer.answer), (question, answer.answer)
        assert "Petra Quist" not in answer.answer  # the byline names the writer, not the moderator
    panellists = assistant.ask("Who were the panellists on the data quality panel?").answer
    assert all(name in panellists for name in ("Leila Farahani", "Mateus Oliveira", "Yuki Sato")), panellists
    # The notes say they do not know who gave it: no answer, rather than the talk's title as if it were a name.
    unknown = assistant.ask("Who gave the lightning talk 'Pandas Is Not a Database'?")
    assert unknown.abstained, unknown.answer


ROW_NUMBERED_NOTE = """\
# Reading group — spring term

| # | Week | Presenter | Paper |
|---|------|-----------|-------|
| 1 | 3 | Ines Duarte | Attention Sinks in Long Contexts |
| 2 | 5 | Tomasz Wójcik | Quantised Optimisers Without Tears |
| 3 | 7 | Amaka Eze | Retrieval Heads and Where to Find Them |

## Discussion

**#2**: the group measured 23 GB of optimiser state saved by 8-bit moments on the 7B run, with no loss in
final perplexity. Tomasz wants to try 4-bit moments next term.

**#3**: mostly about which heads to prune; nobody agreed.
"""


def test_a_note_that_refers_to_a_row_by_number_answers_for_that_talk(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """'**#2**: …' below a numbered index table is about row 2's talk: a question about that talk's content is
    answered from it and cites that talk, and the row itself reads as a record without its bare row number."""
    from confqa.answer.units import row_record

    assistant = _assistant_over({"reading.md": ROW_NUMBERED_NOTE}, tmp_path, embedder)
    answer = assistant.ask("How much optimiser memory did Wójcik's paper save?")
    assert "23 GB" in answer.answer, answer.answer
    assert answer.citations[0].talk == "Quantised Optimisers Without Tears", answer.citations
    store = assistant.store
    row = next(i for i, s in enumerate(store.sentences) if s.kind == "row" and "Amaka Eze" in s.text)
    record = row_record(row, store)
    assert record.startswith("Week: 7; Presenter: Amaka Eze"), record


CHAIRED_NOTE = """\
# GopherCon Lisbon 2024

Personal notes from GopherCon Lisbon 2024, Lisbon, 3–4 October 2024 (Hotel Tivoli Oriente).
About 600 Go developers came to GopherCon Lisbon this year; these are my notes from both days.

## Day one

Registration was quick and the coffee was good. The Wi-Fi held up all morning, which is a first for us.

### Opening

Opening remarks were by the conference chair, Rui Almeida, who mostly thanked the volunteers and warned us
that the afternoon rooms had changed.

### Generics in Practice — Marta Sousa

Marta showed three codebases before and after generics; type parameters removed about 900 lines of copied code
from the largest one.
"""


def test_a_role_question_is_answered_by_a_line_with_the_role_not_the_closest_line(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """"Who chaired GopherCon Lisbon 2024?": the note's opening line matches the question best, but only the line
    that says "conference chair" and names someone answers it."""
    assistant = _assistant_over({"gophercon.md": CHAIRED_NOTE}, tmp_path, embedder)
    answer = assistant.ask("who chaired GopherCon Lisbon 2024")
    assert "Rui Almeida" in first_sentence(answer.answer), answer.answer
    assert "Personal notes" not in answer.answer


TWO_ROLES_NOTE = """\
# Harbour Data Day 2025

## Closing panel: Who Owns the Data Lake?

The closing panel was moderated by Ingrid Halvorsen. The panellists:

- Tomás Quiroga (Port of Valparaíso)
- Aiko Tanaka (Kobe Logistics)
- Samuel Mensah (Tema Harbour Authority)

Samuel, the only panellist who runs a port, set the tone: nobody owns the lake until it breaks. Aiko argued for
data contracts between teams; Tomás said contracts only work when someone is paid to enforce them.
"""


def test_a_question_about_two_roles_is_answered_for_each_and_a_plural_role_by_everyone(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """"Who moderated the closing panel, and who were the panellists?": the moderator's line and the line that
    names the panellists, not a sentence about one of them."""
    assistant = _assistant_over({"harbour.md": TWO_ROLES_NOTE}, tmp_path, embedder)
    answer = assistant.ask("Who moderated the closing panel at Harbour Data Day, and who were the panellists?")
    assert "Ingrid Halvorsen" in answer.answer, answer.answer
    assert all(name in answer.answer for name in ("Tomás Quiroga", "Aiko Tanaka", "Samuel Mensah")), answer.answer


LABELLED_PARAGRAPH_NOTE = """\
# Robotics Day 2032

## Benchmarks

**Kettle Bench** (robots as baristas): each robot brews tea for a queue of fifty guests. Judges score taste,
spills and speed. **Winner: TeaBot 9**. It never spilled once. Second place went to nobody in particular.

**Shelf Bench** (robots as shop assistants): each robot restocks a supermarket aisle overnight. It is scored on
items placed per hour.
"""


def test_the_sentence_that_answers_leads_its_unit(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """A labelled paragraph names its subject first and states the result later: the answer opens with the
    sentence that answers, the rest of the paragraph follows, and the quote stays verbatim at its lines."""
    assistant = _assistant_over({"robotics.md": LABELLED_PARAGRAPH_NOTE}, tmp_path, embedder)
    answer = assistant.ask("Which robot won Kettle Bench?")
    assert "TeaBot 9" in first_sentence(answer.answer), answer.answer
    assert "Kettle Bench" in answer.answer  # the subject still follows
    lines = LABELLED_PARAGRAPH_NOTE.splitlines()
    for citation in answer.citations:
        assert citation.quote in "\n".join(lines[citation.line_start - 1:citation.line_end])


TALK_NOTE_WITH_LIST_HEADING = """\
# Cache Mistakes We Made

- **Speaker:** Ilse Varga (Kestrel Labs, Utrecht)
- **When:** Friday 14 June, 11:00–11:40, Room 2

## Context

Kestrel serves map tiles to delivery apps. The talk went through the outages of one year, one slide each.

## The mistakes

1. **Caching errors.** A 500 from the origin server was cached for a whole day.
2. **No stampede protection.** Every pod refilled the same key at once after each deploy.
3. **Keys without versions.** A schema change served stale tiles for hours.

## Q&A

- Q: Would you put a CDN in front? — A: Yes, for the static tiles only.
"""


def test_a_heading_in_a_named_talks_note_answers_what_its_title_words_ask(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """"Which cache mistakes did Varga walk through?": the talk is "Cache Mistakes We Made", so "mistakes" names
    the talk, and it is also what the question asks for; "## The mistakes" in the talk's note answers it
    ("walk through" only asks)."""
    assistant = _assistant_over({"cache-mistakes.md": TALK_NOTE_WITH_LIST_HEADING}, tmp_path, embedder)
    answer = assistant.ask("Which cache mistakes did Varga walk through?")
    assert not answer.abstained, (answer.answer, answer.evidence)
    assert sum(item in answer.answer for item in ("Caching errors", "stampede", "without versions")) >= 2, answer.answer


@pytest.mark.parametrize(("question", "kinds"), [
    ("Which lightning talks were on the programme?", {"lightning talk"}),
    ("What tutorials were there at CELS 2023?", {"tutorial"}),
    ("List the keynotes and the panels.", {"invited talk", "panel"}),
    ("Which talks were given at the workshop?", set()),  # the workshop places the question; talks are asked for
    ("Which talks were about benchmarking?", set()),
])
def test_a_question_names_the_kinds_of_talk_it_asks_for(question: str, kinds: set[str]) -> None:
    from confqa.answer.catalogue import kinds_asked

    assert kinds_asked(question) == kinds


def test_which_talks_of_a_kind_lists_that_kind_from_the_catalogue(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    from tests.test_talk_shapes import LIGHTNING_NOTE

    assistant = _assistant_over({"platform-day.md": LIGHTNING_NOTE}, tmp_path, embedder)
    answer = assistant.ask("Which lightning talks were on the programme at Platform Day?")
    talks = [c.talk for c in answer.citations]
    assert set(talks) == {"Flaky Tests Are a Feature Request", "Ten Years of One Makefile", "Dashboards Nobody Reads"}
    assert "Tracing Without Tears" not in answer.answer


ITEM_NOTE = """\
# Platform day

## Retiring 4,000 Scheduled Jobs

- Jobs were spread across ~300 hosts and nobody knew who owned half of them.
- About 600 jobs turned out to be dead. They were removed with a "silence test" (disable, wait 30 days, delete).
- An agent shipped every crontab to one database first.
"""


def test_a_list_item_keeps_its_second_sentence_in_a_heading_unit(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """A list item of two sentences is one item: a heading's unit quotes both, not its first sentence alone."""
    from confqa.answer.units import section_unit, unit_text
    from confqa.settings import AnswerSettings

    store = _assistant_over({"platform.md": ITEM_NOTE}, tmp_path, embedder).store
    chunk = next(i for i, c in enumerate(store.chunks) if "Retiring" in c.section)
    unit = section_unit(chunk, list(store.sentences_by_chunk[chunk]), store, AnswerSettings(),
                        lambda ids: dict.fromkeys(ids, 0.5))
    assert unit is not None
    text = unit_text(unit, store)
    assert 'removed with a "silence test" (disable, wait 30 days, delete)' in text, text
    assert text.count(";") == 2, text  # still three items


RULES_NOTE = """# Field notes from the reliability workshop

## Seven rules for trustworthy evaluation

The organisers closed the morning with seven rules they want every paper to follow.

1. **Freeze the test set before training starts.**
    - Anything touched during development is a development set, whatever the folder is called.
    - Several teams admitted to peeking at the held-out split while choosing learning rates and architectures.
2. **Report variance across seeds.**
    - A single run hides swings of several points between otherwise identical configurations of the model.
    - The speakers asked for at least five seeds and the standard deviation next to every headline number.
3. **Publish the prompts verbatim.**
    - Small wording changes moved accuracy by up to eleven points on the reading comprehension tasks they tried.
    - Prompts belong in the appendix or the repository, never paraphrased in the main text of the paper.
4. **Keep a contamination log.**
    - Every dataset that might overlap the pretraining crawl is listed with the check that was run against it.
    - Their own audit found two popular benchmarks copied verbatim on public code hosting sites.
5. **Compare against tuned baselines.**
    - A baseline with default hyperparameters is a straw man, and reviewers should reject the comparison outright.
    - They showed three published gains that vanished once the baseline received the same tuning budget.
6. **Name the compute budget.**
    - Accelerator hours decide who can reproduce a result, so they belong in the abstract, not a footnote.
    - One headline method needed forty times the compute of the baseline it was compared with in the tables.
7. **Release the evaluation harness.**
    - Numbers from private harnesses cannot be checked, and two labs reported different scores for one model.
    - A container image with pinned versions was the minimum the panel would accept from a submission.

## Lunch

Sandwiches ran out early.
"""

LADDER_NOTE = """# Evaluation practice, day two

## The maturity ladder

The speaker placed every team somewhere on a ladder of evaluation habits.

**Stage 1: Spreadsheet scoring**
- Someone pastes outputs into a sheet and marks them by hand.
- Nobody can repeat it a week later.

**Stage 2: Scripted benchmarks**
- A script runs a fixed benchmark after every training run.
- It catches regressions but not what users actually ask.

**Stage 3: Shadow traffic**
- Real requests are replayed against the candidate model offline.
- Differences are reviewed by the on-call engineer.

**Stage 4: Live experiments**
- A slice of users sees the new model and retention decides.
"""


def test_a_list_question_is_answered_by_the_whole_list_of_its_section(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """A section whose list is cut across two passages is quoted as one list of all its items, and an answer
    that lists exactly as many items as the question asks for stops there."""
    assistant = _assistant_over({"workshop.md": RULES_NOTE}, tmp_path, embedder)
    store = assistant.store
    section_chunks = [c for c in store.chunks if c.section.endswith("Seven rules for trustworthy evaluation")]
    assert len(section_chunks) >= 2  # the list really is cut across passages
    answer = assistant.ask("What are the seven rules for trustworthy evaluation?")
    lead = answer.answer.split("[1]")[0]
    for rule in ("Freeze the test set", "Report variance across seeds", "Publish the prompts", "contamination log",
                 "tuned baselines", "compute budget", "evaluation harness"):
        assert rule in lead, answer.answer
    assert "[2]" not in answer.answer  # seven asked, seven given: nothing padded after


def test_a_section_divided_by_bold_labels_lists_its_labels(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """"**Stage 1: …**" over a list, "**Stage 2: …**" over the next: asked for the stages, the answer is the
    labels, not the first bullets under the first two."""
    assistant = _assistant_over({"practice.md": LADDER_NOTE}, tmp_path, embedder)
    answer = assistant.ask("What are the four stages of the maturity ladder?")
    lead = answer.answer.split("[1]")[0]
    for stage in ("Spreadsheet scoring", "Scripted benchmarks", "Shadow traffic", "Live experiments"):
        assert stage in lead, answer.answer
    assert "**" not in lead


@pytest.mark.parametrize(("question", "items"), [
    ("What are the five commandments of good benchmarks?", 5),
    ("Which three tools did she recommend?", 3),
    ("Name 4 datasets used in the study", 4),
    ("Which talks covered retrieval?", None),
    ("List the principles from Tutorial 2.", None),
    ("How many rules did they give?", None),
    ("What lessons did the team share about migrating 40 services?", None),  # a count in the topic, not asked for
])
def test_a_list_question_names_how_many_items_it_wants(question: str, items: int | None) -> None:
    from confqa.answer.intents import classify

    assert classify(question).items == items


RECAP_2024 = """# Harbourconf 2024 recap

Many people attended Harbourconf this year: well over 9,000 attendees filled the halls, and many people said the
queues for coffee were the longest they had seen at any conference.

## Keynotes

The opening keynote was about compilers for sparse tensors and the closing keynote about energy use of training.
"""

NOTES_2025 = """# Harbourconf 2025: what the tutorials taught

## Why it matters

This year the conference was bigger than ever: it drew 12,400 researchers, engineers and students to Lisbon.
The tutorials were where the real content was.

## Tutorial one

It covered evaluation harnesses, seeds and variance, and how to report confidence intervals for benchmarks.
"""


def test_a_number_asked_for_one_year_comes_from_that_years_notes(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """"How many people attended Harbourconf 2025?" is answered from the 2025 notes even when the passage that
    matches the question's words best is the 2024 recap's "many people attended": the 2025 notes' own sentence
    with a count of people is found and leads."""
    assistant = _assistant_over({"recap-2024.md": RECAP_2024, "tutorials-2025.md": NOTES_2025}, tmp_path, embedder)
    top = assistant.retrieve("How many people attended Harbourconf 2025?", 1)
    assert top[0].doc == "recap-2024.md"  # the best-matching passage is the other year's
    answer = assistant.ask("How many people attended Harbourconf 2025?", top_k=1)
    assert not answer.abstained, answer.evidence
    assert "12,400" in answer.answer.split("[1]")[0], answer.answer
    assert answer.citations[0].doc == "tutorials-2025.md"
    assert "9,000" not in answer.answer
    # The 2024 question is still answered from the 2024 recap.
    assert "9,000" in assistant.ask("How many people attended Harbourconf 2024?", top_k=1).answer


CAVEATS_NOTE = """# Notes from Fjordconf

Some caveats before the notes:

- Fjordconf is a large conference with many parallel tracks and (probably) around 4,000 attendees.
- I mostly attended the systems track and skipped the theory sessions entirely.
- Some of what follows is from hallway conversations rather than from the talks themselves.
- My notes on the posters are thin because the poster hall was too crowded to read anything.

## Systems track

The best systems talk showed a scheduler that halved tail latency for inference serving.
"""


def test_a_count_asked_for_quotes_only_the_list_item_that_holds_it(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """A how-many question answered from a list quotes the list's label and the item with the count, not every
    item of the list."""
    from confqa.answer import checks
    from confqa.answer.intents import classify
    from confqa.answer.units import narrowed, unit_text, units_of
    from confqa.settings import AnswerSettings

    assistant = _assistant_over({"fjord.md": CAVEATS_NOTE}, tmp_path, embedder)
    store = assistant.store
    label = next(i for i in range(len(store.sentences)) if store.sentences[i].text.startswith("Some caveats"))
    lead_in = units_of([label], {label: 0.5}, store, AnswerSettings())[0]
    assert lead_in.kind == "lead-in" and len(lead_in.members) == 5  # the label and its four items
    intent = classify("How many attendees did Fjordconf have?")
    text = unit_text(narrowed(lead_in, store, lambda t: checks.holds(intent, t, store)), store)
    assert text.startswith("Some caveats before the notes:") and "4,000 attendees" in text, text
    assert "systems track" not in text and "poster hall" not in text, text
    # A list whose every item holds a number, or none does, stays whole.
    assert narrowed(lead_in, store, lambda t: True) == lead_in
    assert narrowed(lead_in, store, lambda t: False) == lead_in
    answer = assistant.ask("How many attendees did Fjordconf have?")
    assert "4,000 attendees" in answer.answer and "poster hall" not in answer.answer, answer.answer


TICKETS_NOTE = """# Northwind Summit 2025

The summit ran for two days in Tallinn, with 40 talks on two tracks and a hallway track that never stopped.
Tickets sold out within a week of going on sale, and the waiting list for tickets was longer than the venue.

## Day one

The opening keynote was about building search systems that explain their rankings to the people who use them.
"""


def _declined_until_given(note: str, question: str, before: str, after: str, given: str, tmp_path, embedder):  # type: ignore[no-untyped-def]
    """Asks the question over the note, then over the note with `before` replaced by `after`: the first is declined,
    the second answered with `given` in its answer. Returns the first assistant."""
    (tmp_path / "without").mkdir()
    (tmp_path / "with").mkdir()
    assert before in note
    without = _assistant_over({"note.md": note}, tmp_path / "without", embedder)
    answer = without.ask(question)
    assert answer.abstained, (answer.answer, answer.confidence, answer.evidence)
    answer = _assistant_over({"note.md": note.replace(before, after)}, tmp_path / "with", embedder).ask(question)
    assert not answer.abstained and given in answer.answer, (answer.answer, answer.confidence)
    return without


def test_a_price_question_without_a_price_in_the_answer_abstains(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """"How much did a ticket cost?" over notes that talk about tickets but never give a price is not answered;
    the same notes with the price are."""
    _declined_until_given(TICKETS_NOTE, "How much did a ticket for Northwind Summit 2025 cost?", "and the waiting list",
                          "at 240 euros each, and the waiting list", "240 euros", tmp_path, embedder)


ROUTER_NOTE = """# Sparse Days 2025

## Training mixture-of-experts routers (Mina Castellanos)

Mina Castellanos walked through how her team trained the router of a 64-expert model.

- A capacity factor of 1.25 during training and 2.0 at inference.
- An auxiliary load-balancing loss with coefficient 0.01; higher values cost accuracy.
- The router starts from small weights (std 0.002) rather than the default.
"""


def test_a_measure_named_by_more_than_its_noun_needs_a_line_that_names_it(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """"Which learning rate" is not answered by the capacity factor or a loss coefficient, however close they are;
    a line with the learning rate answers it, and so does an acronym of the measure."""
    _declined_until_given(ROUTER_NOTE, "Which learning rate did Mina Castellanos's team use for the router?",
                          "rather than the default.", "rather than the default, trained at a learning rate of 3e-4.",
                          "3e-4", tmp_path, embedder)
    from confqa.answer.question import Question
    from confqa.answer.unanswered import measure_unnamed

    def question_of(text: str) -> Question:
        return Question(text=text, intent=classify(text), route=None, terms=set(), topic=set(), content=set())

    asked = question_of("What false positive rate did the classifier have on overpaintings?")
    assert measure_unnamed(asked, ["The classifier reached 89% accuracy on the blind test."]) == "false positive rate"
    assert measure_unnamed(asked, ["On overpaintings its FPR was 4%."]) is None
    assert measure_unnamed(asked, ["False positives were rare: a rate of 4% on overpaintings."]) is None
    assert measure_unnamed(question_of("What accuracy did the classifier reach?"), ["It got 89%."]) is None


KERNEL_NOTE = """# Systems Week 2025

## Memory-bound training (Aiko Sato)

Aiko Sato argued that most training jobs are memory-bound, not compute-bound.

On the same GPU as last year, her group got a 1.9x end-to-end speedup on a 3B-parameter model from kernel fusion
and layout changes alone. She asked the audience to measure arithmetic intensity per kernel before buying hardware.
"""


def test_a_thing_asked_for_by_its_kind_needs_a_line_that_names_one(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """"Which GPU model" is not answered by "on the same GPU as last year"; "on an H100 GPU" answers it. A kind
    named by common nouns ("what crop", "what training loss") is not checked this way."""
    _declined_until_given(KERNEL_NOTE, "Which GPU model did Aiko Sato's group use for the 1.9x speedup?",
                          "On the same GPU as last year", "On a single H100 GPU", "H100", tmp_path, embedder)
    from confqa.answer.question import Question
    from confqa.answer.unanswered import instance_unnamed

    def question_of(text: str) -> Question:
        return Question(text=text, intent=classify(text), route=None, terms=set(), topic=set(), content=set())

    assert instance_unnamed(question_of("Which database did the team move to?"),
                            ["The team moved the ledger to a new database in March."]) == "database"
    assert instance_unnamed(question_of("Which database did the team move to?"),
                            ["The team moved the ledger to a Postgres database in March."]) is None
    assert instance_unnamed(question_of("What crop was the spraying tested on?"),
                            ["The spraying crop trial ran on winter wheat."]) is None


@pytest.mark.parametrize(("text", "holds"), [
    ("Infrastructure cost for those jobs dropped by about 70%.", True),  # a saving given as a share
    ("Roughly 85% of our jobs read less than 1 TB.", False),  # a share of something else
    ("The cost was never discussed. About 70% of the room agreed.", False),  # not the same clause
    ("She claimed a 17% drop in warehouse spend in the first quarter.", True),  # the cost after the share
    ("About 17% of the room left. Spend was not discussed.", False),
])
def test_a_money_question_is_answered_by_a_share_of_a_cost(text: str, holds: bool) -> None:
    from confqa.answer.checks import amounts

    assert amounts(classify("How much money did they save by moving off Spark?"), text) == holds


BRIGHTWATER = """# Brightwater Summit 2024 notes

## Keynote

The keynote was about open data portals, and it ended with a demo of a portal search engine.
"""

KESTREL = """# Kestrel Days 2024 notes

## Opening talk

The opening keynote argued that city transport data should be published as open data.
"""


def test_a_question_naming_a_note_by_its_title_prefers_that_note(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """"At Kestrel Days" names the Kestrel Days notes: their passages keep their score, others keep
    `other_note_weight` of theirs. A name no title holds, or one every title holds, names no note."""
    from confqa.search import Filters
    from confqa.search.base import Hit

    assistant = _assistant_over({"brightwater-2024.md": BRIGHTWATER, "kestrel-2024.md": KESTREL}, tmp_path, embedder)
    search, docs = assistant.search, assistant.store.doc_names
    kestrel = docs.index("kestrel-2024.md")
    assert search.titles.named_in("What was the keynote about at Kestrel Days?") == (kestrel,)
    assert search.titles.named_in("What did Brightwater show?") == (docs.index("brightwater-2024.md"),)
    assert search.titles.named_in("What was said at Lisbon?") == ()  # in no title
    assert search.titles.named_in("What was in the Notes?") == ()  # in every title
    assert search.titles.named_in("Kestrel was the best, right?") == ()  # a question's first word is capitalised anyway
    query = search.query("What was the keynote about at Kestrel Days?", Filters())
    assert query.notes == (kestrel,)
    chunk_of = {docs[int(d)]: c for c, d in enumerate(assistant.store.chunk_doc)}
    hits = [Hit(chunk_of["brightwater-2024.md"], 0.9, 0.5, 1.0, False), Hit(chunk_of["kestrel-2024.md"], 0.8, 0.5, 1.0, False)]
    weight = search.settings.other_note_weight
    assert 0.8 / 0.9 > weight  # the preference is strong enough to reorder these two
    preferred = search._prefer_notes(hits, query.notes, weight)
    assert [docs[int(assistant.store.chunk_doc[h.chunk])] for h in preferred] == ["kestrel-2024.md", "brightwater-2024.md"]
    assert preferred[1].score == pytest.approx(0.9 * weight) and preferred[0].score == 0.8
    assert search.query("What was the keynote about at Kestrel Days?", Filters(doc="brightwater-2024.md")).notes == ()


@pytest.mark.parametrize(("text", "holds"), [
    ("The oral session on day one had four papers.", True),
    ("The panel closed the second day.", True),
    ("Day 3 was tutorials.", True),
    ("The oral session had four papers.", False),
    ("One day they will publish the data.", False),
])
def test_a_conference_day_answers_when(text: str, holds: bool) -> None:
    from confqa.answer.checks import holds as holds_for

    intent = classify("which day of the conference had the oral session")
    assert intent.name == "when"
    assert holds_for(intent, text, None) == holds  # type: ignore[arg-type]  # a date needs no index


SPONSOR_NOTE = """# Day two

In the afternoon there was a sponsor talk from Heron Analytics called "Dashboards Nobody Reads". The room was
full and the demo of their alerting product worked on the first try.

## Evening

The conference dinner was at the harbour.
"""


def test_who_was_on_stage_is_not_answered_by_the_names_the_question_gives(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """"Who gave the Heron Analytics sponsor talk?" over a line naming only Heron Analytics is declined; the same
    line naming the speaker answers. "Who sponsored …" may be answered by an organisation."""
    from confqa.answer.checks import names_someone

    question = "Who gave the Heron Analytics sponsor talk on dashboards?"
    unnamed = _declined_until_given(SPONSOR_NOTE, question, "there was a sponsor talk", "Ines Okafor gave a sponsor talk",
                                    "Ines Okafor", tmp_path, embedder)
    assert not names_someone("a sponsor talk from Heron Analytics", unnamed.store)  # an organisation
    line = "a sponsor talk by Rafa Heron"
    assert names_someone(line, unnamed.store) and not names_someone(line, unnamed.store, besides=("Rafa", "Heron"))
    assert classify(question).names == ("Who", "Heron", "Analytics")
    assert not names_someone('a talk called "Dashboards Nobody Reads"', unnamed.store, besides=("Who",))


RKYV_NOTE = """# Oxidize notes

## Zero-copy Deserialization with rkyv

Benchmarks of rkyv against serde and bincode on messages from 1 KB to 10 MB. It wins big on reads and loses a bit
on writes. Validation is not free, so benchmark with it turned on.

## Lunch

Lunch was soup and bread in the foyer.
"""


def test_who_was_on_stage_is_not_answered_by_the_questions_own_words_in_capitals(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """"Who gave the zero-copy deserialization talk?" over a heading that writes those words in capitals is
    declined: the question's words, in any case, name no one new. The same note naming the speaker answers."""
    from confqa.answer.checks import names_someone

    unnamed = _declined_until_given(RKYV_NOTE, "Who gave the zero-copy deserialization talk about rkyv?",
                                    "Benchmarks of rkyv", "Maja Lindqvist showed benchmarks of rkyv", "Maja Lindqvist",
                                    tmp_path, embedder)
    heading = "Zero-copy Deserialization with rkyv"
    assert names_someone(heading, unnamed.store)  # two capitalised words read as a name …
    assert not names_someone(heading, unnamed.store, besides=("zero-copy", "deserialization"))  # … the question's


@pytest.mark.parametrize(("question", "measure"), [
    ("What time did the conference dinner start?", "clock"),
    ("At what time was service fully restored?", "clock"),
    ("At what time of year does the summit take place?", None),  # a season, not a time of day
    ("Which room was the profiling workshop held in?", "room"),
    ("In which hall did the keynote take place?", "room"),
    ("In which city was the summit held?", "city"),
    ("Which country will host the 2026 edition?", "city"),
    ("Where was the summit held?", None),
])
def test_a_when_or_where_question_may_ask_for_a_time_of_day_or_a_room(question: str, measure: str | None) -> None:
    assert classify(question).measure == measure


DINNER_NOTE = """# Harbour days

## Social

The conference dinner was at the old customs house by the river, with a jazz trio and far too much dessert.
Most of the speakers came, and the organisers gave a short speech thanking the volunteers.
"""


def test_a_time_of_day_or_a_room_asked_for_and_not_given_is_declined(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """"What time did the dinner start?" over notes that place the dinner but never time it is declined, and
    answered once they give the time; a place is no room."""
    from confqa.answer.checks import holds

    untimed = _declined_until_given(DINNER_NOTE, "What time did the conference dinner start?", "was at the old",
                                    "started at 19:30 at the old", "19:30", tmp_path, embedder)
    room = classify("Which room was the dinner in?")
    assert holds(room, "The dinner was in Room B.214 on the third floor.", untimed.store)
    assert not holds(room, "The dinner was at the old customs house in Porto.", untimed.store)


CLOSING_NOTE = """# Tidewater Geo Days 2025, day two

## Main Hall, 16:00

Closing remarks by the organisers, and the announcement of the Tidewater Geo Days 2026 host city.
The organisers thanked the sponsors and the forty volunteers, and the slides of every talk went online that evening.
"""


@pytest.mark.parametrize(("text", "holds"), [
    ("Closing remarks, and the announcement of the Tidewater Geo Days 2026 host city.", False),  # the question's words
    ("The 2026 host city is Tromsø, the organisers said.", True),
    ("📍 São Paulo, Centro de Convenções Frei Caneca · sáb, 19/10/2024", True),  # a pin before the place
    ("Narayanan (Indian Institute of Science) moved to Bengaluru last year.", True),
    ("Location: Porto, Alfândega Congress Centre", True),  # a place field
])
def test_a_city_asked_for_is_a_place_the_question_does_not_name(text: str, holds: bool) -> None:
    """"Which city will host Tidewater Geo Days 2026" is answered by a place's name, not by a line that repeats the
    question's "host city" and its event's name."""
    from confqa.answer.checks import holds as holds_type

    assert holds_type(classify("Which city will host Tidewater Geo Days 2026?"), text, None) is holds  # type: ignore[arg-type]


def test_a_city_asked_for_and_not_named_is_declined(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """Notes that announce a host city without naming it do not answer which city it is; once they name it, the
    answer gives it."""
    _declined_until_given(CLOSING_NOTE, "Which city will host Tidewater Geo Days 2026?", "2026 host city.",
                          "2026 host city: Tromsø.", "Tromsø", tmp_path, embedder)


STATUS_NOTE = """# Async Rust day

## Async drop

The talk opened with one question: what happens when an async value is dropped in a sync context?
Status: experimental behind a feature flag; she thinks stabilisation is not 2025, hopefully 2026.
"""


def test_a_when_answer_leads_with_the_line_that_gives_the_date(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """Of the units chosen for "when will it be stabilised", the one with a date leads, the closer one that only
    restates the question follows; a unit with a date already leading keeps its place."""
    from confqa.answer.leads import typed_first
    from confqa.answer.question import Question, Scored
    from confqa.answer.units import Unit

    store = _assistant_over({"rust.md": STATUS_NOTE}, tmp_path, embedder).store
    restating = next(i for i in range(len(store.sentences)) if "what happens when" in store.sentences[i].text)
    dated = next(i for i in range(len(store.sentences)) if "2026" in store.sentences[i].text)
    question = "When does she think async drop will be stabilised?"
    asked = Question(text=question, intent=classify(question), route=None, terms=set(), topic=set(), content=set())
    first, second = Scored(Unit((restating,), "sentence", 0.8), 0.9), Scored(Unit((dated,), "sentence", 0.6), 0.7)
    assert typed_first([first, second], asked, store) == [second, first]
    assert typed_first([second, first], asked, store) == [second, first]
    who = Question(text="Who spoke?", intent=classify("Who spoke?"), route=None, terms=set(), topic=set(), content=set())
    assert typed_first([first, second], who, store) == [first, second]  # names are not reordered for
    assert typed_first([first, second], asked, store)[0] is second


def test_a_list_answer_leads_with_a_list(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """"List the caveats": the unit that lists them leads, ahead of a closer single sentence."""
    from confqa.answer.leads import typed_first
    from confqa.answer.question import Question, Scored
    from confqa.answer.units import Unit, units_of
    from confqa.settings import AnswerSettings

    store = _assistant_over({"fjord.md": CAVEATS_NOTE}, tmp_path, embedder).store
    label = next(i for i in range(len(store.sentences)) if store.sentences[i].text.startswith("Some caveats"))
    single = next(i for i in range(len(store.sentences)) if "scheduler" in store.sentences[i].text)
    lead_in = Scored(units_of([label], {label: 0.5}, store, AnswerSettings())[0], 0.5)
    sentence = Scored(Unit((single,), "sentence", 0.9), 0.9)
    question = "List the caveats of the notes"
    asked = Question(text=question, intent=classify(question), route=None, terms=set(), topic=set(), content=set())
    assert asked.intent.name == "list"
    assert typed_first([sentence, lead_in], asked, store) == [lead_in, sentence]


@pytest.mark.parametrize(("question", "like"), [
    ("What was the weather like in San Diego during the conference?", True),
    ("what is the food like at the venue", True),
    ("What was the keynote about?", False),
    ("What did attendees like most about the venue?", False),
])
def test_a_question_may_ask_what_a_thing_was_like(question: str, like: bool) -> None:
    from confqa.answer.question import asks_what_it_was_like, head_of

    assert asks_what_it_was_like(question) == like
    assert head_of("What was the last year she attended in person?") is None  # 'last' is no noun, 'year' a form word
    assert head_of("What is the difference between DARE and TIES?") is None


CACHING_TALK = """# Caching at the Edge

Speaker: Tomasz Lewandowski (Fastcache)

Morning infrastructure track. Tomasz runs the edge platform and presented results from running edge caching for a
news site with real traffic.

## What they measured

- Hit rate went from 61% to 88% after keying on normalised URLs.
- Origin egress fell by two thirds.

## Takeaways

1. Normalise URLs before you key the cache.
2. Purge by tag, never by path.
3. Alert on hit-rate drops of more than five points.
"""


def test_advice_asked_for_is_answered_by_the_section_headed_as_advice(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """"What did Lewandowski recommend for running edge caching?": the talk's "Takeaways" leads, not the intro
    line that repeats the question's words. A "recommender system" asks for no advice."""
    from confqa.answer.leads import _ADVICE_ASKED

    assistant = _assistant_over({"caching.md": CACHING_TALK}, tmp_path, embedder)
    answer = assistant.ask("What did Tomasz Lewandowski recommend for running edge caching?")
    lead = answer.answer.split("[1]")[0]
    assert "Normalise URLs" in lead and "Purge by tag" in lead, answer.answer
    assert _ADVICE_ASKED.search("what were his takeaways") and not _ADVICE_ASKED.search("how are recommender systems evaluated")


def test_a_question_that_asks_more_keeps_the_whole_list() -> None:
    from confqa.answer.question import ASKS_MORE

    assert ASKS_MORE.search("How much pruning did he recommend, and what should be exempt?")
    assert not ASKS_MORE.search("How much pruning did he recommend after deduplication?")
    assert ASKS_MORE.search("Who gave the talk, and whose joint work was it?")


NESTED_TALKS = """# Trip report

## Keynote by Hana Ito: Memory Is the Bottleneck

Ito argued that most training time is spent waiting on memory, not on arithmetic.

### Rafael Souza — Compiling Dynamic Shapes

Souza works on compilers. Variable sequence lengths cause a recompilation every time a new shape shows up,
and each recompilation can take several seconds on a large model.

- Inputs are padded into buckets of powers of two, so a model sees at most a dozen shapes.
"""


def test_a_talk_heading_nested_under_another_talk_owns_its_lines(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """A note that nests a talk's heading under the keynote's heading: the lines under the inner heading are
    cited as that talk's, not the keynote's."""
    assistant = _assistant_over({"trip.md": NESTED_TALKS}, tmp_path, embedder)
    titles = {t.title for t in assistant.store.talks_by_id.values()}
    assert {"Memory Is the Bottleneck", "Compiling Dynamic Shapes"} <= titles, titles
    answer = assistant.ask("Why do variable sequence lengths slow down compilers?")
    assert not answer.abstained and answer.citations, answer.answer
    assert answer.citations[0].talk == "Compiling Dynamic Shapes", [(c.talk, c.quote[:40]) for c in answer.citations]


MISSING_CHECKS_NOTE = """# Data quality meetup

## Talk: What we got wrong

Jelena looked back at eight years of data pipelines. She ended with a list of five checks she wishes she had
written in 2018, and promised to blog about them.
"""


def test_a_list_question_answered_by_fewer_things_than_it_counts_is_declined(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """"What were the five checks …?" over notes that only say there were five is not answered."""
    assistant = _assistant_over({"meetup.md": MISSING_CHECKS_NOTE}, tmp_path, embedder)
    answer = assistant.ask("What were the five data quality checks Jelena wishes she had written?")
    assert answer.abstained and answer.evidence["unanswered"] == 1.0, (answer.answer, answer.confidence)


QUANTISATION_TALK = """# Low-bit training (Kenji Arakawa)

Arakawa argued for quantisation-aware training at 2 bits as a short extra phase. Post-training quantisation works
down to 4 bits but falls apart at 2 bits. Train for 10 billion tokens with a learning rate of 1e-5.
"""

FEDERATED_TALK = """# Federated fine-tuning on phones (Ada Okafor)

Each round samples 2,000 devices that are idle and charging. The server ran on 16 GPUs.
"""


def test_a_count_of_a_thing_the_quoted_notes_never_name_is_declined(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """"How many GPUs did Arakawa use": his note gives numbers ("4 bits", "10 billion tokens") but never speaks of
    GPUs, which another note does: declined. A count by the note's own other word ("2,000 devices" for "phones",
    in a note about phones) is an answer, and so is "how many times" counted by what happened."""
    from confqa.answer.intents import classify

    assistant = _assistant_over({"low-bit.md": QUANTISATION_TALK, "federated.md": FEDERATED_TALK}, tmp_path,
                                embedder)
    gpus = assistant.ask("How many GPUs did Arakawa use for quantisation-aware training?")
    assert gpus.abstained, gpus.answer
    phones = assistant.ask("How many phones take part in each round of federated fine-tuning?")
    assert not phones.abstained and "2,000" in first_sentence(phones.answer), phones.answer
    assert classify("How many times have the checkpoints been downloaded?").counted == "downloaded"
    assert classify("How many times did she say it?").counted is None


@pytest.mark.parametrize(("text", "statistics"), [
    ("latencia p99 del modelo de fraude", {"p99"}),
    ("the 99th percentile of write latency", {"p99"}),  # one percentile, however it is written
    ("p95 read latency", {"p95"}),
    ("the p50 latency", {"median"}),
    ("latencia media de 38 ms por transacción", {"mean"}),
    ("What does PUE mean in the energy talk?", set()),  # the verb
    ("what did she mean by focus amnesia", set()),
    ("peak memory during training", {"peak"}),
])
def test_the_statistic_a_figure_is_of(text: str, statistics: set[str]) -> None:
    from confqa.answer.checks import statistic_of

    assert statistic_of(text) == statistics


FRAUD_NOTE = """# Payments Day 2030

## Real-time fraud scoring (Marisol Quintero)

The graph model scores each card payment with a mean latency of 38 ms, well under the 100 ms budget the card
processor allows. False positives fell from 4.8% to 1.9%.

## Storage (Ivo Brandt)

After the volumes were split, p99 write latency went from 184 ms to 62 ms.
"""


def test_a_figure_of_another_statistic_does_not_answer(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """"The p99 latency of Quintero's fraud model": her notes give its mean latency only (p99 is another talk's),
    so it is declined; her mean latency is answered."""
    assistant = _assistant_over({"payments.md": FRAUD_NOTE}, tmp_path, embedder)
    p99 = assistant.ask("What p99 latency did Quintero's fraud model reach?")
    assert p99.abstained, p99.answer
    mean = assistant.ask("What mean latency did Quintero's fraud model reach?")
    assert not mean.abstained and "38 ms" in first_sentence(mean.answer), mean.answer


CALLOUT_TABLE_NOTE = """# Lighthouse Security Digest

## The two editions in numbers

> | | Beacon Con 2029 (Gdańsk) | Beacon Con 2031 (Porto) |
> |---|---|---|
> | Attendance | 1,700 | 2,650 |
> | Papers accepted | 41 | 66 |

Both editions ran for three days.
"""


def test_a_table_quoted_as_a_callout_is_read_as_a_table(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """A table written inside a block quote ('> | Attendance | 1,700 | 2,650 |') has rows with column names, like
    any other table: the attendance row answers "beacon con 2029 attendance", its cells named by their columns."""
    from confqa.talks.detectors.structure import cells

    assert cells("> | Attendance | 1,700 | 2,650 |") == ["Attendance", "1,700", "2,650"]
    assistant = _assistant_over({"digest.md": CALLOUT_TABLE_NOTE}, tmp_path, embedder)
    answer = assistant.ask("beacon con 2029 attendance")
    assert "Beacon Con 2029 (Gdańsk): 1,700" in first_sentence(answer.answer), answer.answer
    assert ">" not in answer.answer, answer.answer


RAFT_NOTE = """# Ledger Days 2030

## Brandvold

Their metadata store is replicated across three regions. Fixes, in order of impact:

1. Separate volumes for the write-ahead log and the snapshots.
2. "Follow-the-sun" leadership: the leader moves every 8 hours to the busiest region.

| Metric | Before | After |
|---|---|---|
| p99 write latency | 184 ms | 62 ms |
| Leader elections per day | 31 | 4 |
"""


def test_a_quantity_is_led_by_the_number_beside_what_it_measures(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """"What was the p99 write latency after Brandvold's fixes?": the list of fixes has a number ("every 8 hours")
    and is close to the question; the row that gives the p99 write latency leads the answer."""
    assistant = _assistant_over({"ledger.md": RAFT_NOTE}, tmp_path, embedder)
    answer = assistant.ask("What was the p99 write latency after Brandvold's fixes?")
    assert "62 ms" in first_sentence(answer.answer), answer.answer


NEXT_EDITION_NOTE = """# Team recap: Tidal Computing Days 2031

Recap of: Tidal Computing Days 2031, Porto, 3-5 June 2031 (Alfândega congress hall).

## Minutes

1. General impressions
    1.1. About 400 people in person.
    1.2. Next edition announced for Riga, June 2032.
2. Keynote on wave-energy forecasting, by Rui Matos: forecasts now run every 10 minutes.

## Next meeting

Wednesday 18 June 2031, same room.
"""


def test_the_next_edition_is_answered_by_the_line_about_it(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """"Where is the next Tidal Computing Days?": the line that announces the next edition leads, not the place the
    note gives for its own edition (nor the team's next meeting); "where was it" is still answered by that place."""
    assistant = _assistant_over({"tidal.md": NEXT_EDITION_NOTE}, tmp_path, embedder)
    upcoming = assistant.ask("where is the next tidal computing days")
    assert "Riga" in first_sentence(upcoming.answer), upcoming.answer
    will = assistant.ask("Where will the next edition of Tidal Computing Days be held?")
    assert "Riga" in first_sentence(will.answer), will.answer
    held = assistant.ask("where was tidal computing days 2031 held")
    assert "Porto" in first_sentence(held.answer), held.answer


ANNOUNCED_EDITIONS_NOTE = """# AgriSense 2022 poster walk

Wageningen, 21–23 June 2022. Wi-Fi in the poster hall died twice; bring a hotspot next time.

## Closing session

Organisers announced AgriSense Europe 2023 will be in Lleida, Spain, in June 2023.

## Hallway

Élodie, from the Montréal meetup, said their next edition is planned in person in Montréal in 2024.
"""


def test_a_year_asked_chooses_among_the_lines_about_next_editions(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """"In which city will AgriSense Europe be held in 2023?": the line saying the 2023 edition "will be in Lleida"
    speaks of it; "bring a hotspot next time" and another event's next edition in 2024 do not."""
    assistant = _assistant_over({"agrisense.md": ANNOUNCED_EDITIONS_NOTE}, tmp_path, embedder)
    answer = assistant.ask("In which city will AgriSense Europe be held in 2023?")
    assert "Lleida" in first_sentence(answer.answer), answer.answer


TRADING_NOTE = """# Markets Day 2031

## Trading challenge

Each of the six agent teams got $5k to trade for a week on a paper exchange. (Results unpublished: the sponsor
asked us not to share them.)

## Replication in production (Ivo Brandt)

Brandt explained why replication lag matters for reads. No before/after numbers in this one.
"""


@pytest.mark.parametrize(("text", "says"), [
    ("(Results unpublished. Legal reasons.)", True),
    ("No before/after numbers in this one.", True),
    ("She wouldn't share exact numbers.", True),
    ("The winner was not announced.", True),
    ("We have results from three runs.", False),
    ("The data were shared openly.", False),
])
def test_what_a_note_says_when_a_figure_was_not_given(text: str, says: bool) -> None:
    from confqa.text.lexicon import NOT_GIVEN

    assert bool(NOT_GIVEN.search(text)) is says


def test_a_result_the_notes_say_was_not_given_is_declined(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """"Which team won the trading challenge?": the notes say its results were not published, so it is declined;
    how much each team got to trade is in the same line, and answered."""
    assistant = _assistant_over({"markets.md": TRADING_NOTE}, tmp_path, embedder)
    winner = assistant.ask("Which team made the most money in the trading challenge?")
    assert winner.abstained, winner.answer
    given = assistant.ask("How much money did each team get to trade in the trading challenge?")
    assert not given.abstained and "$5k" in first_sentence(given.answer), given.answer


DODGED_NOTE = """# Lakehouse Day 2031

## Talks

- Mirela Kovač, Quarry Analytics: Hudi compaction storms; snapshot expiry per table, not global; someone asked
  about Kudu; she politely dodged
- Tarek Haddad, Agro Lab: WebGPU side channels; key recovered in 9 minutes; he wouldn't say which browser was the
  safe one
"""


def test_a_question_the_speaker_left_open_is_declined(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """"How did Kovač compare Kudu with Hudi?": the notes say she dodged the question about Kudu, so it is
    declined; a line that says a speaker would not say something else still answers what it gives ("how long did
    Haddad need to recover the key" is answered, though he wouldn't say which browser was safe)."""
    assistant = _assistant_over({"lakehouse.md": DODGED_NOTE}, tmp_path, embedder)
    dodged = assistant.ask("How did Mirela Kovač compare Kudu with Hudi?")
    assert dodged.abstained, dodged.answer
    answered = assistant.ask("How long did Tarek Haddad need to recover the key through the browser?")
    assert not answered.abstained and "9 minutes" in answered.answer, answered.answer


SYMPOSIUM_NOTE = """# Harbour Symposium 2031 notes

Notes from the Harbour Symposium on Learning Systems (HSLS 2031), held in Tallinn, Estonia, in May. It was the
first time the symposium was held in the Baltics, and registrations reached 900, a record.

## Keynote

The keynote argued that most training runs waste a third of their compute on restarts.
"""


def test_a_sentence_that_refers_back_to_a_thing_never_opens_the_answer(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """"It was the first time the symposium was held in the Baltics" needs the sentence before it: the answer
    opens with that one. A sentence about a person ("She argued …") may open an answer."""
    from confqa.answer.units import refers_back

    assistant = _assistant_over({"hsls.md": SYMPOSIUM_NOTE}, tmp_path, embedder)
    answer = assistant.ask("Where was the Harbour Symposium on Learning Systems held in 2031?")
    assert answer.answer.startswith("Notes from the Harbour Symposium"), answer.answer
    assert refers_back("It was the first time.") and refers_back("This is called superposition.")
    assert not refers_back("She argued for smaller models.") and not refers_back("The keynote argued this.")


TWO_TALKS_NOTE = """# Notes from Fjordconf 2024

Fjordconf 2024 was held in Tromsø, Norway, over two days in March.

## Speculative decoding in production (Mei Tanaka)

Mei Tanaka presented a year of running speculative decoding for a chat product with real traffic.
A small draft model proposes four tokens and the large model verifies them in one pass.
Acceptance rates were highest for code completion and lowest for creative writing.

## Training models at two bits (Lars Holm)

Lars Holm argued for quantization-aware training at 2 bits, done as a short extra training phase.
Post-training quantization works well down to 4 bits but falls apart at 2-bit precision, he said.
The best paper award went to the generative retrieval work, which surprised nobody.
"""


def test_what_a_speaker_said_about_a_topic_their_talk_never_covers_is_declined(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """"What did Tanaka say about 2-bit quantization" is not answered from her talk on speculative decoding, though
    another talk of the same note covers the topic; the speaker who did speak of it is answered."""
    assistant = _assistant_over({"fjord.md": TWO_TALKS_NOTE}, tmp_path, embedder)
    declined = assistant.ask("What did Mei Tanaka say about 2-bit quantization?")
    assert declined.abstained and declined.evidence["unanswered"] == 1.0, (declined.answer, declined.evidence)
    answered = assistant.ask("What did Lars Holm say about 2-bit quantization?")
    assert not answered.abstained and "quantization" in answered.answer, answered.answer
    # The words it was routed on are the talk's own: "speculative decoding" is hers, whatever the lines say.
    assert not assistant.ask("What did Mei Tanaka say about speculative decoding?").abstained


def test_an_edition_of_an_event_the_notes_do_not_cover_is_declined(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    from confqa.answer.unanswered import other_edition, outside_the_notes

    assistant = _assistant_over({"fjord.md": TWO_TALKS_NOTE}, tmp_path, embedder)
    store = assistant.store
    assert other_edition("Where was Fjordconf 2023 held?", store)  # the notes are of 2024
    # An event the notes never name is the unknown-name check's ("ICML 2024"): declined all the same.
    assert not other_edition("What were the main themes of ICML 2024?", store)
    assert outside_the_notes("What were the main themes of ICML 2024?", store)
    assert not other_edition("Where was Fjordconf 2024 held?", store)
    assert other_edition("How many people came to Fjordconf in 2021?", store)  # the name, "in" and the year
    assert not other_edition("How many people came to Fjordconf in 2024?", store)
    assert not other_edition("What did Lars Holm say in March 2024?", store)  # a month is not an event
    assert assistant.ask("Where was Fjordconf 2023 held?").abstained
    answer = assistant.ask("Where was Fjordconf 2024 held?")
    assert not answer.abstained and "Tromsø" in answer.answer, answer.answer


def test_an_edition_is_written_as_the_name_with_its_year(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """A passage about Fjordconf that names 2026 for something else does not cover Fjordconf 2026; one that
    writes the edition ("Fjordconf 2026", "the 2026 edition of Fjordconf", "Fjordconf '26") does."""
    from confqa.answer.unanswered import other_edition

    ahead = TWO_TALKS_NOTE.replace("over two days in March.", "over two days in March. The organisers hope to "
                                   "double the attendance by 2026.")
    (tmp_path / "a").mkdir()
    store = _assistant_over({"fjord.md": ahead}, tmp_path / "a", embedder).store
    assert other_edition("When and where will Fjordconf 2026 take place?", store)
    for written in ("Fjordconf 2026 moves to Bergen.", "The 2026 edition of Fjordconf moves to Bergen.",
                    "Fjordconf '26 moves to Bergen."):
        (tmp_path / written[:12]).mkdir()
        covered = _assistant_over({"fjord.md": ahead.replace("The organisers hope", written + " The organisers hope")},
                                  tmp_path / written[:12], embedder).store
        assert not other_edition("When and where will Fjordconf 2026 take place?", covered), written


RELEASE_NOTE = """# PyBaltic 2025 notes

## What's new in GeoStack 3.0 (Tobias Wendt)

Tobias walked through GeoStack 3.0: vector tiles are now served straight from Parquet, and the old raster cache is
gone. Version v2.4 stays supported until the end of the year. Python 3.12 is the oldest Python it runs on.
"""


def test_a_release_the_notes_never_write_is_declined(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """A question about a version of something the notes write of, in a version they never write ("GeoStack 4.0",
    "Python 3.15"), is outside the notes; the versions they write ("3.0", "v2.4", "Python 3.12") are not."""
    from confqa.answer.unanswered import other_version

    assistant = _assistant_over({"pybaltic.md": RELEASE_NOTE}, tmp_path, embedder)
    store = assistant.store
    for question in ("What are the main changes in GeoStack 4.0?", "When will Python 3.15 be released?",
                     "Is GeoStack v3.1 out yet?"):
        assert other_version(question, store), question
        assert assistant.ask(question).abstained, question
    for question in ("What are the main changes in GeoStack 3.0?", "How long is GeoStack 2.4 supported?",
                     "Which is the oldest Python version GeoStack runs on, Python 3.12?",
                     "What did Tobias Wendt present at PyBaltic 2025?"):
        assert not other_version(question, store), question
    answer = assistant.ask("What are the main changes in GeoStack 3.0?")
    assert not answer.abstained and "Parquet" in answer.answer, answer.answer


def test_a_paper_asked_for_is_answered_by_its_name(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """"Which paper won the best paper award" is not answered by a line that says what the paper was about; it is
    by one that names it."""
    _declined_until_given(TWO_TALKS_NOTE, "Which paper won the best paper award at Fjordconf 2024?",
                          "went to the generative retrieval work,", "went to “Recall Is All You Need”,",
                          "Recall Is All You Need", tmp_path, embedder)


def test_a_work_is_named_in_quotes_italics_or_capitals(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """A paper's name is in quotes, italics or a run of capitals the question does not give; a person's name (a
    speaker of the notes, a first and last name) or an organisation's is no paper."""
    from confqa.answer.intents import classify
    from confqa.answer.question import Question
    from confqa.answer.unanswered import names_a_work
    from confqa.lexical import question_terms

    store = _assistant_over({"fjord.md": TWO_TALKS_NOTE}, tmp_path, embedder).store
    question = "Which paper won the best paper award?"
    asked = Question(text=question, intent=classify(question), route=None, terms=set(question_terms(question)),
                     topic=set(), content=set())
    for text, names in [
        ("The best paper award went to “Artificial Hivemind”, on homogeneous outputs.", True),
        ("The best paper went to _Tokens Are Not Words_ this year.", True),
        ("The award went to the Recall Is All You Need paper from Oslo.", True),
        ("The best paper award went to the generative retrieval work.", False),
        ("Best paper award & closing.", False),  # the question's own words
        ("09:00 Opening, by the workshop chair Dr. Fiona O'Neill of Trinity College Dublin.", False),  # people
        ("The award was handed over by Lars Holm after the closing talk.", False),  # a speaker of the notes
    ]:
        assert names_a_work(text, asked, store) == names, text


@pytest.mark.parametrize(("question", "priced"), [
    ("How much did NeurIPS 2025 registration cost?", "registr"),
    ("How much did a 24-hour metro pass cost in Lisbon?", "pass"),  # "cost in Lisbon" is still a price
    ("How much were tickets for JSConf 2024?", "ticket"),
    ("How much did the airport bus to downtown Austin cost?", "bus"),
    ("How much did their monthly observability cost drop after the move?", None),  # a cost that changed
    ("How much money did they save?", None),
    ("How much did it cost?", None),  # a pronoun names nothing
])
def test_a_price_question_names_the_thing_priced(question: str, priced: str | None) -> None:
    intent = classify(question)
    assert intent.measure == ("money" if priced else intent.measure) and intent.priced == priced


TRANSIT_NOTE = """# Lisbon travel notes

Getting around Lisbon during the summit was easy. A single metro ticket with the rechargeable card cost
1.85 euros, and the metro ran until one in the morning. Taxis from the airport were a flat fare to the centre.

## Talks

The opening keynote was about building search systems that explain their rankings to the people who use them.
"""


def test_a_price_is_an_answer_only_for_the_thing_priced(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """"How much did a 24-hour metro pass cost" is not answered by the price of a single ticket."""
    _declined_until_given(TRANSIT_NOTE, "How much did a 24-hour metro pass cost in Lisbon?", "1.85 euros,",
                          "1.85 euros, a 24-hour pass cost 6.80 euros,", "6.80 euros", tmp_path, embedder)


def test_a_name_no_note_writes_is_declined(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """A question about a person or thing the notes never name is declined, however close the lines on its topic
    are; possessives, contractions, short abbreviations, days and the notes' own titles do not count as unknown."""
    from confqa.answer.unanswered import names_unknown

    note = TWO_TALKS_NOTE + ("\nAbout 120 people RSVPs were counted for the MC's closing party on Thursday, "
                             "hosted by Jānis Ozoliņš.\n")
    assistant = _assistant_over({"fjord-notes.md": note}, tmp_path, embedder)
    store = assistant.store
    assert names_unknown("What did Yoshua Bengio say about 2-bit quantization?", store) == "Yoshua Bengio"
    assert names_unknown("What is the boiling point of water on Mount Everest?", store)
    assert not names_unknown("What were Lars Holm's points on 2-bit quantization?", store)
    assert not names_unknown("How many people RSVP'd to the closing party?", store)  # the notes write "RSVPs"
    assert not names_unknown("Who was the MC at the party on Friday?", store)  # an abbreviation, a day
    assert not names_unknown("What do the Fjord Notes say about decoding?", store)  # the note's file name
    assert names_unknown("What did Dr. Lars Vogt say about quantization?", store) == "Lars Vogt"  # a Lars, no Vogt
    assert not names_unknown("What did Dr. Lars Holm say about quantization?", store)
    assert not names_unknown("Where did Janis Ozolins host the party?", store)  # written with accents
    declined = assistant.ask("What did Yoshua Bengio say about 2-bit quantization?")
    assert declined.abstained and declined.evidence["unanswered"] == 1.0, declined.answer


MEETUP_LOG = """# Meetup log 2024

## Go Berlin #58

Three talks on Go generics, the new iterator functions and a long tour of pgx connection pooling.

## Go Berlin #59

A lightning round of five talks on profiling, followed by pizza and a short talk on fuzzing HTTP handlers.
"""


def test_an_edition_by_number_the_notes_do_not_cover_is_declined(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """"Which talks were given at Go Berlin #60" over notes of #58 and #59 is declined, from the lines or from the
    talk catalogue; #59 is answered."""
    from confqa.answer.unanswered import other_edition

    assistant = _assistant_over({"meetups.md": MEETUP_LOG}, tmp_path, embedder)
    assert other_edition("Which talks were given at Go Berlin #60?", assistant.store)
    assert not other_edition("Which talks were given at Go Berlin #59?", assistant.store)
    assert assistant.ask("Which talks were given at Go Berlin #60?").abstained
    answer = assistant.ask("What was the lightning round at Go Berlin #59 about?")
    assert not answer.abstained and "profiling" in answer.answer, answer.answer


HARBOUR_DAY_ONE = """# Harbour Data Summit 2025 — Day 1

Opening keynote by Marit Solberg on why lineage metadata decays faster than the data it describes.

## Afternoon

A workshop on streaming joins, then the sponsor hall. Day 2 starts at nine tomorrow; its notes will be a new post.
"""

EVAL_THREAD = """# EvalCon thread

1/ Day 1 at EvalCon: Priya Raman opened with contamination checks for code benchmarks.

2/ That's day 1. Tomorrow: the agents track and the reproducibility workshop.
"""

HARBOUR_UNDATED = """# More Harbour Data Summit notes

The reproducibility panel argued about seeds; Jonas Berg said everyone should log their data order.
"""


PORTO_NOTES = """# InfraCon Porto 2024

Two days by the river, about 400 people, most of them running platforms for banks and retailers.

## Migrating 4,000 Cron Jobs Without Anyone Noticing

- **Speaker:** Kwame Asante

They had cron jobs spread across about 300 hosts and nobody knew who owned half of them. An agent shipped every
crontab to a central database; then everything was shadow-run on Temporal for two weeks and the outputs compared.
About 600 jobs turned out to be dead and were deleted after a scream test.
"""

LISBON_NOTES = """# Lisbon Systems Meetup

## Queues at the edge

- **Speaker:** Joana Reis

Joana ran the same queue benchmark on three brokers and found the slowest one was the easiest to operate.
"""


def test_a_passage_stands_under_its_notes_title(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """"What did Kwame Asante talk about at InfraCon Porto?": the talk's lines never write the event's name, the
    note's title does. The answer's evidence holds the question's words (coverage and focus), and it is answered;
    the same question about an event his note is not titled by is not held."""
    assistant = _assistant_over({"infracon-porto.md": PORTO_NOTES, "lisbon.md": LISBON_NOTES}, tmp_path, embedder)
    answer = assistant.ask("What did Kwame Asante talk about at InfraCon Porto?")
    assert answer.evidence["coverage"] == 1.0 and answer.evidence["focus"] == 1.0, answer.evidence
    assert not answer.abstained and "cron jobs" in answer.answer, (answer.answer, answer.confidence)
    elsewhere = assistant.ask("What did Kwame Asante talk about at the Lisbon Systems Meetup?")
    assert elsewhere.evidence["focus"] < 1.0, elsewhere.evidence


KESTREL_SUMMIT = """# Kestrel Summit 2025 Notes

**Location:** Ljubljana, Slovenia

**Dates:** June 3-5, 2025

## Overview

I was sent to Kestrel Summit by my employer this year, mostly for the storage and streaming tracks.
The hallway track was better than the talks, as usual, and the coffee ran out by ten every morning.
"""

HERON_HACKDAYS = """# Heron Hackdays

**Location:** Tampere Hall, Tampere

**Dates:** 22-24 March 2024

Forty teams built tools for the city's open transport data over one weekend.
"""


def test_a_field_that_gives_the_place_or_the_date_answers_where_and_when(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """"Where was Kestrel Summit 2025 held?" is answered by the note's "Location:" field, not by a line close to
    its words that names no place; "when" by its "Dates:" field. Another event's fields answer neither."""
    from confqa.answer.checks import holds

    assistant = _assistant_over({"kestrel.md": KESTREL_SUMMIT, "heron.md": HERON_HACKDAYS}, tmp_path, embedder)
    where = assistant.ask("Where was Kestrel Summit 2025 held?")
    assert not where.abstained and where.answer.startswith("Location: Ljubljana"), where.answer
    assert "Tampere" not in where.answer
    when = assistant.ask("When was Kestrel Summit 2025 held?")
    assert not when.abstained and when.answer.startswith("Dates: June 3-5"), when.answer
    both = assistant.ask("Where and when was Kestrel Summit 2025 held?")
    assert both.answer.startswith("Dates: June 3-5") and "Location: Ljubljana" in both.answer, both.answer
    assert holds(classify("Where was it held?"), "Venue: Hall 104; Notes by: Devon", assistant.store)
    assert not holds(classify("Where was it held?"), "Organisers: Climate Coders e.V.; Notes by: Devon", assistant.store)


PHONES_NOTE = """# Federated fine-tuning on phones

## Problems they hit

1. Device heterogeneity: older phones ran out of memory, so a memory check now runs before a device accepts work.
2. Client drift: users in the same round had very different vocabularies, which slowed convergence. FedProx with mu = 0.01 helped.
3. Evaluation: you cannot look at user text, so all evaluation is federated too, computed on device and aggregated.

## Results

Next-word accuracy rose by two points over the server-trained baseline, at a tenth of the upload.
"""


def test_a_list_item_is_quoted_whole(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """"Which method helped against client drift?": the item's second sentence ("FedProx … helped") is the
    answer, and it is quoted with the item it belongs to, not left out after the item's first sentence."""
    from confqa.answer.units import units_of

    assistant = _assistant_over({"phones.md": PHONES_NOTE}, tmp_path, embedder)
    store, settings = assistant.store, assistant.settings.answer
    item = next(i for i, s in enumerate(store.sentences) if s.text.startswith("2. Client drift"))
    units = units_of([item], {item: 0.5, item + 1: 0.4}, store, settings)
    assert [u.members for u in units] == [(item, item + 1)]
    answer = assistant.ask("Which method helped against client drift on the phones?")
    assert not answer.abstained and "FedProx" in answer.answer and "vocabularies" in answer.answer, answer.answer


ATTENDANCE_NOTE = """# Harbour Summit 2025

The summit drew 2,400 researchers and engineers to the old harbour this year.

The summit remains a mirror of the field's mood, more than any other event I go to.

Registration was up by 30% on last year.
"""


def test_a_number_asked_for_is_not_padded_with_lines_without_one(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """"How many researchers did Harbour Summit draw?": the answer's further units must hold a number too (of
    any kind: what it counts is the lead's to match); a line without one is left out however close it is."""
    assistant = _assistant_over({"harbour.md": ATTENDANCE_NOTE}, tmp_path, embedder)
    drew, mirror, numbers = _scored_lines(assistant, ("drew", 0.9), ("mirror", 0.8), ("Registration", 0.7))
    scored = [drew, mirror, numbers]
    for question, kept in (("How many researchers did Harbour Summit draw?", [drew, numbers]),
                           ("What did the notes say about Harbour Summit?", [drew, mirror, numbers])):
        assert sorted(_selected(assistant, scored, question)) == sorted(s.unit.members[0] for s in kept), question


ANOTHER_EVENT_NOTE = """\
# Lab meeting minutes, 14 March

We discussed the budget for next year; travel is capped at 3 trips per person.
"""


def test_a_number_asked_for_is_not_padded_with_another_notes_number(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """"How many researchers did Harbour Summit draw?", led by the note that gives the count: a line of another
    note about no talk of the lead's, holding a number of its own, is another event's figure, not support. The
    lead's own note still adds its other numbers, and a lead without the number asked leaves room for others."""
    assistant = _assistant_over({"harbour.md": ATTENDANCE_NOTE, "minutes.md": ANOTHER_EVENT_NOTE}, tmp_path,
                                embedder)
    drew, numbers, trips = _scored_lines(assistant, ("drew", 0.9), ("Registration", 0.8), ("travel is capped", 0.75))
    question = "How many researchers did Harbour Summit draw?"
    assert sorted(_selected(assistant, [drew, numbers, trips], question)) == sorted(
        s.unit.members[0] for s in (drew, numbers))
    # led by a unit without the count, the other note's figure may still be the answer
    assert trips.unit.members[0] in _selected(assistant, [numbers, trips], question)


SHARE_NOTE = """\
# Alpine Security Day 2

## SBOMs in Practice: Two Years of Data

Rania Haddad spoke about SBOMs in practice over two years of data at Nordlys Security.

They collected 11,000 SBOMs from customers; 40% were incomplete and 12% could not be parsed.

Her advice: generate SBOMs at build time and lint them in CI.
"""


def test_a_share_question_leads_with_a_share_unless_a_second_question_asks_for_no_number(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """"What share of the SBOMs were incomplete?" leads with the percentage, not with the closer line whose only
    number is "two years"; "…, and what did she advise?" asks for a share and then for what no number answers."""
    from confqa.answer.checks import holds
    from confqa.answer.extractive import _unit_type
    from confqa.answer.leads import typed_first
    from confqa.answer.question import understand
    from confqa.search.filters import Filters

    assistant = _assistant_over({"alpine.md": SHARE_NOTE}, tmp_path, embedder)
    title, share, advice = _scored_lines(assistant, ("spoke about", 0.9), ("40%", 0.8), ("Her advice", 0.7))
    asked = understand(assistant.search.query("What share of the SBOMs were incomplete?", Filters()))
    assert typed_first([title, share], asked, assistant.store)[0] is share
    # a unit answering the second question holds no share, and is not ranked as if it failed the first
    both = understand(assistant.search.query("What share of the SBOMs were incomplete, and what did she advise?",
                                             Filters()))
    advice_text = assistant.store.sentences[advice.unit.members[0]].text
    assert not holds(asked.intent, advice_text, assistant.store)
    assert holds(_unit_type(both), "Lint them in CI, 2 checks per build.", assistant.store)
    # the second question asks for a time of day: it is the answer's to hold
    clock = understand(assistant.search.query("When is the SBOM talk, and what time does it start?", Filters()))
    assert _unit_type(clock).measure == "clock"


EVENT_NOTE = """\
# HarbourSec 2025: a long weekend of threat models

HarbourSec is a mid-sized security conference held every March at the harbour convention centre, with about
900 people this year. It was my first time going.

## Day two

Day two started with an invited talk by Yusuf Al-Amin, "Twenty Years of Phishing Kits".
Kits went from hand-rolled PHP to phishing-as-a-service with customer support and affiliate programmes.
In one case he showed a loyalty points scheme for repeat customers of a kit.

## Day three

The closing panel on incident response ran long; nobody agreed on anything.
"""


def test_an_event_named_with_a_talk_places_it_and_the_answer_is_the_talks_own_lines(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """"Tell me about the talk on phishing kits at HarbourSec": HarbourSec names the note the talk is in, not
    what is asked about it; the answer opens with the talk's own lines, not the note's introduction of the event."""
    from confqa.search.filters import Filters

    assistant = _assistant_over({"harboursec.md": EVENT_NOTE}, tmp_path, embedder)
    query = assistant.search.query("Tell me about the talk on phishing kits at HarbourSec", Filters())
    assert query.route.talk_ids and "harboursec" in query.placing
    assert query.intent is not None  # what is asked about the talk, embedded without the words naming it
    answer = assistant.ask("Tell me about the talk on phishing kits at HarbourSec")
    assert answer.citations[0].talk == "Twenty Years of Phishing Kits"
    assert "mid-sized" not in answer.answer.split("[1]")[0]


EDITION_NOTES = {
    "pyadriatic-2023.md": """\
# PyAdriatic 2023 notes

My notes from PyAdriatic 2023 (Split, Croatia, 21-23 September 2023).

Venue: the FESB building at the university campus.

## Closing

The conference chair closed the session by announcing that PyAdriatic 2024 will be in Zadar.
""",
    "climate-hack-berlin-2024.md": """\
# Open Climate Hack Berlin 2024

Dates: Fri 22 - Sun 24 March 2024
Location: Silent Green Kulturquartier, Wedding

Forty teams built tools for city heat maps over the weekend.
""",
}


def test_a_place_asked_for_an_edition_comes_from_notes_of_that_event(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """"In which city will PyAdriatic 2024 be held": the 2024 notes of another event ("Location: Silent Green,
    Wedding") do not answer it, nor does the 2023 edition's "Venue:"; the line that names PyAdriatic 2024 leads."""
    assistant = _assistant_over(EDITION_NOTES, tmp_path, embedder)
    answer = assistant.ask("In which city will PyAdriatic 2024 be held?")
    assert not answer.abstained
    assert "Zadar" in answer.answer.split("[1]")[0]
    assert {c.doc for c in answer.citations} == {"pyadriatic-2023.md"}


MEETUP_NOTE = """\
# Oder Rust Meetup #12 — notes

Wednesday, 15 May 2024, 18:30-21:45
Hosted at the Sowa Systems office, ul. Ruska, Wrocław (4th floor, the one with the slide nobody uses)

~70 people, which is a record. Organisers: Magda and Bartek. Pizza sponsored by Sowa Systems.

## Talk 1 — Zero-Copy Parsing with nom

Karolina Nowak showed zero-copy parsing with nom; the parser allocates nothing per message.

## Lightning talks

- Rust for Linux: where are we in 2024, and which drivers are in flight.
- Embedded async on a fifteen-euro board, live.

## Announcements

- Next meetup (#13): 19 June, call for talks open on the Discord.
- The Rust Kraków group and our meetup are doing a joint event in September.
- Sowa Systems is hiring Rust developers (on-site Wrocław, two days a week).

## Afterwards

Most of us went on to the pub on the market square until they threw us out.
"""


def test_when_and_where_an_event_was_comes_from_its_notes_opening_lines(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """"When and where did Oder Rust Meetup #12 happen?" names the note and asks nothing more: its opening lines,
    under the title, say when and where, unlabelled; the next meetup's date and a joint event do not."""
    assistant = _assistant_over({"oder-rust-12.md": MEETUP_NOTE, "fjord.md": TWO_TALKS_NOTE}, tmp_path, embedder)
    answer = assistant.ask("When and where did Oder Rust Meetup #12 happen?")
    assert not answer.abstained
    lead = answer.answer.split("[1]")[0]
    assert "15 May 2024" in lead and "Sowa Systems" in lead
    assert "19 June" not in lead


BYLINE_NOTES = {
    "specdec.md": """\
# Speculative Decoding in Production

Speaker: Mei-Ling Zhou (NVIDIA)

Afternoon systems track. Mei-Ling works on the inference serving stack and presented a year of speculative
decoding for a chat product with real traffic. A small draft model proposes four tokens per step.
""",
    "qat.md": """\
# Two-bit training

Takeshi Yamamoto argued for quantization-aware training at two bits, as a short extra training phase.
""",
}


def test_a_speakers_organisation_is_answered_by_the_line_that_gives_it(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """"Which company does Mei-Ling Zhou work for?" is answered by her speaker line, "(NVIDIA)", which says
    nothing else and answers no other kind of question; notes that never give a speaker's organisation decline."""
    assert classify("Which company does Mei-Ling Zhou work for?").measure == "affiliation"
    assert classify("What is Okafor's affiliation?").measure == "affiliation"
    assert classify("Which company stood out for foundation models for biology?").measure is None
    assistant = _assistant_over(BYLINE_NOTES, tmp_path, embedder)
    answer = assistant.ask("Which company does Mei-Ling Zhou work for?")
    assert not answer.abstained
    assert "NVIDIA" in answer.answer.split("[1]")[0]
    assert assistant.ask("Which company does Takeshi Yamamoto work for?").abstained


ORGANISATION_NOTE = """\
# Summit notes

## Talks

| Talk | Speaker | One line |
|---|---|---|
| Quantization-Aware Training for 2-bit Models | Takeshi Yamamoto (Preferred Networks) | QAT recipe |
| Speculative Decoding in Production | Mei-Ling Zhou (NVIDIA) | Draft length 4 |

## Travel

Wi-Fi network "SUMMIT-2024", the password is printed on the back of the badge.
Most networks in the hall were slow during the keynotes.
"""


def test_a_who_question_giving_an_organisation_is_answered_by_a_person_of_it(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """"Which speaker came from Preferred Networks?": the row that writes the organisation and names its speaker
    leads, not the lines about Wi-Fi networks; "at LowRes 2024" places a talk at an event, no organisation."""
    from confqa.answer.leads import _FROM_ORGANISATION

    assert _FROM_ORGANISATION.search("Who presented the best-paper talk at LowRes 2024?") is None
    from confqa.answer.leads import _people_of_the_organisation_first
    from confqa.answer.question import understand
    from confqa.search.filters import Filters

    assistant = _assistant_over({"summit.md": ORGANISATION_NOTE, "fjord.md": TWO_TALKS_NOTE}, tmp_path, embedder)
    wifi, row = _scored_lines(assistant, ("Wi-Fi", 0.9), ("Preferred Networks", 0.3))
    asked = understand(assistant.search.query("Which speaker came from Preferred Networks?", Filters()))
    assert _people_of_the_organisation_first([wifi, row], asked, assistant.store)[0].unit == row.unit
    other = understand(assistant.search.query("Which speaker talked about Wi-Fi?", Filters()))
    assert _people_of_the_organisation_first([wifi, row], other, assistant.store)[0] is wifi
    answer = assistant.ask("Which speaker came from Preferred Networks?")
    assert not answer.abstained
    assert "Yamamoto" in answer.answer.split("[1]")[0]


QUESTION_PANEL_NOTE = """\
# Open models panel

Solberg opened by asking each panellist for a yes or no on whether open should mean releasing the data. Moreau said yes, Tanaka said not always, and Deshmukh disagreed. The audience laughed.

Did the panel agree on licences? Mostly they did. The moderator moved on quickly.
"""


def test_a_sentence_that_puts_a_question_is_quoted_with_its_answer(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """"Solberg opened by asking each panellist for a yes or no on whether …" is answered by the next sentence of its
    paragraph, and a question the note asks itself ("Did the panel agree on licences?") by the one after it."""
    from confqa.answer.units import continues

    assistant = _assistant_over({"panel.md": QUESTION_PANEL_NOTE}, tmp_path, embedder)
    texts = [s.text for s in assistant.store.sentences]

    def at(start: str) -> int:
        return next(i for i, text in enumerate(texts) if text.startswith(start))

    assert continues(at("Solberg opened"), at("Moreau said yes"), assistant.store)
    assert continues(at("Did the panel agree"), at("Mostly they did"), assistant.store)
    assert not continues(at("Moreau said yes"), at("The audience laughed"), assistant.store)
    assert not continues(at("Mostly they did"), at("The moderator"), assistant.store)
    answer = assistant.ask("How did the panellists' first answers differ on whether open should mean releasing the data?")
    assert "Moreau said yes" in answer.answer.split("[1]")[0]


SESSIONS_NOTE = """\
# Conference notes

## Panels

| Session | Topic | Notes |
|---|---|---|
| Responsible Data Panel | Ethics & Governance | consent, unlearning |
| Agents at Work Panel | Systems | tool use, evaluation |

## Highlights

Responsible data challenges: consent was missing for most scraped images, and unlearning did not work.
"""


def test_a_question_asking_for_a_column_is_answered_by_the_row(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """"What topic is the Responsible Data Panel filed under?" asks for the table's Topic column: the panel's row
    leads, not the closer highlight about the panel; a question asking for no column keeps its order."""
    from confqa.answer.leads import _column_asked_first
    from confqa.answer.question import understand
    from confqa.search.filters import Filters

    assistant = _assistant_over({"notes.md": SESSIONS_NOTE, "fjord.md": TWO_TALKS_NOTE}, tmp_path, embedder)
    highlight, row, other = _scored_lines(assistant, ("challenges", 0.9), ("Ethics", 0.4), ("Systems", 0.3))
    asked = understand(assistant.search.query("What topic is the Responsible Data Panel filed under?", Filters()))
    assert _column_asked_first([highlight, row, other], asked, assistant.store)[0].unit == row.unit
    plain = understand(assistant.search.query("What did the Responsible Data Panel discuss?", Filters()))
    assert _column_asked_first([highlight, row, other], plain, assistant.store)[0] is highlight


CRON_NOTE = """\
# InfraCon notes

## Migrating 4,000 Cron Jobs Without Anyone Noticing

What they did:

- They had cron jobs spread across about 300 hosts, and nobody knew who owned half of them.
- Step 1 was an inventory agent that shipped every crontab to a central database.
- About 600 jobs turned out to be dead. They deleted them with a "scream test" (disable, wait 30 days, delete).
- A good slide on idempotency keys for jobs that send emails.
"""


def test_a_term_to_define_keeps_the_items_of_a_list_that_use_it(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """"What's a 'scream test' in the cron job migration talk?": of the talk's list, the item that uses the term
    is quoted, not the three others."""
    assistant = _assistant_over({"infracon.md": CRON_NOTE, "fjord.md": TWO_TALKS_NOTE}, tmp_path, embedder)
    answer = assistant.ask("What's a 'scream test' in the cron job migration talk?")
    assert not answer.abstained
    lead = answer.answer.split("[1]")[0]
    assert "wait 30 days" in lead
    assert "idempotency" not in lead and "inventory agent" not in lead


def test_a_name_right_after_the_questions_first_word_is_checked(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """"Which ICML 2024 tutorials covered speculative decoding?": the capitalised run "Which ICML" opens the
    question; its first word is capitalised anyway, but "ICML", which no note writes, is a name to check."""
    from confqa.answer.unanswered import names_unknown

    assistant = _assistant_over({"fjord.md": TWO_TALKS_NOTE}, tmp_path, embedder)
    assert names_unknown("Which ICML 2024 tutorials covered speculative decoding?", assistant.store)
    assert not names_unknown("Which Fjordconf 2024 talks covered speculative decoding?", assistant.store)
    assert not names_unknown("Which talks covered speculative decoding?", assistant.store)


LATENCY_NOTE = """\
# Lunch and learn log

## Migrating the Rate Engine to Kotlin Coroutines

- Rate Engine was on a Java 11 thread-pool model; p99 latency spiked under quote bursts.
- After the migration p99 went from 840 ms to 210 ms.
"""


def test_a_how_much_answer_leads_with_the_number_beside_the_questions_words(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    from confqa.answer.leads import typed_first
    from confqa.answer.question import understand
    from confqa.search.filters import Filters

    assistant = _assistant_over({"log.md": LATENCY_NOTE}, tmp_path, embedder)
    before, after = _scored_lines(assistant, ("Java 11", 0.9), ("840 ms", 0.8))
    asked = understand(assistant.search.query("How much did p99 latency drop after the move to coroutines?",
                                              Filters()))
    assert typed_first([before, after], asked, assistant.store)[0] is after
    # a question about something else keeps the order it was given
    other = understand(assistant.search.query("What did the Rate Engine run on?", Filters()))
    assert typed_first([before, after], other, assistant.store)[0] is before


def _scored_lines(assistant, *lines: tuple[str, float]):  # type: ignore[no-untyped-def]
    """One-sentence units of the notes' sentences holding these words, scored as given."""
    from confqa.answer.question import Scored
    from confqa.answer.units import Unit

    return [Scored(Unit((next(i for i, s in enumerate(assistant.store.sentences) if word in s.text),), "sentence",
                        score), score) for word, score in lines]


def _selected(assistant, scored, question: str) -> list[int]:  # type: ignore[no-untyped-def]
    """The first sentences of the units the answerer keeps of these, for this question, in order."""
    from confqa.answer.extractive import _select
    from confqa.answer.question import understand
    from confqa.search.filters import Filters

    asked = understand(assistant.search.query(question, Filters()))
    return [c.unit.members[0] for c in _select(scored, asked, assistant.store, assistant.settings.answer)]


def test_a_question_naming_a_talk_is_not_padded_with_another_talks_lines(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """"What did the two-bit training talk argue?": the answer's further units are about that talk (or the lead's
    talk, when the lead is from another); a close line from another talk of the same note is left out. A question
    naming no talk takes another talk's line only when it is nearly as likely to answer as the lead."""
    from confqa.answer.question import Scored, understand
    from confqa.search.filters import Filters

    assistant = _assistant_over({"fjord.md": TWO_TALKS_NOTE}, tmp_path, embedder)
    argued, draft, falls = _scored_lines(assistant, ("argued for quantization-aware", 0.9), ("draft model", 0.8),
                                         ("falls apart", 0.7))
    named = "What did the training models at two bits talk argue?"
    assert understand(assistant.search.query(named, Filters())).route.talk_ids  # type: ignore[union-attr]
    lines = [s.unit.members[0] for s in (argued, draft, falls)]
    assert _selected(assistant, [argued, draft, falls], named) == [lines[0], lines[2]]
    unnamed = "What did the speakers argue about model size?"
    assert set(_selected(assistant, [argued, draft, falls], unnamed)) == set(lines)
    # A question naming no talk: another talk's unit joins only if nearly as likely to answer as the lead
    # (answer.other_talk_share of it); the lead's own talk's units by the usual keep_ratio.
    weaker = [argued, Scored(draft.unit, 0.4), Scored(falls.unit, 0.35)]
    assert set(_selected(assistant, weaker, unnamed)) == {lines[0], lines[2]}
    # A line about no talk (the note's introduction) joins an answer about a named talk only on the same terms.
    (held,) = _scored_lines(assistant, ("Tromsø", 0.8))
    assert assistant.store.sentences[held.unit.members[0]].talk_ids == []
    assert _selected(assistant, [argued, held], named) == [lines[0], held.unit.members[0]]
    assert _selected(assistant, [argued, Scored(held.unit, 0.4)], named) == [lines[0]]


OUTAGE_REVIEW = """# Lunch & Learn, June

## Review of the June 3rd outage

Timeline: 08:52 deploy of the address-validation service, 09:04 first alerts, 10:31 full recovery. Root cause: a
config change removed a fallback region, and the cache masked the problem for twelve minutes. Action items:
a canary for config changes and an alert on fallback-region health.

## Hiring

The platform team is looking for a Senior Backend Engineer; ask in the channel.
"""


def test_people_asked_for_by_what_they_are_are_answered_by_names(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """"Which SRE engineers presented the review?" over notes that summarise the review but name no one is
    declined; named, it is answered. A job title ("Senior Backend Engineer") is no person."""
    from confqa.answer.checks import is_a_name

    question = "Which SRE engineers presented the review of the June 3rd outage?"
    unnamed = _declined_until_given(OUTAGE_REVIEW, question, "Timeline: 08:52", "Presented by Ingrid Dahl and Tomas "
                                    "Berg from SRE. Timeline: 08:52", "Ingrid Dahl", tmp_path, embedder)
    assert not is_a_name("Senior Backend", unnamed.store) and is_a_name("Ingrid Dahl", unnamed.store)
    assert classify(question).name != "who"  # a which-question: the who-checks alone would not see it


def test_a_day_of_an_event_the_notes_do_not_cover_is_declined(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """"The keynote on day 2 of Harbour Data Summit" over notes whose heading numbers day 1 only is declined (a
    line that looks ahead to day 2 does not cover it); day 1 is answered. A note numbering days only in its lines
    covers those; a note of the event that numbers no day may cover any."""
    from confqa.answer.unanswered import other_day

    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    assistant = _assistant_over({"harbour.md": HARBOUR_DAY_ONE, "evalcon.md": EVAL_THREAD}, tmp_path / "a", embedder)
    store = assistant.store
    assert other_day("Who gave the opening keynote on day 2 of Harbour Data Summit 2025?", store)
    assert other_day("Who gave the keynote on the second day of the Harbour Data Summit?", store)
    assert other_day("What was said about lineage at Harbour Data Summit on day two?", store)  # the name before
    assert not other_day("Who gave the opening keynote on day 1 of Harbour Data Summit 2025?", store)
    assert other_day("Which talks were in the agents track on the second day of EvalCon?", store)
    assert not other_day("What did Priya Raman open day 1 of EvalCon with?", store)
    assert not other_day("Who gave the keynote on the first day?", store)  # no event named
    declined = assistant.ask("Who gave the opening keynote on day 2 of Harbour Data Summit 2025?")
    assert declined.abstained and declined.evidence["unanswered"] == 1.0, declined.answer
    answer = assistant.ask("Who gave the opening keynote on day 1 of Harbour Data Summit 2025?")
    assert not answer.abstained and "Marit Solberg" in answer.answer, answer.answer
    undated = _assistant_over({"harbour.md": HARBOUR_DAY_ONE, "harbour-more.md": HARBOUR_UNDATED}, tmp_path / "b",
                              embedder)
    assert not other_day("Who spoke on day 2 of Harbour Data Summit?", undated.store)


def test_a_speaker_placed_in_a_talk_they_did_not_give_is_declined(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """"What did Tanaka present in the two-bit training talk" names her and a talk that is Holm's: the route keeps
    her talk and sets the other aside, and the answer declines; her own talk is answered."""
    from confqa.search.filters import Filters

    assistant = _assistant_over({"fjord.md": TWO_TALKS_NOTE}, tmp_path, embedder)
    question = "What did Mei Tanaka present in the talk on training models at two bits?"
    route = assistant._query(question, Filters()).route
    holm = [t for t in assistant.store.talk_ids if "Lars Holm" in assistant.store.talks_by_id[t].speakers]
    assert route.by_speaker and list(route.elsewhere) == holm, route
    # A word of her own title in the question ("production") keeps the question hers.
    shared = assistant._query("What did Mei Tanaka say in her production talk on training models at two bits?",
                              Filters()).route
    assert shared.by_speaker and shared.elsewhere == (), shared
    assert assistant.ask(question).abstained
    own = assistant.ask("What did Mei Tanaka present in the talk on speculative decoding in production?")
    assert not own.abstained and "draft model" in own.answer, own.answer


MERGING_NOTE = """# Tutorial notes

## Model merging

Simply adding task vectors often leads to interference between tasks.

**TIES-Merging (Trimming, Interference Election, Sign)**

- Trim: remove the bottom 80% of the smallest updates.
- Elect: for each parameter, count the votes for a positive or a negative sign.
- Sign: keep only the updates that agree with the majority direction.

## Imitation learning

Presenters: Adam Block and Grace Hopper walked through behaviour cloning and its failure modes.
"""


def test_a_pair_of_ordinary_capitalised_words_is_no_name(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """"Interference Election" is two ordinary words, not a person; "Adam Block" and "Grace Hopper" are people
    though "block" and "grace" are English words. The index keeps the notes' ordinary capitalised words, and "who
    presented the model merging tutorial" is declined over notes that name no presenter of it."""
    from confqa.answer.checks import names_someone

    assistant = _assistant_over({"tutorials.md": MERGING_NOTE}, tmp_path, embedder)
    store = assistant.store
    assert {"interference", "election", "sign"} <= store.ordinary_words
    assert not {"adam", "grace", "hopper", "block"} & store.ordinary_words
    assert not names_someone("TIES-Merging (Trimming, Interference Election, Sign)", store)
    assert names_someone("Presenters: Adam Block and Grace Hopper", store)
    assert not names_someone("If Val Acc increases, keep the merged model.", store)  # a function word opens it
    assert not names_someone("The party was sponsored by Hangyun Cloud.", store)  # an organisation
    answer = assistant.ask("Who presented the model merging tutorial?")
    assert answer.abstained, (answer.answer, answer.evidence)
    answer = assistant.ask("Who presented the imitation learning tutorial?")
    assert not answer.abstained and "Adam Block" in answer.answer, answer.answer


PROGRAMME_NOTE = """# Lisbon engineering summit

| Time | Title | Presenter | Room |
|---|---|---|---|
| 13:30 | Our Kafka Cluster Is Fine, Actually | Dmitri Volkov | Sala Tejo |
| 14:30 | Postgres at the Edge | Ana Ribeiro | Auditório |

## Postgres at the Edge (Ana Ribeiro)

Ana showed read replicas in twelve regions kept within 200 ms of the primary with logical replication.
She warned that schema changes must be rolled out replica by replica.
"""


def test_a_talk_the_notes_only_list_is_not_summarised(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """What a talk said is not answered from its row in the programme table; a talk with notes of its own is."""
    assistant = _assistant_over({"summit.md": PROGRAMME_NOTE}, tmp_path, embedder)
    listed = assistant.ask("What did Dmitri Volkov say in his talk 'Our Kafka Cluster Is Fine, Actually'?")
    assert listed.abstained and listed.evidence["unanswered"] == 1.0, (listed.answer, listed.evidence)
    noted = assistant.ask("What did Ana Ribeiro say in her talk on Postgres at the Edge?")
    assert not noted.abstained and "read replicas" in noted.answer, noted.answer


def test_a_programme_row_with_a_long_cell_says_something(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """A row whose cell reads as a note says something of its talk, whatever its column is called; a row of a
    title, a name and a room does not."""
    from confqa.answer.units import row_has_notes

    long_cell = PROGRAMME_NOTE.replace(
        "| Dmitri Volkov | Sala Tejo |",
        "| Dmitri Volkov, who argued that most teams need better consumer lag alerts rather than a new broker |")
    assistant = _assistant_over({"summit.md": long_cell}, tmp_path, embedder)
    store = assistant.store
    rows = {store.sentences[i].text.split("|")[2].strip(): i for i in range(len(store.sentences))
            if store.sentences[i].kind == "row" and store.sentences[i].text.count("|") > 3}
    assert row_has_notes(rows["Our Kafka Cluster Is Fine, Actually"], store)
    assert not row_has_notes(rows["Postgres at the Edge"], store)


INTRODUCED_NOTE = """# Data Engineering Summit Nordics 2024

## Thursday

Feature Stores Are Just Databases (Mikkel Jensen, Brightline): 10:00–10:35. Deliberately provocative title.
Mikkel argued that most teams adopt a feature store for point-in-time correctness and then use 10% of it.
Brightline replaced theirs with Postgres and a small library for as-of joins.
He would still buy a feature store at 100+ data scientists. They have 14.

Streaming Joins in Practice (Sara Lind, Nordpay): 11:00–11:35. Sara showed how late events break windowed joins and
how Nordpay keeps a 15-minute grace period before closing a window.
"""


def test_a_line_introducing_the_talk_does_not_lead(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """A line that repeats the talk's title, speaker and time says nothing of what is asked about it: the line
    that does (what they replaced it with, how long the grace period is) opens the answer."""
    assistant = _assistant_over({"summit.md": INTRODUCED_NOTE}, tmp_path, embedder)
    answer = assistant.ask("What did Brightline replace its feature store with?")
    assert not answer.abstained and "Postgres" in answer.answer, answer.answer
    assert "10:00" not in first_sentence(answer.answer), answer.answer
    answer = assistant.ask("How long a grace period does Nordpay keep in streaming joins?")
    assert not answer.abstained and "15-minute" in first_sentence(answer.answer), answer.answer


NESTED_NOTE = """# Rust Nairobi meetup 14

## Async Rust Without the Tears

- Wanjiru's team rewrote their dispatch service from Node to Rust (tokio)
- Rules she uses:
    - never hold a `MutexGuard` across `.await`
    - prefer channels over shared state
    - `tokio::select!` only with cancellation-safe futures
- p99 latency 420 ms → 65 ms
- Biggest pain: error types. They settled on thiserror in libs, anyhow in binaries.
"""


def test_a_label_item_of_a_section_keeps_the_items_under_it(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """A heading's list whose item is a label ("- Rules she uses:") over items nested under it is quoted with them,
    as one item: the label never stands alone in the answer."""
    from confqa.answer.units import items_listed, section_unit, unit_text

    assistant = _assistant_over({"meetup.md": NESTED_NOTE}, tmp_path, embedder)
    store, settings = assistant.store, assistant.settings.answer
    chunk = next(i for i, c in enumerate(store.chunks) if c.section.endswith("Async Rust Without the Tears"))
    ids = list(store.sentences_by_chunk[chunk])
    unit = section_unit(chunk, ids, store, settings, lambda members: dict.fromkeys(members, 0.5))
    assert unit is not None
    text = unit_text(unit, store)
    assert "Rules she uses: never hold a MutexGuard" in text and "cancellation-safe futures" in text, text
    assert items_listed(unit, store) == 4, text  # the label and its three rules are one item
    answer = assistant.ask("Which rules does Wanjiru follow when writing async Rust?")
    assert not answer.abstained and all(rule in answer.answer for rule in ("MutexGuard", "channels", "cancellation-safe"))
    assert "uses;" not in answer.answer and "uses." not in answer.answer, answer.answer


FIXES_NOTE = """# Scaling summit notes

## Sparse Mixture-of-Experts Routing in Practice

Fixes that worked:

- An auxiliary load-balancing loss with coefficient 0.01.
- A capacity factor of 1.25 during training and 2.0 at inference.
- Router z-loss to keep router logits small, which stopped the loss spikes they saw around step 40,000.
- Initialising the router with small weights rather than the default.
"""


def test_a_list_answering_one_thing_opens_on_the_item_that_does(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """"Which fix stopped the loss spikes" is answered by the list of fixes opened on the item that says so; the
    citation quotes the list as written; "what fixes worked" keeps the notes' order."""
    assistant = _assistant_over({"scaling.md": FIXES_NOTE}, tmp_path, embedder)
    answer = assistant.ask("Which fix stopped the loss spikes in the expert routing talk?")
    assert not answer.abstained and answer.answer.index("z-loss") < answer.answer.index("load-balancing"), \
        answer.answer
    assert answer.citations[0].quote.index("load-balancing") < answer.citations[0].quote.index("z-loss")
    listed = assistant.ask("What fixes worked in the expert routing talk?")
    assert listed.answer.index("load-balancing") < listed.answer.index("z-loss"), listed.answer


CHAIR_NOTE = """# RustNorth 2024 notes

## Ownership Without Tears (Solberg)

Opening remarks were by the conference chair, Astrid Nilsen, who mostly thanked volunteers
and warned us the Wi-Fi password had a `ø` in it.

- Ingrid has taught Rust to about 1,400 engineers at Fjordline since 2015.
- Core claim: the borrow checker isn't the hard part, lifetimes in struct definitions are.
- Recommended reading: Rust for Rustaceans by Jon Gjengset, but only after six months.
"""


def test_a_who_answer_quotes_the_sentence_naming_them_not_the_list_after_it(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """A paragraph that stands before a list introduces it for other questions; "who chaired RustNorth" is answered
    by the sentence that names the chair, without the talk's points that follow."""
    assistant = _assistant_over({"rustnorth.md": CHAIR_NOTE}, tmp_path, embedder)
    answer = assistant.ask("Who chaired RustNorth 2024?")
    assert not answer.abstained and "Astrid Nilsen" in first_sentence(answer.answer), answer.answer
    assert "Rustaceans" not in answer.answer and "1,400" not in answer.answer, answer.answer


SECTIONED_TALK_NOTE = """# Tokenizers for Low-Resource Languages

Speaker: Nguyen Thi Lan (VinAI Research)

Multilingual session, day two. Lan's group builds models for Vietnamese and other Southeast Asian languages.

## The fertility problem

A tokenizer trained mostly on English needs 2.9 tokens per Vietnamese word against 1.3 per English word.

## Vocabulary extension recipe

- Learn new merges only on Vietnamese text and append them to the original vocabulary.
- Initialise each new embedding as the mean of the embeddings of its old sub-tokens.

## Results

Vietnamese fertility dropped from 2.9 to 1.5 and inference cost fell by about 45%.
"""


def test_a_section_of_the_named_talk_that_the_question_names_is_read(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """A question naming a talk (by its speaker) and a heading of it ("extend the tokenizer vocabulary", "##
    Vocabulary extension recipe") reads that section too when retrieval ranked it below the passages the answer
    reads."""
    from confqa.answer.extractive import _named_sections
    from confqa.answer.question import understand
    from confqa.search import Filters

    assistant = _assistant_over({"tokenizers.md": SECTIONED_TALK_NOTE}, tmp_path, embedder)
    store = assistant.store
    sections = {c.section.rsplit(" › ", 1)[-1]: i for i, c in enumerate(store.chunks)}
    query = assistant.search.query("How did Nguyen Thi Lan's group extend the tokenizer vocabulary?", Filters())
    asked = understand(query)
    opening = [h for h in assistant.search.retrieve(query, 4) if h.chunk == sections["Tokenizers for Low-Resource Languages"]]
    added = _named_sections(asked, opening, store, assistant.settings.answer)
    assert [h.chunk for h in added] == [sections["Vocabulary extension recipe"]], added
    assert added[0].in_route and added[0].score == opening[0].score  # scored as the pool's last
    # Every section it names is in the pool already: nothing is added; nor for a question naming no talk.
    assert not _named_sections(asked, assistant.search.retrieve(query, 4), store, assistant.settings.answer)
    other = understand(assistant.search.query("How was the vocabulary extended?", Filters()))
    assert not _named_sections(other, opening, store, assistant.settings.answer)


MISSED_NOTE = """# Vistula Python Days, day one

## Morning

Marta Kowal opened with "Typing at Scale": her team added type hints to 400,000 lines of Django code in six months
and found that most bugs the checker caught were None returned where a value was expected.

I skipped Hamid Rezaei's talk on writing Rust extensions ("Oxidising Your Hot Loops") to get coffee and charge my
laptop. Adding it to the list of recordings to watch.

## Afternoon

Session: Packaging Without Tears
Speakers: Ines Duarte
Time: 15:00
Status: Skipped (conflict) — watch recording

The closing keynote was "The Science of Benchmarking: What's Measured, What's Missed" by Oskar Lind, who argued that
leaderboards reward overfitting to the test set and that every benchmark should publish a held-out split.
"""


def test_a_talk_the_writer_missed_is_not_summarised(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """What a talk said is declined when every line naming it says the writer was not there ("I skipped …",
    "Status: Skipped"); who gave it is still answered, and a talk whose title says "Missed" is not missed."""
    assistant = _assistant_over({"vistula.md": MISSED_NOTE}, tmp_path, embedder)
    for question in ("What benchmarks did Hamid Rezaei show in 'Oxidising Your Hot Loops'?",
                     "What did Ines Duarte recommend in Packaging Without Tears?"):
        missed = assistant.ask(question)
        assert missed.abstained and missed.evidence["unanswered"] == 1.0, (question, missed.answer, missed.evidence)
    who = assistant.ask("Who gave the talk Oxidising Your Hot Loops?")
    assert not who.abstained and "Rezaei" in who.answer, who.answer
    seen = assistant.ask("What did Oskar Lind argue in The Science of Benchmarking?")
    assert not seen.abstained and "held-out split" in seen.answer, seen.answer
    typed = assistant.ask("What did Marta Kowal's team find when adding type hints?")
    assert not typed.abstained and "None returned" in typed.answer, typed.answer


FLU_NOTE = """# Thoughts on Fjordconf

I had the pleasure to be sent to Fjordconf by my employer earlier this month, which I am grateful for.

An unexpected flu meant I was attending virtually, from my sofa, with a lot of tea.
"""


def test_the_answer_opens_with_the_unit_whose_first_sentence_is_on_the_question(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """Of the units an answer quotes, the one whose first sentence has the most of the question's topic words opens
    it, when it scores at least `lead_share` of the best; a date, number, list or name question keeps its lead."""
    from confqa.answer.extractive import _opening_on_the_question
    from confqa.answer.question import Scored, understand
    from confqa.answer.units import Unit
    from confqa.search.filters import Filters
    from confqa.settings import AnswerSettings

    assistant = _assistant_over({"thoughts.md": FLU_NOTE}, tmp_path, embedder)
    store = assistant.store
    side = next(i for i in range(len(store.sentences)) if store.sentences[i].text.startswith("I had the pleasure"))
    flu = next(i for i in range(len(store.sentences)) if store.sentences[i].text.startswith("An unexpected flu"))

    def units(second: float) -> list[Scored]:
        return [Scored(Unit((side,), "sentence", 0.5), 1.0), Scored(Unit((flu,), "sentence", 0.5), second)]

    settings = AnswerSettings()
    why = understand(assistant._query("Why was the author attending virtually?", Filters()))
    assert _opening_on_the_question(units(0.8), why, store, settings)[0].unit.members == (flu,)
    assert _opening_on_the_question(units(settings.lead_share / 2), why, store, settings)[0].unit.members == (side,)
    when = understand(assistant._query("When was the author attending virtually?", Filters()))
    assert _opening_on_the_question(units(0.8), when, store, settings)[0].unit.members == (side,)


def test_a_declined_answer_has_the_confidence_such_answers_have(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """A check that declines sets the confidence to `declined_confidence` (how often such answers were right) and
    abstains at any threshold; with abstention off ("never abstain") the answer is given, at that confidence."""
    from confqa.api import Assistant
    from confqa.settings import Settings

    assistant = _assistant_over({"fjord.md": TWO_TALKS_NOTE}, tmp_path, embedder)
    question = "What did Mei Tanaka say about 2-bit quantization?"
    declined = assistant.ask(question)
    settings = Settings()
    assert declined.abstained and declined.confidence <= settings.answer.declined_confidence, declined.confidence
    settings.answer = settings.answer.model_copy(update={"abstain_below": 0.0})
    never = Assistant(str(tmp_path / "index"), settings=settings, build_missing=False, embedder=embedder).ask(question)
    assert not never.abstained and never.confidence == declined.confidence and never.evidence["unanswered"] == 1.0
    settings.answer = settings.answer.model_copy(update={"abstain_below": 0.01})
    low = Assistant(str(tmp_path / "index"), settings=settings, build_missing=False, embedder=embedder).ask(question)
    assert low.abstained  # a threshold below the declined confidence still declines it


HIVEMIND_NOTE = """# NeurIPS notes

## Talks

| Title | Speaker |
|---|---|
| Artificial Hivemind: The Open-Ended Homogeneity of Language Models | Jiang et al. |
| Scaling Laws: Old and New | Ana Ortiz |
| Scaling Laws: A Survey | Ben Okoro |

## Hallway

Everyone was still talking about Artificial Hivemind at dinner: ask three models for a poem and you get one.
"""


def test_a_line_names_a_talk_by_its_title_or_the_head_of_it(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """A line names a talk by its whole title, an alias, or the head of its title before the colon ("Artificial
    Hivemind"), as whole words; a head two talks share ("Scaling Laws") names neither."""
    assistant = _assistant_over({"notes.md": HIVEMIND_NOTE}, tmp_path, embedder)
    store = assistant.store
    hivemind = next(t for t in store.talk_ids if store.talks_by_id[t].title.startswith("Artificial Hivemind"))
    assert store.talk_named_in("Everyone was talking about Artificial Hivemind at dinner.") == hivemind
    assert store.talk_named_in("artificial hivemind: the open-ended homogeneity of language models, again") == hivemind
    assert store.talk_named_in("The Scaling Laws talks were both packed.") is None  # two talks' heads
    assert store.talk_named_in("An artificial hivemindset is not a talk.") is None  # not a whole word
    ortiz = next(t for t in store.talk_ids if store.talks_by_id[t].title == "Scaling Laws: Old and New")
    assert store.talk_named_in("Scaling Laws: Old and New was the best talk.") == ortiz


@pytest.mark.parametrize(("question", "expands"), [
    ("What does PoE-World stand for?", True),
    ("What does TIES stand for in model merging?", True),
    ("what does DPO stand for", True),
    ("What is DARE?", False),  # a definition, not an expansion
    ("What does DARE do?", False),
])
def test_a_question_about_what_an_abbreviation_stands_for(question: str, expands: bool) -> None:
    intent = classify(question)
    assert intent.name == "definition" and intent.expands is expands, intent


@pytest.mark.parametrize(("term", "text", "spelled"), [
    ("PoE-World", "PoE-World (Product of programmatic Experts) exemplifies this idea.", True),
    ("TIES", "TIES-Merging (Trimming, Interference Election, Sign): Trim the smallest updates.", True),
    ("DARE", "DARE (Drop And Rescale) is a stochastic approach to merging.", True),
    ("LMC", "Section 6.1: Linear Mode Connectivity (LMC): the tutorial began there.", True),
    ("TIES", "Here TIES stands for trim, elect sign and merge.", True),
    ("PoE-World", "PoE-World splits the difference between the two.", False),  # says what it does, not its name
    ("DARE", "DARE (set to 0) drops most of the weights.", False),  # a parenthesis that spells nothing out
])
def test_an_expansion_spells_out_the_abbreviation(term: str, text: str, spelled: bool) -> None:
    from confqa.answer.checks import expands

    assert expands(term, text) is spelled


@pytest.mark.parametrize(("text", "is_time"), [
    ("October was humid and rained most afternoons around 16:00.", True),
    ("Lunch was at 12.30, in the courtyard.", True),
    ("Doors open at 9am.", True),
    ("The talk ran 14h30 to 15h00.", True),
    ("The airport bus to downtown cost 2.50 dollars and took about 30 minutes.", False),
    ("A single ride is €2.50.", False),
    ("Throughput grew 4.25% a quarter.", False),
    ("The new kernel is 1.25x faster.", False),
    ("The alert threshold moved from 0.2 to 0.25.", False),
    ("The stream started at 0:30 past midnight.", True),
])
def test_a_time_of_day_is_not_an_amount_written_like_one(text: str, is_time: bool) -> None:
    """"What time did the dinner start" is answered by a time of day: '16:00', '12.30', '9am', not a price or a
    share written with the same digits ('2.50 dollars', '€2.50', '4.25%', '1.25x')."""
    from confqa.answer.checks import holds

    assert holds(classify("What time did the conference dinner start?"), text, None) is is_time  # type: ignore[arg-type]


def test_a_question_asking_two_things_is_answered_from_two_talks(fixture_assistant) -> None:  # type: ignore[no-untyped-def]
    """"What gave the best results, and what was recommended for benchmarks?" asks two things that two talks
    answer: the second talk's line joins the answer however much likelier the first talk's line is to answer
    (answer.other_talk_share holds only for a question asking one thing)."""
    answer = fixture_assistant.ask("What gave the best results, and what was recommended for benchmarks?")
    talks = {c.talk for c in answer.citations}
    assert not answer.abstained and len(talks) >= 2, (answer.answer, talks)
    assert "warm restarts" in answer.answer.lower() and "seeds" in answer.answer.lower(), answer.answer


PANEL_DAY_NOTE = """# MeshConf Lisbon 2025: team notes

## Day 1

**Talk:** Panel - Running Postgres on Kubernetes

**Who:** Moderated by Inês Carvalho (Lisbon Data Guild). Panellists: Rui Tavares (Feedzai), Hana Kobayashi (Mercari), Tomás Lopes (OutSystems)

**Notes by:** Marta

Everyone agreed that operators are mature now, but backups are still where teams get hurt.

## Day 2

In the morning I went to see Priya Menon present "Fuzzing Network Parsers at Scale". This was joint work with
Daniel Okoro, who could not travel, so Priya gave the talk alone and kept his name on every slide. The idea is that
coverage-guided fuzzing finds parser bugs that unit tests never reach.

| # | Time | Talk | Speaker |
|---|------|------|---------|
| 1 | 14:00 | Zero-Downtime Schema Changes | Karl Weber (Zalando) |
| 2 | 15:00 | Feature Flags Without Regret | Sofia Marques (Talkdesk) |
"""


def test_a_who_answer_names_everyone_the_line_beside_it_names(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """"Who was on the panel" is answered by the moderator's sentence and the panellists' together, when they stand
    side by side: the catalogue lists all four, and one sentence names only some of them."""
    assistant = _assistant_over({"meshconf.md": PANEL_DAY_NOTE}, tmp_path, embedder)
    answer = assistant.ask("Who was on the Postgres on Kubernetes panel at MeshConf?")
    assert not answer.abstained, answer.answer
    for name in ("Carvalho", "Tavares", "Kobayashi", "Lopes"):
        assert name in answer.answer, answer.answer


def test_a_who_question_asking_more_quotes_what_follows_the_names(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """"Who gave it, and whose joint work was it": the sentence naming the speaker and the one after it that refers
    back to it ("This was joint work with …")."""
    assistant = _assistant_over({"meshconf.md": PANEL_DAY_NOTE}, tmp_path, embedder)
    answer = assistant.ask("Who presented the fuzzing network parsers talk, and whose joint work was it?")
    assert not answer.abstained, answer.answer
    assert "Menon" in answer.answer and "Okoro" in answer.answer, answer.answer


def test_a_who_answer_from_a_programme_row_keeps_its_column_names(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """A programme row naming the speaker is quoted as a record ("Speaker: Karl Weber (Zalando)"), so "where does
    he work" is read off the row, not guessed from a run of dashes."""
    assistant = _assistant_over({"meshconf.md": PANEL_DAY_NOTE}, tmp_path, embedder)
    answer = assistant.ask("Who gave the Zero-Downtime Schema Changes talk, and where does he work?")
    assert not answer.abstained, answer.answer
    assert "Speaker: Karl Weber (Zalando)" in answer.answer, answer.answer
    assert "Sofia Marques" not in answer.answer, answer.answer


WORKSHOP_PARTS_NOTE = """# RoboLearn Day 2025

## Workshop: Learning From Play

The workshop had three talks and a closing panel.

### Talk 1: Curiosity Without Rewards

Intrinsic motivation drives exploration when no reward is given.

### Talk 2: Play Data at Scale

Unstructured play data is cheaper to collect than demonstrations.

### Talk 3: From Play to Policies

Goal-conditioned policies are distilled from hours of play.

### Panel: Is Play Enough?

The panel argued about whether play data can replace demonstrations.

## Keynote: Robots in Kitchens

Kitchens remain the hardest benchmark for manipulation.
"""


def test_the_talks_of_a_workshop_are_its_parts_in_the_catalogue(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """"What were the talks of the Learning From Play workshop?" lists the talks the catalogue records as its parts,
    in the notes' order: not the workshop itself, not its panel (a talk was asked for), not the keynote."""
    assistant = _assistant_over({"robolearn.md": WORKSHOP_PARTS_NOTE}, tmp_path, embedder)
    answer = assistant.ask("What were the three talks of the Learning From Play workshop?")
    assert not answer.abstained, answer.answer
    titles = [c.talk for c in answer.citations]
    assert titles == ["Curiosity Without Rewards", "Play Data at Scale", "From Play to Policies"], titles
    assert "Kitchens" not in answer.answer and "Is Play Enough" not in answer.answer, answer.answer


NUMBERED_TALKS_NOTE = """# CompilerFest 2025

## Talk 1: Register Allocation Revisited (Ana Costa)

Graph colouring still wins for small functions; linear scan wins for JIT tiers.

## Talk 2: MLIR in Production (Ben Oduya)

Ben Oduya showed how his team lowers tensor programs through four MLIR dialects.

## Talk 3: Fuzzing Optimisers (Chen Wei)

Chen Wei found 41 miscompilations by fuzzing the loop optimiser.

The social was on Thursday 15 May in the Hall 2 foyer.
"""


def test_a_numbered_thing_the_notes_number_otherwise_is_outside_them(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """Notes that number their talks 1 to 3 have no Talk 5: "who gave Talk 5" is declined, "who gave Talk 2" is not;
    a date ("Thursday 15 May") and a series the notes never number are left alone."""
    assistant = _assistant_over({"compilerfest.md": NUMBERED_TALKS_NOTE}, tmp_path, embedder)
    declined = assistant.ask("Who gave Talk 5 at CompilerFest?")
    assert declined.abstained, declined.answer
    assert not other_numbered("Who gave Talk 2 at CompilerFest?", assistant.store)
    assert not other_numbered("What happened on Thursday 16 at CompilerFest?", assistant.store)
    assert not other_numbered("What was in Track 4 at CompilerFest?", assistant.store)
    assert other_numbered("Which room was Hall 7 at CompilerFest?", assistant.store)
    # In lower case, a word names a series only where the notes write its numbers as labels ("## Talk 1: …").
    assert other_numbered("what was covered in talk 5 at CompilerFest", assistant.store)
    assert not other_numbered("what was covered in talk 3 at CompilerFest", assistant.store)
    assert not other_numbered("what were the top 5 ideas at CompilerFest", assistant.store)
    assert not other_numbered("what was in hall 7 at CompilerFest", assistant.store)  # 'Hall 2' is no label


def test_an_acronyms_expansion_or_a_contraction_names_no_one(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """Capitalised words that name a thing are no person: an acronym's expansion ("HELM (Holistic Evaluation)"), a
    run of four capitalised words or more ("Massive Multitask Language Understanding"), a contraction opening a
    capitalised phrase ("It's Multiple Choice"), a law named after someone ("Moore's Law"). A possessive is still
    its person ("Ingrid Dahl's")."""
    from confqa.answer.checks import names_someone, people_named

    assistant = _assistant_over({"sponsor.md": SPONSOR_NOTE}, tmp_path, embedder)
    store = assistant.store
    assert not names_someone("HELM (Holistic Evaluation) is expensive.", store)
    assert not names_someone("MMLU (Massive Multitask Language Understanding) is saturated.", store)
    assert not names_someone("Benchmarks: It's Multiple Choice, so guessing helps.", store)
    assert people_named("Read The Massive Multitask Language Understanding Paper first.", store) == 0
    assert names_someone("Ingrid Dahl's talk was the best.", store)
    assert names_someone("Holistic Evaluation was run by Ingrid Dahl.", store)
    assert not names_someone("Task horizons double every 7 months: Moore's Law for agents.", store)  # an eponym
    assert not names_someone("Goodhart's Law hit the leaderboard.", store)


BROWN_BAG_NOTE = """# Storage team brown bags, spring 2025

| # | Date | Speaker(s) | Topic | Recording |
|---|------|------------|-------|-----------|
| 1 | 2025-03-06 | Lena Vogt | Why Our Backups Took Nine Hours | yes |
| 2 | 2025-03-20 | Omar Haddad | Intro to Erasure Coding | no |

## Notes

**#1** — Lena walked through the snapshot pipeline that crept from one hour to nine. Key takeaway: the backup job
compressed every block twice because a flag was copied from the old cluster config. Action items are in the STOR-88
epic. Thanks to Pavel Novak for digging out the old cron tables.

**#2** — Omar explained Reed-Solomon codes with paper cut-outs.
"""


def test_a_why_answer_opens_with_prose_not_the_row_that_records_the_talk(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """"Why did the backups take nine hours": the programme row (date, speaker, title, recording) records the talk and
    explains nothing; the notes' prose about it opens the answer and the row follows. A later sentence of that prose
    opens it only when the ranking scores it `lead_sentence_margin` times its first sentence."""
    assistant = _assistant_over({"brownbags.md": BROWN_BAG_NOTE}, tmp_path, embedder)
    question = "Why did the backups in Lena Vogt's brown bag take nine hours?"
    answer = assistant.ask(question)
    assert not answer.abstained, answer.answer
    assert answer.citations[0].columns == [] and "snapshot pipeline" in answer.citations[0].quote, answer.citations
    assert any(c.columns for c in answer.citations[1:]), answer.citations  # the row still follows
    assert "Recording" not in first_sentence(answer.answer), answer.answer
    settings = assistant.settings
    settings.answer = settings.answer.model_copy(update={"lead_sentence_margin": 100.0})
    # A why-question opens with the sentence that gives the reason, whatever the margin …
    assert "because a flag was copied" in first_sentence(assistant.ask(question).answer)
    # … any other with the prose's first sentence unless a later one leads by the margin.
    assert first_sentence(assistant.ask("What happened to the backups in Lena Vogt's brown bag?").answer).startswith(
        "#1 — Lena walked through the snapshot pipeline")


def test_a_bare_programme_row_follows_the_prose_it_would_open(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """Of the chosen units, a row recording only its talk (date, speaker, title, "yes") that ranks first gives way
    to a unit of prose scoring at least `lead_share` of it, for a question asking why; a who-question keeps the row
    first (it names the speaker), and so does a row with notes of its own."""
    from confqa.answer.leads import prose_before_bare_rows
    from confqa.answer.question import Scored, understand
    from confqa.answer.units import Unit
    from confqa.api import Filters

    note = BROWN_BAG_NOTE.replace("| 2 | 2025-03-20 | Omar Haddad | Intro to Erasure Coding | no |",
                                  "| 2 | 2025-03-20 | Omar Haddad | Intro to Erasure Coding | paper cut-outs of the codes |")
    assistant = _assistant_over({"brownbags.md": note}, tmp_path, embedder)
    store, settings = assistant.store, assistant.settings.answer
    row = next(i for i, s in enumerate(store.sentences) if s.kind == "row" and "Lena Vogt" in s.text)
    noted_row = next(i for i, s in enumerate(store.sentences) if s.kind == "row" and "Omar Haddad" in s.text)
    prose = next(i for i, s in enumerate(store.sentences) if "snapshot pipeline" in s.text)

    def order(question: str, first_row: int, prose_share: float) -> list[int]:
        asked = understand(assistant.search.query(question, Filters()))
        chosen = [Scored(Unit((first_row,), "row", 0.5), 1.0), Scored(Unit((prose,), "sentence", 0.4), prose_share)]
        return [c.unit.members[0] for c in prose_before_bare_rows(chosen, asked, store, settings)]

    assert order("Why did the backups take nine hours?", row, 0.9) == [prose, row]
    assert order("Why did the backups take nine hours?", row, settings.lead_share / 2) == [row, prose]
    assert order("Who gave the talk on backups?", row, 0.9) == [row, prose]
    assert order("Why does erasure coding save space?", noted_row, 0.9) == [noted_row, prose]


DAY_LOG_NOTE = """# MeshConf day log

## Friday 14 March

09:00 **Keynote: Training on Hydro Power** — Sigrun Dahl (Fjordline)
- jobs pause when spot power is expensive

11:15 **Drift Alerts That Matter** — Leena Korpi (Varde)
- PSI threshold moved from 0.2 to 0.25
- tooling built in-house
"""


def test_a_when_answer_gives_the_day_its_heading_gives(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """"What time was Korpi's talk, and on which day": the talk's line gives the time, its heading the day; the
    answer gives both (the quote stays the line as written)."""
    assistant = _assistant_over({"meshconf-log.md": DAY_LOG_NOTE}, tmp_path, embedder)
    answer = assistant.ask("What time was Korpi's drift alerts talk, and on which day?")
    assert not answer.abstained, answer.answer
    assert "11:15" in first_sentence(answer.answer) and "Friday 14 March" in first_sentence(answer.answer), answer.answer
    assert "Friday" not in answer.citations[0].quote, answer.citations[0].quote


FUSION_NOTE = """# Search tutorial day

## Part 4: Hybrid search

Taught by Tom Verhulst (Reconda).

Vector search misses exact product codes and keyword search misses paraphrases, so the last part combined both with
reciprocal rank fusion (RRF). Each document gets a fused score from its rank in each result list:

```
RRF(d) = Σ 1/(k + rank_i(d)),  with k = 60
```

A document ranked high in either list ends up near the top.
"""


def test_a_definition_quotes_the_fenced_formula_its_lead_in_introduces(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """"What's reciprocal rank fusion": the line introducing the formula ("… from its rank in each result list:") is
    quoted with the one-line formula in the code fence under it."""
    assistant = _assistant_over({"fusion.md": FUSION_NOTE}, tmp_path, embedder)
    answer = assistant.ask("What's reciprocal rank fusion, per the tutorial?")
    assert not answer.abstained, answer.answer
    assert "1/(k + rank_i(d))" in answer.answer and "k = 60" in answer.answer, answer.answer


CONTRACTS_NOTE = """# Pipeline Summit 2024

## Day two: data contracts, again

The invited talk on day two was "Data Contracts Two Years Later" by Farida Nasser (Northmere Bank). Two years ago
she gave the talk that made half the room go home and write YAML. Her definition has not changed: a data contract is
a versioned, machine-checked promise from a producer team about a dataset's schema and freshness. What has changed is
where the check runs.
"""


def test_a_definition_opens_on_the_sentence_that_defines_the_term(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """"How does Nasser define a data contract" asks for a definition; the answer opens on the sentence that gives
    it, even after a clause that introduces it ("Her definition has not changed: a data contract is …"). A label
    ("Critique: DAgger is disjointed") introduces no definition, and "VSF plans an event" defines nothing."""
    assert defines("data contract", "Her definition has not changed: a data contract is a machine-checked promise.")
    assert not defines("DAgger", "Critique: DAgger is disjointed from the rest.")
    assert defines("VSF", "VSF plans an event in spring.") and not defines("VSF", "VSF plans an event.", strictly=True)
    assistant = _assistant_over({"pipeline.md": CONTRACTS_NOTE}, tmp_path, embedder)
    answer = assistant.ask("How does Nasser define a data contract?")
    assert not answer.abstained, answer.answer
    assert "machine-checked promise" in first_sentence(answer.answer), answer.answer


PROSE_TALKS_NOTE = """\
# Harbour Data Day 2025 — notes

I spent the day at Harbour Data Day. About 400 people came.

The opening keynote was given by Ines Carvalho from Tidewater, who talked about why data catalogues decay.
Her recommendation: one named owner per dataset.

After lunch, Bram Hooft (Kestrel) presented "Frugal Feature Stores", a talk on serving features from plain Postgres.
He claimed a 60% cost reduction against their old vendor.

Then a panel on data mesh, moderated by Sofia Lindqvist, with Omar Haddad and Ji-ho Park. They disagreed about
whether domain teams can own pipelines.
"""


def test_talks_named_only_in_prose_are_listed_and_credited(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """A talk the note names only in running text is in the catalogue, so "which talks were about feature stores"
    lists it (its title holds every topic word the question asks about) and the panel's line is credited to the
    panel, not to the talk before it."""
    assistant = _assistant_over({"harbour-data-day.md": PROSE_TALKS_NOTE}, tmp_path, embedder)
    listed = assistant.ask("Which talks were about feature stores?")
    assert first_sentence(listed.answer).startswith("Frugal Feature Stores"), listed.answer
    assert "data mesh" not in listed.answer.lower()
    moderated = assistant.ask("Who moderated the data mesh panel?")
    assert "Sofia Lindqvist" in first_sentence(moderated.answer), moderated.answer
    assert moderated.citations[0].talk == "data mesh" and "Omar Haddad" in moderated.citations[0].speakers


QA_NOTE = """\
# Coastal Robotics Days 2025 — my notes

Dates: 3–4 June 2025, Porto.

## Keynote: Machines That Admit Doubt

Ana Ribeiro (Maré Autonomy), Tuesday 3 June, 09:00, main hall.

A robot should know how unsure it is and slow down when the doubt grows.

## Remote Piloting Over Thin Links

Tomás Keane (Deepwell Marine), Tuesday 14:00, room 2.

**Q**: How do pilots cope with the delay?
**A** They see a ghost overlay of where the arm will be once the command lands.
"""


def test_a_question_asking_which_talk_is_answered_by_its_title(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """"Which talk had X" is answered by the talk's title, though the line that says X does not name it; a
    question typed as a search, "keynote speaker <event>?", is answered by the event's one keynote's speaker."""
    assistant = _assistant_over({"coastal-robotics.md": QA_NOTE}, tmp_path, embedder)
    which = assistant.ask("which talk showed pilots a ghost overlay of the arm?")
    assert first_sentence(which.answer).startswith("Remote Piloting Over Thin Links"), which.answer
    named = assistant.ask("which coastal robotics talk showed pilots a ghost overlay of the arm?")
    assert first_sentence(named.answer).startswith("Remote Piloting Over Thin Links"), named.answer
    title = assistant.ask("What was the title of Tomás Keane's talk?")
    assert "Remote Piloting Over Thin Links" in first_sentence(title.answer), title.answer
    keynote = assistant.ask("keynote speaker coastal robotics days 2025?")
    assert "Ana Ribeiro" in first_sentence(keynote.answer) and "Keane" not in keynote.answer, keynote.answer


@pytest.mark.parametrize(("question", "sides"), [
    ("adaptive zone maps vs static min/max, % of files pruned", ["adaptive zone maps", "static min/max"]),
    ("How did Okoye's and de Wilde's views on real-time data differ?", ["Okoye", "de Wilde"]),
    ("compare exact flat search with IVF-PQ on latency", ["exact flat search", "IVF-PQ"]),
    ("perplexity hit of outlier-aware INT4 compared with plain INT4?", ["hit of outlier-aware", "plain"]),  # the
    # word both sides share names neither
    ("Which of the three conferences had the largest attendance?", []),
    # the sides before the verb
    ("How did Arrow Flight compare with JDBC for moving a 50 GB table?", ["Arrow Flight", "JDBC"]),
    ("How did Bun, Deno and Node compare when she ran the same API on all three?", ["Bun Deno", "Node"]),
    ("Where did Okonkwo and Huamán disagree on the speech data panel?", ["Okonkwo", "Huamán"]),
])
def test_the_sides_of_a_comparison(question: str, sides: list[str]) -> None:
    from confqa.answer.sides import sides_of
    from confqa.lexical import terms

    assert [set(s) for s in sides_of(question)] == [set(terms(side)) for side in sides]


def test_a_comparison_quotes_both_sides(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """In a blog post written by someone else (evals/corpora/blind-8), the best lines for "how did Okoye's and de
    Wilde's views differ" speak of one of them; the answer quotes the line that gives the other's view too (her
    15-minute freshness, his 83% of dashboards viewed less than once a day)."""
    note = Path(__file__).resolve().parent.parent / "evals" / "corpora" / "blind-8" / "pipeline-summit-2024-blog.md"
    assistant = _assistant_over({note.name: note.read_text(encoding="utf-8")}, tmp_path, embedder)
    answer = assistant.ask("How did Okoye's and de Wilde's views on real-time data differ?")
    assert "15 minutes" in answer.answer and "83%" in answer.answer, answer.answer


@pytest.mark.parametrize(("question", "basis"), [
    ("adaptive zone maps vs static min/max, % of files pruned", "files pruned"),
    ("compare exact flat search with IVF-PQ on latency and memory", "latency memory"),
    ("How did Okoye's and de Wilde's views differ?", ""),  # words of comparing compare on nothing
    ("Which of the three conferences had the largest attendance?", ""),
])
def test_what_a_comparison_is_on(question: str, basis: str) -> None:
    from confqa.answer.sides import basis_of
    from confqa.lexical import terms

    assert basis_of(question) == set(terms(basis))


TRANSFER_NOTE = """\
# Data Transfer Summit 2030: my notes

## Columnar transfer (Priya Raman)

Raman's team compared moving a 20 GB table between two services with gRPC streaming versus a plain ODBC connection.
The setup used two machines in the same rack. Streaming over gRPC took 52 seconds; ODBC took 9 minutes 4 seconds.
The speed-up comes from sending columnar buffers as they sit in memory.

## Closing panel: Who pays for open data?

Panellists: Tomasz Brandt (Open Fields Trust); Amara Diallo (Kestrel Labs); Jun Ito (City of Osaka).

Tomasz opened with the history of the Open Fields licence and why it took four years to agree on its wording.

Jun described the city's portal, which publishes 3,000 datasets a year.

Tomasz and Amara disagreed on whether companies that train on open data should pay a levy: he was for it, she said
a levy would drive small firms away.
"""


def test_a_comparison_opens_with_the_line_that_answers_it(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """A comparison opens with the line that names both sides and gives their figures, not the one that says what
    was compared; "what did they disagree about" opens with the line saying they disagreed, not the roster that
    names them both, nor a line where one of them agreed on something."""
    assistant = _assistant_over({"transfer-summit.md": TRANSFER_NOTE}, tmp_path, embedder)
    timed = assistant.ask("How did gRPC streaming compare with ODBC for moving a 20 GB table?")
    assert "52 seconds" in first_sentence(timed.answer) and "9 minutes" in first_sentence(timed.answer), timed.answer
    stance = assistant.ask("On the closing panel, what did Tomasz Brandt and Amara Diallo disagree about?")
    assert "levy" in first_sentence(stance.answer), stance.answer


CACHE_NOTE = """\
# Storage Days 2025: notes

## Tiered caches for object stores (Marta Ilves)

A tiered cache keeps hot objects on local NVMe and cold ones in the object store, and promotes an object after
its second read within an hour.

A write-through cache sends every write to both tiers.

| Policy | Hit rate | Median read |
|---|---|---|
| Write-through cache | 41% | 18 ms |
| LRU only | 52% | 11 ms |
| Tiered cache | 87% | 4 ms |

The cost of the NVMe tier was paid back within a quarter.
"""


def test_a_comparison_on_a_measure_quotes_each_sides_figure(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """"tiered cache vs write-through, hit rate": a line that names a side without the measure ("A tiered cache keeps
    hot objects on NVMe") does not stand for that side; the row that gives its hit rate does."""
    assistant = _assistant_over({"storage-days.md": CACHE_NOTE}, tmp_path, embedder)
    answer = assistant.ask("tiered cache vs write-through cache, hit rate")
    assert "87%" in answer.answer and "41%" in answer.answer, answer.answer


INDEXES_NOTE = """# Vector search tutorial, Harbour Data Day 2031

## Part 1: the brute-force baseline

On one million vectors the flat index, which compares the query with every vector, had a p95 latency of 48 ms
and used 3.1 GB of memory.

## Part 2: compressed indexes

IVF-PQ clusters the vectors and compresses each one. Its p95 latency was 1.2 ms and it used 0.6 GB of memory, at
the cost of 13 points of recall.

## Part 3: what we took home

Pick the index after measuring recall on your own queries.
"""


def test_a_comparison_finds_the_side_retrieval_missed(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """"Compare the flat index with IVF-PQ on latency", answered from one retrieved passage (top_k=1): the side no
    retrieved passage names is looked up by its words, and the answer gives both latencies."""
    assistant = _assistant_over({"vectors.md": INDEXES_NOTE}, tmp_path, embedder)
    answer = assistant.ask("compare IVF-PQ with the flat index on p95 latency", top_k=1)
    assert "1.2 ms" in answer.answer and "48 ms" in answer.answer, answer.answer


def test_a_date_in_another_language_is_one_sentence_and_a_day() -> None:
    """"Dresden, 14.–15. März 2024" is not cut after "15." (a German date), and "Donnerstag, 14. März" gives a day
    for a which-day question."""
    from confqa.answer.checks import holds
    from confqa.text.sentences import sentence_spans

    text = "Dresden, 14.–15. März 2024, Kongresssaal 2. Notizen: Jana Podolski."
    assert [text[a:b] for a, b in sentence_spans(text, 0, len(text))] == [
        "Dresden, 14.–15. März 2024, Kongresssaal 2.", "Notizen: Jana Podolski."]
    day = classify("what time was the passkeys talk, and which day")
    assert holds(Intent(name="when", measure="day"), "Donnerstag, 14. März", None)
    assert holds(Intent(name="when", measure="day"), "le jeudi 12 juin", None)
    assert not holds(Intent(name="when", measure="day"), "13:30 — Passkeys im Mittelstand", None)
    assert not holds(Intent(name="where"), "The habit from Part 3 is the one I will bring back.", None)
    assert holds(Intent(name="where"), "The tutorial was in Room 3.", None)
    assert day.name == "when"


def test_an_edition_typed_in_lower_case_is_told_from_the_one_the_notes_cover(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """"who keynoted the coastal robotics days in 2023" asks about an edition the notes (2025) do not cover: no
    answer; the same question about 2025 is answered by the keynote's speaker."""
    assistant = _assistant_over({"coastal-robotics.md": QA_NOTE}, tmp_path, embedder)
    other = assistant.ask("who keynoted the coastal robotics days in 2023")
    assert other.abstained, other.answer
    covered = assistant.ask("who keynoted the coastal robotics days in 2025")
    assert "Ana Ribeiro" in first_sentence(covered.answer), covered.answer


POSTER_WALK = """\
# Poster walk — Soil Science Days 2024

## The posters

**P-07 — "Sparse Probes for Root Imaging"**, Lena Okoro (Delta Institute). Probes on three fields.

**P-12 — "Cheap Assays for Soil Microbes"**,
Tarek Haddad (Agro Lab). Two field sites, sampled weekly.

## Quick comparison

| Poster | Samples | Headline |
|---|---|---|
| P-07 | 40 plots | 2× root contrast |
| P-12 | 96 cores | 30% cheaper assay |
"""


def test_a_row_naming_a_poster_by_its_code_is_credited_to_that_poster(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """A summary table names each poster by its board code only; a row quoted from it is credited to the poster
    whose code it holds, not to every poster of the table."""
    assistant = _assistant_over({"posters.md": POSTER_WALK}, tmp_path, embedder)
    answer = assistant.ask("How many cores were sampled for poster P-12?")
    row = next(c for c in answer.citations if "96 cores" in c.quote)
    assert row.talk == "Cheap Assays for Soil Microbes", (row.talk, answer.answer)


RECORDING_NOTE = """# Harbour Audio Day 2031

## Sound for everyone

(speaker: Inés Duarte, accessibility lead)

- Survey of 900 deaf and hard-of-hearing players about captions in games.
- Her rules for sound captions:
  - keep them under 32 characters
  - name the source of the sound, not how it sounds
- Visual indicators: a ring around the crosshair, coloured by threat.

## Fleet latency

- averages hide everything: checkout average 120 ms
  - the average of per-pod p99s is not the fleet p99
  - → ship histograms and compute percentiles at query time
- alert on p99 and on the error rate
"""


def test_a_line_saying_who_spoke_introduces_no_list_and_advice_leads(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """'(speaker: Inés Duarte, …)' over the notes on her talk is no label of those notes; asked for her guidelines,
    the answer opens with the list she gave as rules."""
    from confqa.answer.units import is_byline

    assistant = _assistant_over({"audio.md": RECORDING_NOTE}, tmp_path, embedder)
    assert is_byline("(speaker: Inés Duarte, accessibility lead)", assistant.store)
    assert not is_byline("(a survey of players, accessibility lead)", assistant.store)
    answer = assistant.ask("What guidelines did Inés Duarte give for writing sound captions?")
    assert not answer.abstained
    first = answer.answer.split("[1]")[0]
    assert "32 characters" in first and "source of the sound" in first, answer.answer
    assert "speaker:" not in answer.answer


def test_an_item_is_quoted_with_the_arrow_items_that_follow_from_it(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """'the average of per-pod p99s is not the fleet p99' / '→ ship histograms …': the arrow's item is what to do
    about the first, and the answer to why one should not average them quotes both."""
    assistant = _assistant_over({"audio.md": RECORDING_NOTE}, tmp_path, embedder)
    answer = assistant.ask("Why shouldn't you average the p99 of each pod to get the fleet p99?")
    assert not answer.abstained
    first = answer.answer.split("[1]")[0]
    assert "per-pod p99s" in first and "ship histograms" in first, answer.answer


ACCESS_NOTE = """# Harbour Access Day 2031

## Sound for everyone

Speaker: Inés Duarte (Example Games)

- Survey of 900 players: 62% preferred directional indicators to captions during gameplay.
- Her rules for sound captions: keep them under 32 characters and name the source of the sound.
- Automatic sound captions in games should describe direction as well.
- Wi-Fi in the hall died twice; bring a hotspot.

## Captions at live events

Speaker: Hamid Rostami (Example Captioning)

- Automatic captions had a word error rate of 8-12% on council hearings; human CART captioners reached 98% accuracy.

## Tutoring trial

Speaker: Mei Tanaka (Example University)

- Effect size on the end-of-term algebra test: 0.18 standard deviations.
- Long-term retention is not measured yet: the follow-up test is planned for 2032.

## Tracing at scale

Speaker: Haruto Sasaki (Example Cloud)

- Tail sampling in the OTel Collector: each collector needed about 14 GB of memory at 2 M spans/s.
"""


@pytest.mark.parametrize(("declined", "answered", "given"), [
    # What a speaker compared is in their own talk: declined when the comparison is another speaker's.
    ("How did Inés Duarte compare automatic captions with human CART captioners on accuracy?",
     "How did Hamid Rostami compare automatic captions with human CART captioners on accuracy?", "98%"),
    # A result the notes say is not measured yet is not given; the trial's measured effect still is.
    ("Did the tutoring trial improve long-term retention?",
     "What effect size did the tutoring trial find on the algebra test?", "0.18"),
])
def test_a_near_miss_is_declined_and_its_neighbour_answered(declined: str, answered: str, given: str, tmp_path,  # type: ignore[no-untyped-def]
                                                            embedder) -> None:
    assistant = _assistant_over({"access.md": ACCESS_NOTE}, tmp_path, embedder)
    answer = assistant.ask(declined)
    assert answer.abstained, answer.answer
    answer = assistant.ask(answered)
    assert not answer.abstained and given in answer.answer, answer.answer


def test_a_product_named_whole_is_written_in_notes_that_shorten_it(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """"OpenTelemetry" asked, "OTel" written: the notes do name it, and the question is answered; "DeepMind" in
    notes that write neither it nor a shortening of it is named nowhere."""
    from confqa.answer.unanswered import _compound_written, names_unknown

    assert _compound_written("OpenTelemetry", {"otel": 1})
    assert _compound_written("OpenTelemetry", {"open": 1, "telemetri": 1})
    assert not _compound_written("OpenTelemetry", {"open": 1})
    assert not _compound_written("Bengio", {"bio": 1})
    assistant = _assistant_over({"access.md": ACCESS_NOTE}, tmp_path, embedder)
    assert names_unknown("What did DeepMind present?", assistant.store)
    answer = assistant.ask("How much memory did each OpenTelemetry collector need for tail sampling?")
    assert not answer.abstained and "14 GB" in answer.answer, answer.answer


def test_a_hyphenated_word_of_two_short_parts_names_no_one(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """'Wi-Fi in the hall died twice' names no one: it answers no who-question."""
    from confqa.answer.checks import is_a_name, names_someone

    store = _assistant_over({"access.md": ACCESS_NOTE}, tmp_path, embedder).store
    assert not is_a_name("Wi-Fi", store)
    assert not names_someone("Wi-Fi in the hall died twice; bring a hotspot.", store)
    assert names_someone("Mei-Ling Zhou asked about the hall.", store)


@pytest.mark.parametrize("question", [
    "price of the Cryoline cryo-CMOS controller",
    "What was the ticket price?",
    "cost of a ticket at Northwind Summit",
    "registration fee at Northwind Summit 2025",
])
def test_a_price_asked_for_by_its_noun_asks_for_money(question: str) -> None:
    intent = classify(question)
    assert (intent.name, intent.measure) == ("quantity", "money")


CONTROLLER_NOTE = """# Qubit Harbour 2031

## Cryogenic control

Dr. Inés Duarte, Example Cryo: our cryo-CMOS controller sits at the 4 K stage and uses 1.2 mW per qubit.
Q: What would a controller like that cost a lab? A: I can't share pricing yet.
"""


def test_a_price_the_speaker_would_not_share_is_declined(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """"price of the cryo-CMOS controller" over a note whose speaker can't share pricing (and gives the controller's
    power, not its price) is declined; once the note gives a price, it is answered with it."""
    _declined_until_given(CONTROLLER_NOTE, "price of the Example Cryo cryo-CMOS controller", "I can't share pricing yet.",
                          "about 40,000 euros per controller.", "40,000 euros", tmp_path, embedder)


LIVE_NOTE = """# Harbour Robotics Day 2031

## 11:48 — Talk: "Transfer Without Tears"

Inés Duarte (Example Dynamics) presented their domain-randomisation pipeline in Hall 1. A definition for those
following at home: the reality gap is the drop in performance when a policy trained in simulation runs on a physical
robot. They trained a quadruped for 3 billion simulated steps and measured the gap on a stairs benchmark.

## 13:05 — Lunch

Overheard in the exhibitor hall: people are still arguing about the stairs numbers.
"""


def test_a_heading_with_its_paragraph_opens_on_the_sentence_that_answers(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """A lead quoted as a heading with its paragraph opens, after the heading, with the sentence that defines what is
    asked, not with the sentence introducing the talk; every sentence is still quoted."""
    from confqa.answer.extractive import _lead_text
    from confqa.answer.question import Question
    from confqa.answer.units import Unit
    from confqa.evaluation import first_sentence
    from confqa.lexical import terms
    from confqa.settings import AnswerSettings

    store = _assistant_over({"live.md": LIVE_NOTE}, tmp_path, embedder).store
    paragraph = tuple(i for i in range(len(store.sentences)) if store.sentences[i].line_start in (5, 6, 7))
    assert len(paragraph) == 3
    question = "What does Duarte mean by the reality gap?"
    words = set(terms(question))
    asked = Question(text=question, intent=classify(question), route=None, terms=words, topic=words, content=words)
    text = _lead_text(Unit(paragraph, "section", 0.6), asked, store, AnswerSettings())
    assert text.startswith("11:48 — Talk:"), text
    assert "drop in performance" in first_sentence(text), text
    assert "presented their domain-randomisation pipeline" in text and "3 billion" in text


@pytest.mark.parametrize(("question", "kept", "dropped"), [
    ("Wo fand das Gesundheitsdaten-Forum 2025 statt?", {"gesundheitsdaten-forum", "2025"}, {"wo", "das", "statt"}),
    ("¿Cuántos asistentes tuvieron las Jornadas de Valencia?", {"asistent", "jornada", "valencia"}, {"la", "de"}),
    ("Où a eu lieu la conférence de Lyon ?", {"conférenc", "lyon"}, {"où", "lieu", "la"}),
    ("What was the weather like in San Diego?", {"weather", "san", "diego"}, set()),  # English keeps its words
    ("Who gave the talk on die casting and hat design?", {"die", "hat", "cast"}, set()),  # English, not German
])
def test_a_question_in_another_language_searches_without_its_function_words(question: str, kept: set[str],
                                                                           dropped: set[str]) -> None:
    from confqa.lexical import question_terms

    found = set(question_terms(question))
    assert kept <= found, found
    assert not dropped & found, found


def test_a_place_word_may_be_capitalised_in_a_venue_name(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """'24.–25. Juni 2025, Congress Center Leipzig' names a place; a German where-question about the note's event is
    answered by that opening line, not by a line about next year's edition."""
    from confqa.answer.checks import holds

    note = ("# Notizen: Datenforum 2025, Leipzig\n\n*Mitschrift für unser Wiki. 24.–25. Juni 2025, Congress Center "
            "Leipzig.*\n\n## Fragen\n\nF: Kommt das Forum nächstes Jahr wieder?\nA: Ja, das Datenforum 2026 findet "
            "wieder in Leipzig statt; der Termin steht noch nicht fest.\n")
    assistant = _assistant_over({"forum.md": note}, tmp_path, embedder)
    assert holds(classify("Where was it?"), "24.–25. Juni 2025, Congress Center Leipzig.", assistant.store)
    answer = assistant.ask("Wo fand das Datenforum 2025 statt?")
    assert not answer.abstained and "Congress Center Leipzig" in answer.answer.split("[1]")[0], answer.answer


def test_who_presented_a_cited_talk_is_answered_by_the_line_naming_the_presenter_in_full(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """A talk cited as a reference ('Duarte, I., Tanaka, M. (2031).') and then 'Presented by Mei Tanaka': the
    who-answer quotes the presenter's line, which names her, not the reference's surnames."""
    note = ("# Lab report, week 12\n\n## Talk of the week #1\n\nDuarte, I., Tanaka, M. & Sasaki, H. (2031). \"Columnar "
            "Exchange Without Copies\". Harbour Data Day 2031, Tallinn.\n\n**Summary.** Presented by Mei Tanaka; the "
            "first author, Inés Duarte, is on leave. Moving a 50 GB table took 41 seconds instead of 6 minutes.\n")
    answer = _assistant_over({"report.md": note}, tmp_path, embedder).ask(
        "who presented the columnar exchange talk at Harbour Data Day 2031")
    assert not answer.abstained
    assert "Mei Tanaka" in answer.answer.split("[1]")[0], answer.answer


def test_an_edition_asked_with_be_held_in_is_the_events_name_and_year(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """"Will Harbour Data Day be held in 2032": 'be held' is no part of the event's name, and the notes that write
    'Harbour Data Day 2032 will be in Tartu' cover that edition; 2034 they do not."""
    from confqa.answer.unanswered import other_edition

    note = ("# Harbour Data Day 2031\n\nNotes from Tallinn, 3 June 2031.\n\n## Closing\n\nThe organisers announced "
            "that Harbour Data Day 2032 will be in Tartu, in June 2032.\n")
    store = _assistant_over({"hdd.md": note}, tmp_path, embedder).store
    assert not other_edition("In which city will Harbour Data Day be held in 2032?", store)
    assert other_edition("In which city will Harbour Data Day be held in 2034?", store)


HARBOUR_CHAT = """Slack export — workspace: Tidepool — channel: #harbourconf
Channel topic: live notes from HarbourConf 2031. Talks only please
Exported 2031-05-02 by kai
----------------------------------------------------------------------

**lena** 9:14 AM
Keynote starting: Dr. Ines Aaltonen (Turku University), "Listening to Ships: Hydrophone Arrays at Scale"

**lena** 9:21 AM
she defines a quiet hour as any hour with fewer than three vessel passages in range of the array

**omar** 9:27 AM
why do the older arrays miss so many small boats?

**lena** 9:30 AM
her explanation: outboard engines peak above 20 kHz, so arrays sampled at 16 kHz never hear them

**omar** 9:35 AM
nice. can we get the code?

**lena** 9:38 AM
asked in Q&A. code is MIT, but the trained weights are CC BY-NC, so no commercial use of the weights

**omar** 10:05 AM
coffee break. the pastries are excellent
"""


def test_a_chat_export_is_answered_from_its_messages(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """A chat's question is answered by the reply under the next message's header, not by the question restated;
    messages after the keynote's announcement stay the keynote's; the header reads as who said it, and the
    export's header lines open no answer."""
    assistant = _assistant_over({"harbourconf.txt": HARBOUR_CHAT}, tmp_path, embedder)
    why = assistant.ask("Why do the older hydrophone arrays miss small boats?")
    assert not why.abstained and "20 kHz" in first_sentence(why.answer), why.answer
    assert not why.answer.startswith(("Slack export", "omar")), why.answer
    weights = assistant.ask("Can we use Aaltonen's trained weights in a commercial product?")
    assert not weights.abstained and "CC BY-NC" in first_sentence(weights.answer), weights.answer
    assert weights.citations[0].talk == "Listening to Ships: Hydrophone Arrays at Scale", weights.citations[0]
    assert display_text("**lena** 9:38 AM\nasked in Q&A. code is MIT") == "lena 9:38 AM: asked in Q&A. code is MIT"
    assert display_text("**lena** 9:38 AM") == "lena 9:38 AM"  # a header alone is left as it is


HARBOUR_REPORT = """# Trip Report: Harbour Acoustics Forum 2031

| | |
|---|---|
| **Event** | Harbour Acoustics Forum (HAF) 2031 |
| **Venue** | Hotel Nord, Tromsø, Norway |
| **Dates** | 20–22 September 2031 |

## 1. Summary

The Harbour Acoustics Forum brings together port operators and acousticians. This year's programme was organised
in three sessions over three days.

## 2. Attendance

2.1 The forum was attended by 212 delegates in person and about 340 online.

2.2 The author was accompanied by Sanna Virtanen (Asset Management), who attended Session B in full.

## 3. Takeaways

**11. The hallway track is still the best track**

Not from a talk. The best conversation I had was with a sign painter in the queue for coffee; he said that
since 2016 more than half of his commissions have been restorations;

**12. Next year: Porto**

The organisers announced that Harbour Acoustics Forum 2032 will move to Porto. No dates yet. The venue is not
fixed either.
"""


@pytest.mark.parametrize(("question", "intent"), [
    ("what dates was the harbour acoustics forum in tromso", "when"),
    ("What are the dates of Harbour Acoustics Forum 2032?", "when"),
    ("what was the time of the closing panel", "when"),
    ("what is the time complexity of the merge step", "fact"),  # not a time asked for
])
def test_dates_asked_in_the_plural_ask_when(question: str, intent: str) -> None:
    assert classify(question).name == intent


def test_a_trip_reports_fields_and_people_answer_as_records(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """A headerless two-column table is a set of fields ("Dates: 20–22 September 2031") that answers a when-question;
    "who is X" leads with the line naming X in full, without the report's paragraph number."""
    assistant = _assistant_over({"report.md": HARBOUR_REPORT}, tmp_path, embedder)
    when = assistant.ask("what dates was the harbour acoustics forum in tromso")
    assert not when.abstained and first_sentence(when.answer).startswith("Dates: 20–22 September 2031"), when.answer
    who = assistant.ask("Who is Sanna Virtanen and what was her role on the trip?")
    lead = first_sentence(who.answer)
    assert "Asset Management" in lead and not lead.startswith("2.2"), who.answer
    assert display_text("2.2 The author was accompanied") == "The author was accompanied"
    assert display_text("1.5 GB of memory was enough") == "1.5 GB of memory was enough"  # a figure, not a number


def test_dates_not_set_yet_answer_no_when_question(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """"No dates yet" under next year's edition declines "what are the dates of Harbour Acoustics Forum 2032" (the
    year asked is no date given); the same notes with the dates answer it. Where it will be is still answered."""
    without = _declined_until_given(HARBOUR_REPORT, "What are the dates of Harbour Acoustics Forum 2032?",
                                    "No dates yet.", "It runs 4–6 June 2032.", "4–6 June 2032", tmp_path, embedder)
    where = without.ask("Where will Harbour Acoustics Forum 2032 be held?")
    assert not where.abstained and "Porto" in first_sentence(where.answer), where.answer


def test_a_bold_label_ends_the_paragraph_under_the_label_before_it(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """"**11. …**" introduces its paragraph, not the "**12. Next year: Porto**" section after it; its items and
    sentences ending in ";" are joined with one semicolon."""
    from confqa.answer.units import payload_after
    from confqa.settings import AnswerSettings

    store = _assistant_over({"report.md": HARBOUR_REPORT}, tmp_path, embedder).store
    label = next(i for i, s in enumerate(store.sentences) if "hallway track" in s.text)
    payload = " ".join(store.sentences[m].text for m in payload_after(label, store, AnswerSettings()))
    assert "sign painter" in payload and "Porto" not in payload, payload


def test_which_talk_was_about_a_topic_names_the_talk(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """"Which talk at the symposium was about …" opens with the talk's title and speaker, then the line."""
    note = ("# Reef symposium diary\n\n## Tuesday\n\nAfter lunch I sat in on Dr. Amal Haddad's talk, \"Acoustic "
            "Enrichment for Degraded Reefs\". Juvenile fish use sound to find a reef to settle on, so she played "
            "recordings of healthy reefs through underwater loudspeakers on degraded ones.\n")
    answer = _assistant_over({"diary.md": note}, tmp_path, embedder).ask(
        "Which talk at the reef symposium was about playing reef sounds to attract young fish?")
    assert not answer.abstained and first_sentence(answer.answer).startswith("Acoustic Enrichment for Degraded Reefs"), \
        answer.answer


def test_who_gave_a_kind_of_talk_is_answered_by_the_line_that_names_that_kind(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """"Who was the keynote speaker at TLW 2031?" in a day log with two invited talks (the catalogue cannot tell
    which is meant), where an oral session's paragraph with a "Speaker:" line is closer to the question: the line
    that names the keynote leads; and the keynote's label quotes its own items, not the next session's."""
    note = ("# TLW 2031 log\n\nConference: Tallinn Language Workshop (TLW) 2031, 2–4 June 2031.\n\n## Tue 3 June\n\n"
            "**09:00 Keynote.** Prof. Ilse Kask (University of Tartu) — *Small Languages, Big Models*.\n"
            "- argues that evaluation by native speakers matters more than more data\n"
            "- showed a diacritic restoration case study\n\n"
            "**10:30 Oral session 2A: Multilingual Speech**\n\n"
            "Talk 2 in the session — \"Cross-lingual Transfer for Võro Speech Recognition\". Speaker: Mart Tamm "
            "(TalTech), who also chaired the TLW 2031 programme committee. The last author was in the audience and "
            "answered one of the questions himself.\n"
            "- fine-tune a multilingual speech model with Estonian as pivot\n- WER 38 → 24 on Võro\n\n"
            "**14:00 Invited talk** — Dr. Kalev Saar (University of Helsinki), \"What Field Linguists Wish NLP People "
            "Knew\".\n- \"a language is not a corpus\"\n")
    answer = _assistant_over({"tlw.md": note}, tmp_path, embedder).ask("Who was the keynote speaker at TLW 2031?")
    assert not answer.abstained and "Ilse Kask" in first_sentence(answer.answer), answer.answer
    assert "WER 38" not in answer.answer, answer.answer


def test_a_venue_not_chosen_yet_answers_no_where_question(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """"Where will Harbour Days 2032 be hosted?" over a closing note that gives next year's dates and says "The venue
    isn't chosen yet" in the next paragraph is declined; its dates still answer when it will be."""
    note = ("# Harbour Days 2031, Zürich\n\n## Closing\n\nHarbour Days 2032 is set for 18–19 May 2032.\n\n"
            "The venue isn't chosen yet; the organisers said the old hall may be under renovation.\n")
    _declined_until_given(note, "Where will Harbour Days 2032 be hosted?", "The venue isn't chosen yet",
                          "It will be hosted at the Kongresshaus Zürich", "Kongresshaus", tmp_path, embedder)
    (tmp_path / "when").mkdir()
    when = _assistant_over({"n.md": note}, tmp_path / "when", embedder).ask("When is Harbour Days 2032?")
    assert not when.abstained and "18–19 May 2032" in first_sentence(when.answer), when.answer


def test_a_tutorial_the_writer_missed_is_not_summarised(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """"What was covered in the vector index tutorial" over a trip report whose only line on it says the writer
    missed that day is declined; told what it covered, it is answered."""
    note = ("# Trip report — Fjord Data Days 2031 (Bergen)\n\n## Day 1\n\nThe opening keynote by Ola Nordmann argued "
            "that query planners should learn from their own mistakes; he showed a 30% drop in slow queries.\n\n"
            "## Day 3\n\nI flew back Friday morning, so I missed all of day 3, including the tutorials on query "
            "optimisation and on vector indexes.\n")
    _declined_until_given(note, "What was covered in the vector index tutorial at Fjord Data Days?",
                          "I flew back Friday morning, so I missed all of day 3, including the tutorials on query "
                          "optimisation and on vector indexes.",
                          "The vector index tutorial covered HNSW graphs, product quantisation and how to tune "
                          "recall against latency.", "HNSW", tmp_path, embedder)


def test_what_a_speaker_kept_back_is_declined_only_for_the_thing_kept_back(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """"Demir declined to name the software" declines which software it was; "she did not share the cost savings"
    after the latency figure declines nothing about the latency."""
    note = ("# Harbour Health Data Day 2031\n\n## Demir: Synthetic patients\n\nHer team generated 250,000 synthetic "
            "patients from billing data. Demir declined to name the software they used to generate them.\n\n"
            "## Kowalczyk: Vacuum tuning\n\nAfter the changes the p95 write latency dropped from 210 ms to 35 ms. She "
            "did not share the cost savings when someone in the audience asked.\n")
    assistant = _assistant_over({"day.md": note}, tmp_path, embedder)
    tool = assistant.ask("Which software did Demir use to generate the synthetic patients?")
    assert tool.abstained, (tool.answer, tool.evidence)
    latency = assistant.ask("What was Kowalczyk's p95 write latency after the vacuum changes?")
    assert not latency.abstained and "35 ms" in latency.answer, latency.answer


SUMMIT_NOTE = """\
# Harbourline Summit 2031

Tallinn, 3–5 March 2031, Kultuurikatel conference hall. Harbourline Summit drew 980 attendees this year, its
biggest edition since it started in 2026.

## Keynote: Ports as Data Platforms (Kaisa Virtanen)

Kaisa Virtanen showed how the port authority streams crane telemetry into one event log; container dwell time fell
by 11% after the berth planners got live dashboards.

## Talk: Cheap Berth Sensors (Mihkel Tamm)

Mihkel Tamm built berth occupancy sensors from radar modules at 40 euros each and ran them for a year.
"""


@pytest.mark.parametrize(("question", "before", "after", "given"), [
    ("weather in Tallinn during Harbourline Summit 2031", "biggest edition", "biggest edition, though it snowed on",
     "snowed"),
    ("Where can you park near the Kultuurikatel conference hall?", "conference hall.",
     "conference hall. Parking: the underground car park next door charges 9 euros a day.", "car park"),
    ("harbourline summit wifi password", "attendees this year",
     "attendees this year (Wi-Fi: HarbourGuest, password on the badge)", "HarbourGuest"),
    # asked in Spanish, the amenity's word followed by Spanish function words
    ("¿Había opciones veganas en la comida de Harbourline Summit 2031?", "attendees this year",
     "attendees this year, and la comida was all vegan", "vegan"),
])
def test_a_question_about_an_amenity_the_quoted_lines_never_speak_of_abstains(
        question: str, before: str, after: str, given: str, tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """The weather, parking or the Wi-Fi asked of an event is not answered by the lines that give the event's dates
    and venue; the same notes saying it are answered."""
    _declined_until_given(SUMMIT_NOTE, question, before, after, given, tmp_path, embedder)


def test_a_meal_named_as_a_time_of_day_says_nothing_of_the_food_and_other_languages_ask_for_it() -> None:
    from confqa.answer.unanswered import amenities_asked, says_amenity

    asked = amenities_asked("What was served for lunch at BotWorks Summit 2024?")
    assert asked
    assert not says_amenity(asked, "Lunch-break chatter: people are still arguing about the stairs numbers.")
    assert not says_amenity(asked, "After lunch, Okafor presented the gripper results.")
    assert says_amenity(asked, "Lunch was a buffet with two vegan dishes.")
    # a Spanish question: the food words are followed by Spanish articles and prepositions, not by a noun they qualify
    assert amenities_asked("¿Había opciones veganas en la comida de las Jornadas de Valencia?")
    assert not amenities_asked("¿Quién habló de la seguridad alimentaria en las Jornadas?")


def test_an_amenity_word_that_qualifies_another_noun_is_no_amenity_question(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """"The space weather forum" names the event, not its weather; "kowalczyk's talk" in notes with no Kowalczyk
    asks about a talk the notes do not hold, however the question is typed; "tamm's talk" about one they do."""
    note = SUMMIT_NOTE.replace("Harbourline Summit", "Space Weather Forum")
    assistant = _assistant_over({"forum.md": note}, tmp_path, embedder)
    answer = assistant.ask("who gave the keynote at the space weather forum in tallinn")
    assert not answer.abstained and "Kaisa Virtanen" in answer.answer, (answer.answer, answer.evidence)
    unknown = assistant.ask("summarise kowalczyk's talk on berth sensors")
    assert unknown.abstained, unknown.answer
    known = assistant.ask("summarise tamm's talk on berth sensors")
    assert not known.abstained and "radar modules" in known.answer, known.answer


def test_a_comparison_a_speaker_made_in_other_word_forms_is_answered(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """"How did retrofitting security compare with building it in" is about both sides of the comparison, and the
    talk's "retrofit vs built-in" holds "building" (a stemmer keeps "build" and "built" apart): answered, not
    declined as a topic the speaker never spoke of."""
    note = ("# Secure Builds Day 2031\n\n## Keynote: Security Budgets (Dr. Priya Nair)\n\n"
            "- main point: reserve a fixed share of every product budget for security reviews\n"
            "- retrofit vs built-in: retrofitting cost about 4x more per flaw fixed\n\n"
            "## Talk: Fuzzing Parsers (Tomas Berg)\n\nTomas Berg fuzzed three parsers for a week and found 41 crashes.\n")
    answer = _assistant_over({"day.md": note}, tmp_path, embedder).ask(
        "In Nair's keynote, how did retrofitting security compare with building it in?")
    assert not answer.abstained and "4x" in answer.answer, (answer.answer, answer.evidence)


def test_a_place_typed_as_a_search_is_answered_by_the_field_that_gives_it(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """"fjordcon 2031 venue and city" asks where, though it asks nothing; a key-value table headed "Field | Value"
    reads "Venue: …", and its venue row leads rather than the page's breadcrumb that names the event and year."""
    note = ("# FjordCon 2031\n\n_Team wiki › Events › 2031 › FjordCon. Page owner: Maja Berg._\n\n"
            "| Field | Value |\n|---|---|\n| Event | FjordCon 2031 |\n| Dates | 22–23 May 2031 |\n"
            "| Venue | Sjøhuset Congress Hall |\n| City | Bergen, Norway |\n\n## Overview\n\n"
            "Two days, three tracks, one plenary keynote on tracking data.\n")
    assert classify("fjordcon 2031 venue and city").name == "where"
    answer = _assistant_over({"wiki.md": note}, tmp_path, embedder).ask("fjordcon 2031 venue and city")
    lead = first_sentence(answer.answer)
    assert "Sjøhuset Congress Hall" in lead and "Field:" not in answer.answer, answer.answer


def test_which_talk_is_answered_by_the_item_about_it_in_a_list_of_talks(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """A unit that lists several talks ("Track B: Cycling:" over one item per talk) answers "which talk was about
    cheap timing gates" with the item about that talk, named, not with the first item."""
    note = ("# Velo Analytics Day 2031\n\n## Tracks\n\nTrack B: Cycling:\n"
            "- Power Curves Lie (Ana Lima, Velo Lab): Power meters drift by 2% per hour in cold weather, so "
            "intervals need a zero offset before every ride.\n"
            "- Cheap Lap Timing (Jonas Berg, Club Norte): A club built its own timing gates with 4 infrared sensors "
            "for 300 euros, within 5 ms of the commercial system.\n")
    answer = _assistant_over({"day.md": note}, tmp_path, embedder).ask(
        "which track B talk was about building cheap timing gates with infrared sensors")
    lead = first_sentence(answer.answer)
    assert "Cheap Lap Timing" in lead and "Power Curves Lie" not in lead, answer.answer
    # The citation names the talk of the item quoted, not the first item's, when the lead unit is the whole list.
    from confqa.answer.extractive import _cite
    from confqa.answer.question import Question, Scored, terms_of
    from confqa.answer.units import Unit
    from confqa.settings import AnswerSettings

    listed = ("# Velo Summit 2031\n\n## Track A: Cycling\n\n"
              "- Power Curves Lie: Modelling Drift in Cold Weather (Ana Lima, Velo Lab): Extends power models with a "
              "drift term for cold rides, using two seasons of club data. Teams that zeroed before every interval saw "
              "errors fall by half.\n"
              "- Timing on a Budget (Jonas Berg, Club Norte): A second-tier club built its own timing gates with 4 "
              "infrared sensors for 300 euros in hardware. Error was 5 ms against the commercial system.\n")
    (tmp_path / "whole").mkdir()
    store = _assistant_over({"summit.md": listed}, tmp_path / "whole", embedder).store
    items = tuple(i for i, sentence in enumerate(store.sentences) if sentence.kind != "heading")
    question = "which velo summit talk was about building cheap timing gates with infrared sensors"
    wanted = terms_of("cheap timing gates infrared sensors")
    asked = Question(text=question, intent=classify(question), route=None, terms=wanted, topic=wanted, content=wanted)
    citations, parts = _cite([Scored(Unit(items, "list", 0.7), 0.9)], asked, store, AnswerSettings())
    assert parts[0].startswith("Timing on a Budget"), parts
    assert citations[0].talk == "Timing on a Budget" and citations[0].speakers == ["Jonas Berg"], citations[0]


def test_a_line_about_the_year_asked_is_no_answer_from_another_year(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """"fjordcon 2032 dates?" is answered by the 2031 note's line that gives the 2032 edition's dates (with the
    notice that it comes from the 2031 notes), rather than by another event's 2032 note."""
    notes = {"fjordcon-2031.md": "# FjordCon 2031\n\nBergen, 12–13 May 2031. About 300 people came.\n\n## Next year\n\n"
                                 "FjordCon 2032 is set for 18–19 May 2032. The venue isn't chosen yet.\n",
             "tracecon-2032.md": "# TraceCon 2032\n\nKraków, 10–11 March 2032, two tracks.\n\n## Closing\n\n"
                                 "TraceCon 2033 moves to Gdańsk, dates to be announced.\n"}
    answer = _assistant_over(notes, tmp_path, embedder).ask("fjordcon 2032 dates?")
    assert "18–19 May 2032" in first_sentence(answer.answer), answer.answer
    assert any("comes from notes about 2031" in n for n in answer.notices), answer.notices


@pytest.mark.parametrize("said", [
    "Asked about false positives on retouched photos, she had no figures for that.",
    "Vraag uit de zaal over false positives: daar had ze geen cijfers voor.",
    "Auf die Frage nach Fehlalarmen hatte er keine Zahlen.",
    "Sobre los falsos positivos no dio cifras.",
    # the writer did not take the figures down, or the speaker sent people elsewhere for them
    "I didn't copy the numbers down and the handout stayed in the room.",
    "they talked about exposure limits but pointed to a handout",
    "He would not give the per-sample price, because it is tied to their vendor contract.",
])
def test_a_figure_the_speaker_had_none_of_is_not_given(said: str) -> None:
    from confqa.text import lexicon

    assert lexicon.NOT_GIVEN.search(said)


HAPTICS_NOTE = """\
# Interaction Days 2031, my notes

## Workshop: Ultrasonic mid-air haptics (Ines Carvalho)

Format: 3 hours, hands-on, 20 seats. The hardest part was hand tracking: the lag was about 30 ms on their kit.

On safety, she talked about exposure limits for a while but pointed to a handout. I didn't copy the numbers down.

Their arrays refresh at 200 Hz, fast enough that a moving focal point feels like one continuous line.
"""


def test_a_figure_in_a_unit_the_notes_do_not_give_is_declined(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """"What exposure limit in dB did the workshop recommend": the notes say the limits were in a handout the
    writer did not copy, and their only figures are a lag in ms and a rate in Hz, so there is no answer; a figure
    they do give in its unit is answered."""
    assistant = _assistant_over({"interaction-days.md": HAPTICS_NOTE}, tmp_path, embedder)
    limit = assistant.ask("What exposure limit in dB did the mid-air haptics workshop recommend?")
    assert limit.abstained and limit.declined, limit.answer
    lag = assistant.ask("What hand tracking lag in ms did they see in the haptics workshop?")
    assert not lag.abstained and "30 ms" in first_sentence(lag.answer), lag.answer


@pytest.mark.parametrize(("question", "intent", "term"), [
    ("what's an accessible name (screen reader testing workshop)", "definition", "accessible name"),
    ("What false positive rate did the craquelure classifier have on overpaintings?", "quantity", None),
    ("rustfjord 2031 keynote dates?", "when", None),
    ("city planning talk summary", "talk", None),  # a place noun that qualifies another asks for no place
])
def test_more_question_forms(question: str, intent: str, term: str | None) -> None:
    found = classify(question)
    assert (found.name, found.term) == (intent, term)


def test_a_why_question_opens_with_the_reason_not_with_the_restated_question(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """"Why did the recommender lose revenue?" opens with the sentence that gives the reason ("The root cause was
    …"), not the one that restates what happened ("… lost 3% revenue in the A/B test"); a question asking how
    something works keeps the order the ranking gives."""
    note = ("# Retail ML Day 2031\n\n## Talk: Lessons From a Failed Launch (Aarav Shah, Mapleleaf Commerce)\n\n"
            "The new recommender beat the old one offline by 12% NDCG and lost 3% revenue in the A/B test. "
            "The root cause was that offline metrics rewarded popular items the old system already sold well. "
            "Aarav now gates every launch on a two-week holdout.\n\n"
            "## Talk: Feature Stores Are Just Databases (Mikkel Jensen)\n\n"
            "Mikkel Jensen replaced the feature store with two Postgres tables and a nightly job.\n")
    assistant = _assistant_over({"day.md": note}, tmp_path, embedder)
    answer = assistant.ask("Why did the new recommender lose revenue in the A/B test?")
    assert "popular items" in first_sentence(answer.answer), answer.answer
    assert "lost 3% revenue" in answer.answer  # what happened still follows the reason



@pytest.mark.parametrize(("question", "measure", "largest"), [
    ("Which card got the most votes?", "votes", True),
    ("which session drew the fewest attendees", "attendees", False),
    ("which model scored lowest?", "scored", False),
    ("Which talk did she rank first?", "rank", False),
    ("Which poster was top-ranked?", "rank", False),
    ("Which talk did she rank last?", "rank", True),
    ("What did most people think of the keynote?", None, None),  # "most" counts people here, it ranks nothing
    ("How did they rank the posters?", None, None),
])
def test_the_superlative_a_question_asks(question: str, measure: str | None, largest: bool | None) -> None:
    from confqa.answer.extremes import extreme_asked
    from confqa.answer.question import terms_of

    extreme = extreme_asked(question)
    if measure is None:
        assert extreme is None
    else:
        assert extreme is not None and terms_of(measure) <= extreme.measure and extreme.largest is largest


BOARD_NOTE = """\
# Render Camp 2031, the unconference day

Everyone got three dot stickers in the morning, and a card needed at least 8 votes to get a room.

## The board

- Card #1: Shader caches that survive driver updates (convener: Ana Lima), 14 votes
- Card #2: Frame pacing on handhelds (convener: Kwame Mensah), 22 votes
- Card #4: Texture streaming without hitches (convener: Greta Holm), 9 votes
- Card #7: Profiling on the couch (convener: Rafael Ortiz), 4 votes

## My ranking of the talks

| Rank | Talk | Speaker | Score /10 |
|---|---|---|---|
| 3 | Light Probes for Everyone | Ines Duarte | 7.5 |
| 1 | Rollback Netcode Without Tears | Marisol Ortega | 9.5 |
| 2 | Particles on a Budget | Chen Wei | 8.0 |
"""


def test_a_superlative_is_answered_by_the_record_with_the_extreme_number(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """"Which card got the most votes" opens with the card with 22 votes (not the line that says cards need 8), the
    fewest with the one with 4, and "which talk did the writer rank first" with the row ranked 1, wherever in the
    table it stands."""
    assistant = _assistant_over({"render-camp.md": BOARD_NOTE}, tmp_path, embedder)
    for question, record in [("Which card got the most votes at Render Camp?", "Frame pacing on handhelds"),
                             ("Which card got the fewest votes at Render Camp?", "Profiling on the couch"),
                             ("Which talk did the writer rank first at Render Camp?", "Rollback Netcode Without Tears"),
                             ("Which talk got the highest score at Render Camp?", "Rollback Netcode Without Tears")]:
        answer = assistant.ask(question)
        assert record in first_sentence(answer.answer), (question, answer.answer)


LUNCH_NOTE = """\
# Platform Lunch & Learn, summer 2031

## Migrating the Rate Engine to Kotlin Coroutines (Ana Sofía Castillo)

She walked us through moving the pricing service off its old thread-pool model. The p99 latency of a quote fell
from 840 ms to 210 ms, and the service now runs on half the pods.

## Feature Flags Without Tears (Rahul Menon)

Rahul showed how the team names flags and removes every flag after ninety days.
"""


def test_a_talk_speaks_of_what_its_title_says(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """"What did Castillo say about Kotlin coroutines" is about her talk, whose title (a heading, no line of its
    own) says so: answered. What only another talk speaks of ("flag naming") is still declined for her."""
    assistant = _assistant_over({"lunch.md": LUNCH_NOTE}, tmp_path, embedder)
    titled = assistant.ask("What did Castillo say about Kotlin coroutines?")
    assert not titled.abstained and "thread-pool" in titled.answer, (titled.answer, titled.declined)
    other = assistant.ask("What did Castillo say about flag naming?")
    assert other.abstained and other.declined, other.answer


TOP_TALKS_NOTE = """\
# Frontend Pampa 2031: my top three

### 3. "Container Queries in Anger" by Florencia Méndez (Mercado Claro)

This was a no-nonsense walkthrough of migrating a real product grid from media queries to container queries.

### 2. "Signals, Explained With Mate" by Martín Suárez (Yerba Labs)

A live-coded reactive library in forty minutes, with a thermos of mate as the running example.

### 1. "Shipping a Design System to 40 Teams" by Ivana Horvat (Kuna)

Versioning tokens separately from components was the decision that made the rollout possible.
"""


def test_who_presented_a_talk_whose_speaker_only_its_heading_names(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """A talk whose speaker is named in its heading and in no line under it: "who presented" it is answered from the
    catalogue (its title and speaker, over its first line), by its title or by its topic."""
    assistant = _assistant_over({"top-three.md": TOP_TALKS_NOTE}, tmp_path, embedder)
    titled = assistant.ask('Who presented "Shipping a Design System to 40 Teams"?')
    assert not titled.abstained and "Ivana Horvat" in first_sentence(titled.answer), (titled.answer, titled.declined)
    topic = assistant.ask("Who gave the talk on container queries at Frontend Pampa?")
    assert not topic.abstained and "Florencia Méndez" in first_sentence(topic.answer), (topic.answer, topic.declined)
    assert "Horvat" not in topic.answer


SPEAKER_TWICE_NOTE = """\
# Health Data Days 2031

## Panel: Who may use health data? (Miriam Hoffmann, Katrin Albers, Jonas Petersen)

Moderation: Miriam Hoffmann. On the podium: Katrin Albers, Dr. Jonas Petersen and two patient advocates.
Jonas Petersen argued that registries should share models, not data, and that patients should see who used
theirs. The panel ran long.

## Federated Learning for Cancer Registries

Speaker: Dr. Jonas Petersen (Klinikum Elbtal). Nine registries trained one survival model together.

## Keynote: Registries as Infrastructure (Katrin Albers)

Registries should be funded like roads, she said.
"""


def test_the_title_of_a_speakers_talk_comes_from_the_catalogue(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """"What was the title of Petersen's talk" is his talk's title, not the panel he sat on (and that the notes
    speak of more); "what was Albers's keynote called" her keynote."""
    assistant = _assistant_over({"health-data-days.md": SPEAKER_TWICE_NOTE}, tmp_path, embedder)
    talk = assistant.ask("What was the title of Jonas Petersen's talk?")
    assert "Federated Learning for Cancer Registries" in first_sentence(talk.answer), talk.answer
    assert "Who may use health data" not in talk.answer
    keynote = assistant.ask("What was Katrin Albers's keynote called?")
    assert "Registries as Infrastructure" in first_sentence(keynote.answer), keynote.answer


PLAIN_LOG_NOTE = """\
A11Y DAYS 2031 -- my log

== FRI 21 OCT ==
0930 kn: Dr. Sunita Raghavan -- "Beyond Compliance" -- set aside 5% of every product budget for a11y
1100 lightning talks, noted only 2:
  - Tereza Novakova -- "Alt Text for Charts" -- describe the trend, not the pixels
  - Kofi Mensah -- "Dark Mode Is Not an Accessibility Feature" -- helps some users with photophobia, hurts some with astigmatism; offer both, default to the OS setting
1200 sponsor demos, skipped
  side notes day 2:
  - Q&A: someone asked how to justify 5% to a CFO
"""


def test_an_item_a_plain_text_note_runs_on_to_a_colon_still_says_something(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """In a plain-text log the lines after a list item run on into it (as CommonMark reads unindented lines) up to
    a 'side notes day 2:'; the item is no label for that colon: what the talk said is answered, not declined as a
    talk the notes only list."""
    assistant = _assistant_over({"a11y-log.txt": PLAIN_LOG_NOTE}, tmp_path, embedder)
    for question in ("What did Kofi Mensah say about dark mode?",
                     "What did Mensah say in Dark Mode Is Not an Accessibility Feature?"):
        answer = assistant.ask(question)
        assert not answer.abstained and "photophobia" in answer.answer, (question, answer.answer, answer.declined)


DAYS_NOTE = """\
# Harbour Systems Days 2031, my notes

## Day 1 (Thursday)

A day of tutorials; I went to the one on tracing.

## Tracing Without Tears (Ana Costa)

She showed how to sample traces by their latency so that the slow ones are always kept.

## Day 2 (Friday)

The main track.

## Queues Are Databases Now (Tomás Keane)

He argued that a durable queue with compaction is a database with a worse query language.
"""

COMPILER_MEETUP_NOTE = """\
# Lisbon Compiler Meetup #12

Meetup on Tuesday 14 March 2031, 18:30–22:00, at the Fábrica 7 event space. About 60 people came.

## "Register Allocation Is Still Hard" (keynote, Priya Raman)

Linear scan compiled 4.1x faster and its code ran 6% slower.
"""

UNDATED_NOTE = """\
# Things I learned from the compiler talks

## "Incremental Parsing for Editors" (Nadia El-Amrani)

Reparsing after a keystroke took a median of 0.4 ms on files of 50k lines.
"""


def test_when_a_talk_was_is_said_by_a_day_heading_the_event_or_not_at_all(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """"When was <talk>" is answered with the day whose heading stands before the talk's (a sibling heading, not
    its parent); over a note that gives only its event's date, by that date, saying the talk's own time is not
    given; over notes that give no time at all, declined, not answered by what the talk found."""
    for folder in ("days", "meetup", "undated"):
        (tmp_path / folder).mkdir()
    days = _assistant_over({"days.md": DAYS_NOTE}, tmp_path / "days", embedder)
    answer = days.ask('When was "Queues Are Databases Now"?')
    assert "Day 2" in first_sentence(answer.answer), answer.answer
    meetup = _assistant_over({"meetup.md": COMPILER_MEETUP_NOTE}, tmp_path / "meetup", embedder)
    answer = meetup.ask('When was "Register Allocation Is Still Hard"?')
    assert "14 March 2031" in first_sentence(answer.answer), answer.answer
    assert any("no time for the talk itself" in notice for notice in answer.notices), answer.notices
    undated = _assistant_over({"undated.md": UNDATED_NOTE}, tmp_path / "undated", embedder)
    answer = undated.ask('When was "Incremental Parsing for Editors"?')
    assert answer.abstained and answer.declined, answer.answer


@pytest.mark.parametrize(("sentence", "gives"), [
    ("Her explanation: most SBOMs are generated from the lockfile, before the build.", True),
    ("Why: the cache was shared between tenants.", True),
    ("She explained that the retries doubled the load.", True),
    ("The backup job compressed every block twice because a flag was copied.", True),
    ("She explained how the scheduler assigns work to each node.", False),  # a mechanism, not a reason
    ("Oksana Brandt opened the conference with the result of a study.", False),
])
def test_a_sentence_gives_a_reason_by_its_words_or_a_label(sentence: str, gives: bool) -> None:
    from confqa.answer.leads import REASON_GIVEN

    assert bool(REASON_GIVEN.search(sentence)) is gives


ELBE_NOTE = """\
# Elbe Security Days 2024

Dresden, 14–15 March 2024.

## Thursday

09:15 — Keynote: "Post-Quantum Migration Is a Logistics Problem", Prof. Katrin Oberländer (TH Elbflorenz).

- Inventory every place a key is used before picking an algorithm.
- Hybrid key exchange first; signatures later.

## Friday

Coffee, then I had to catch my train to Hamburg. So nothing from Friday afternoon, including the closing
keynote — I don't even know who gave it.
"""


def test_a_who_question_is_declined_when_the_notes_say_they_do_not_know_who(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """"Who gave the closing keynote": the notes hold one keynote, the opening one, and say of the closing keynote
    that the writer does not know who gave it. The question is declined, not answered by the keynote the
    catalogue knows; "who gave the opening keynote" is still answered by its speaker."""
    from confqa.answer.unanswered import NO_PERSON

    assistant = _assistant_over({"elbe.md": ELBE_NOTE}, tmp_path, embedder)
    closing = assistant.ask("closing keynote speaker at Elbe Security Days 2024?")
    assert closing.abstained and closing.declined == NO_PERSON, closing.answer
    opening = assistant.ask("Who gave the opening keynote at Elbe Security Days 2024?")
    assert not opening.abstained and "Oberländer" in opening.answer, opening.answer


MIRFEST_NOTE = """\
# MIRfest 2024 chat

**tomás** 3:38 PM
first lightning talks were fine but nothing for us. one about lyrics alignment in Guaraní that I'll summarise later

**ana** 3:40 PM
lightning talks now, 5 minutes each. best one so far: Kofi Asante (University of Cape Coast), "Whale Song
Retrieval with Audio Fingerprints".

**ana** 3:46 PM
he said it works for humpbacks because the song is repetitive, and fails on sperm whale clicks.
"""


def test_the_one_talk_of_a_kind_answers_only_a_question_about_it(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """"Who gave the lightning talk at MIRfest 2024?" names a kind of talk and the notes hold one talk of that
    kind: the catalogue answers with its speaker. "Who presented the lightning talk on aligning lyrics in Guaraní"
    asks about another, which the catalogue does not hold: the whale-song talk is not its answer."""
    from confqa.answer.catalogue import catalogue_units
    from confqa.answer.question import understand
    from confqa.answer.units import unit_text
    from confqa.search.filters import Filters

    assistant = _assistant_over({"mirfest.md": MIRFEST_NOTE}, tmp_path, embedder)
    store = assistant.store
    assert any(t.speakers == ["Kofi Asante"] for t in store.talks_by_id.values())  # the catalogue holds the talk

    def from_catalogue(question: str) -> list[str]:
        query = assistant.search.query(question, Filters())
        hits = assistant.search.retrieve(query, assistant.settings.retrieval.top_k)
        units = catalogue_units(understand(query), hits, store, assistant.settings.answer)
        return [unit_text(u.unit, store) for u in units]

    assert any("Kofi Asante" in text for text in from_catalogue("Who gave the lightning talk at MIRfest 2024?"))
    assert not from_catalogue("Who presented the lightning talk on aligning lyrics in Guaraní at MIRfest 2024?")


FIELDS_NOTE = """\
# Harbour Analytics Summit 2024

| Field | Value |
|---|---|
| Event | Harbour Analytics Summit 2024 |
| Dates | 12–13 September 2024 |
| Venue | Kalvebod Congress Hall |
| City | Copenhagen, Denmark |
| Attendance | about 600 |

## Day 1

The opening keynote was about tracking data in football.
"""


def test_a_question_naming_two_fields_is_answered_by_both(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """"harbour analytics summit 2024 venue and city" names two place fields: the answer gives the venue's row and
    the city's, not the venue's alone; "where was it held" by a place field."""
    assistant = _assistant_over({"summit.md": FIELDS_NOTE}, tmp_path, embedder)
    both = assistant.ask("harbour analytics summit 2024 venue and city")
    assert "Kalvebod" in both.answer and "Copenhagen" in both.answer, both.answer
    one = assistant.ask("Where was Harbour Analytics Summit 2024 held?")
    assert not one.abstained and ("Kalvebod" in one.answer or "Copenhagen" in one.answer), one.answer


SURNAME_NOTE = """\
# Coldchain Summit 2025

## Afternoon

### When GPS Lies: Jamming, Spoofing and Solar Storms (Priscilla Tan)

Tan (maritime security analyst, Singapore) covered three ways position data goes wrong: jamming, spoofing and
solar storms. Spoofed positions moved a container ship 20 km inland on the tracking screen.

### Cold Storage Without the Grid (Amir Haddad)

Haddad showed solar-powered cold rooms for fishing villages.
"""


def test_a_who_answer_names_the_speaker_in_full_when_the_line_gives_the_surname(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """"Which speaker at the coldchain summit covered gps spoofing": the line that answers calls her "Tan"; the
    answer names her as the catalogue does, "Priscilla Tan", in its first sentence, with the line quoted as
    written."""
    assistant = _assistant_over({"coldchain.md": SURNAME_NOTE}, tmp_path, embedder)
    answer = assistant.ask("which speaker at the coldchain summit covered gps spoofing")
    assert not answer.abstained, answer.answer
    assert "Priscilla Tan" in first_sentence(answer.answer), answer.answer
    assert answer.citations[0].quote.startswith("Tan (maritime security analyst"), answer.citations[0].quote


ONCALL_NOTE = """\
# Platform Utrecht #14: fireside chat

## Ten Years of On-Call (Tobias Eriksen-Vale)

**Sanne:** Deleting how many?

**Tobias:** In one big cleanup we deleted 412 alerts out of roughly 600. Our rule since then:
no page without a runbook. If an alert can page a human, it needs a runbook link, or it becomes a ticket.

**Sanne:** And people don't miss the deleted ones?

**Tobias:** Two incidents would have been caught a few minutes earlier by a deleted alert.
"""


def test_a_line_labelled_with_the_thing_asked_for_leads(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """"What rule did Eriksen-Vale's team adopt after the big alert cleanup?": "Our rule since then: no page without
    a runbook" gives the rule; the line closer to the question's words ("In one big cleanup we deleted 412
    alerts") follows it."""
    assistant = _assistant_over({"oncall.md": ONCALL_NOTE}, tmp_path, embedder)
    answer = assistant.ask("what rule did Eriksen-Vale's team adopt after the big alert cleanup")
    assert not answer.abstained, answer.answer
    assert "no page without a runbook" in first_sentence(answer.answer), answer.answer


SYNTAX_WORKSHOP_NOTE = """\
# Workshop on Incremental Compilation 2026

Monday 22 June 2026, Room K-204, Alpenforum Centre, Zurich.

## "Red-Green Trees Were a Mistake (Sort Of)" (keynote, Lars Holmqvist)

They replaced the tree with a flat buffer he calls a syntax tape, and an edit rewrites only the span of the tape
covering the changed top-level item. The green nodes held 3.1 GB resident in the IDE process.

## "Digital Twins on the Shop Floor" (Pieter Eriksen)

Eriksen piloted his warehouse digital twin in Venlo, at a 40,000 m² distribution centre, for six months.
"""


def test_where_a_talk_was_given_is_said_by_its_event_when_its_lines_name_no_place(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """"Where did Holmqvist give his keynote on syntax trees": the keynote's lines name no place ("in the IDE
    process" is none); the note's opening says where its event was, and answers, saying so. Where a talk's own line
    gives a place ("piloted … in Venlo, at a … distribution centre"), that line answers."""
    assistant = _assistant_over({"workshop.md": SYNTAX_WORKSHOP_NOTE}, tmp_path, embedder)
    answer = assistant.ask("where did Holmqvist give his keynote on syntax trees")
    assert not answer.abstained and "Room K-204" in first_sentence(answer.answer), answer.answer
    assert any("no place for the talk itself" in notice for notice in answer.notices), answer.notices
    answer = assistant.ask("Where did Eriksen pilot his warehouse digital twin?")
    assert "Venlo" in first_sentence(answer.answer), answer.answer
    assert not any("no place for the talk itself" in notice for notice in answer.notices), answer.notices


def test_a_chat_messages_time_is_not_the_date_asked_for() -> None:
    """"When is Kestrel Labs planning to open-source Keel?" over a chat log: the time each message was sent
    ("[09:04] ana.pereira:", "ana 2:06 PM:") says nothing of when something will happen; a date in the message does.
    "What time did the panel start" may be answered by a message's time."""
    from confqa.answer.checks import holds

    when = classify("When is Kestrel Labs planning to open-source its build tool Keel?")
    assert not holds(when, "[09:04] ana.pereira: Hiroshi Tanaka's keynote just started", None)  # type: ignore[arg-type]
    assert not holds(when, "ana 2:06 PM: her definition of metadata debt", None)  # type: ignore[arg-type]
    assert holds(when, '[09:32] ana.pereira: "first half of 2025", the tool is called Keel', None)  # type: ignore[arg-type]
    assert holds(when, "The meetup starts at 18:30 on 14 March.", None)  # type: ignore[arg-type]
    assert holds(classify("What time did the panel start?"), "[14:02] mira.k: panel starting", None)  # type: ignore[arg-type]


EDITIONS_NOTE = """\
# Blue team bulletin 47

Harbour Summit 2025 wrapped up in Singapore three weeks ago; here are the two editions side by side.

Harbour Summit 2023 — Rotterdam: 6–8 June 2023, Maashaven Congress Centre, Rotterdam.

The 2025 venue had far better Wi-Fi, in a hall by the marina.
"""


def test_an_answer_about_one_edition_is_not_padded_with_another_editions_place(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    """"Where was Harbour Summit 2025 held?": a further line naming only another year ("Harbour Summit 2023 —
    Rotterdam: …") is another edition's place, left out; a line naming no other year may follow."""
    assistant = _assistant_over({"bulletin.md": EDITIONS_NOTE}, tmp_path, embedder)
    lead, other, venue = _scored_lines(assistant, ("wrapped up", 0.9), ("Maashaven", 0.8), ("marina", 0.7))
    kept = _selected(assistant, [lead, other, venue], "Where was Harbour Summit 2025 held?")
    assert other.unit.members[0] not in kept and lead.unit.members[0] in kept, kept
    assert other.unit.members[0] in _selected(assistant, [lead, other, venue], "Where was Harbour Summit held?")


@pytest.mark.parametrize(("question", "line", "speaks"), [
    ("In which city will AgriSense Europe be held in 2023?", "next edition is planned in Montréal in 2024", False),
    ("In which city will AgriSense Europe be held in 2023?", "AgriSense Europe 2023 will be in Lleida", True),
    ("When is the next BioData Nordic after the 2021 one?", "Next year the meeting moves to Aarhus, 6 to 8 June 2022",
     True),
    ("When is the next BioData Nordic after the 2021 one?", "BioData Nordic 2021 ran from 14 to 16 September", False),
    ("Where is the next BioData Nordic?", "Next year the meeting moves to Aarhus, 6 to 8 June 2022", True),
])
def test_a_line_about_a_next_edition_is_of_the_year_asked(question: str, line: str, speaks: bool) -> None:
    from confqa.answer.leads import _of_a_year_asked
    from confqa.answer.question import Question

    asked = Question(text=question, intent=classify(question), route=None, terms=set(), topic=set(), content=set())
    assert _of_a_year_asked(line, asked) is speaks
