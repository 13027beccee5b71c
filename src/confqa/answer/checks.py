"""Whether a unit holds what a question's intent asks for: a name for who, a number for how many, a date for
when, a place for where, the term followed by its definition for what is. Also the name and phrase checks the
answerer and its confidence share. Patterns over English text (confqa.text.lexicon), no models."""

from __future__ import annotations

import re
from collections.abc import Callable

from confqa.answer.intents import Intent
from confqa.index.store import IndexStore
from confqa.lexical import question_terms, spells_out, surname, terms
from confqa.models import Talk
from confqa.text import lexicon

_NUMBER = re.compile(r"\d|\b(?:" + "|".join(sorted(lexicon.NUMBER_WORDS)) + r")\b", re.I)
_DATE = re.compile(r"\b(?:" + "|".join(lexicon.MONTHS + lexicon.WEEKDAYS) + r")\b|\b(?:19|20)\d\d\b|"
                   r"\b(?:" + lexicon.CLOCK + r")|\bday (?:\d{1,2}|" + "|".join(lexicon.SMALL_NUMBERS) +
                   r")\b|\b(?:first|second|third|fourth|fifth|last|final|opening|closing) day\b|\b(?:today|yesterday|tomorrow|"
                   r"morning|afternoon|evening)\b", re.I)
# The time a chat message was sent, before its sender: "[09:32] ana.pereira:", "ana 2:06 PM:" (a clock time asked
# for may be one: "what time did the panel start" and "[14:02] mira.k: panel starting").
_MESSAGE_STAMP = re.compile(r"\[\d{1,2}:\d{2}(?::\d{2})?\]\s*@?[\w.’'-]+:|"
                            r"(?<![\w:])\**@?[\w.’'-]+\**\s+\d{1,2}:\d{2}\s*[AP]M\b\s*:?", re.I)
# A place word, or a capitalised name after "in", "at", "to", "from" or a pin ("📍 São Paulo") that is no numbered part ("from Part 3",
# "in Section 2"; "in Room 3" is a place).
_NOT_PLACES = sorted(lexicon.LABEL_WORDS - lexicon.PLACE_WORDS - {"no", "no."})
_PLACE = re.compile(r"\b(?i:" + "|".join(sorted(lexicon.PLACE_WORDS)) + r")s?\b|(?:\b(?:in|at|to|from)|📍) (?:the )?"
                    r"(?!(?i:" + "|".join(_NOT_PLACES) + r")\b)[A-Z][\w-]+")
# The words a which-city question asks with: a line saying "the 2026 host city" or "the country" names none.
_CITY_WORDS = frozenset({"city", "cities", "town", "towns", "country", "countries"})
# ... unless the name follows it: "the host city is Tromsø", "host city: Porto", "the city of Lyon".
_CITY_NAMED = re.compile(r"\b(?i:city|town|country)(?: (?i:is|was|will be|of))?\s*[:—–-]?\s*[A-Z][\w'’-]+")
_CLOCK = re.compile(lexicon.CLOCK_TIME, re.I)
# A field that gives a place or a date by its label ("Location: San Diego, CA", "Venue: Hall 104", "Dates: 9-15
# December"), as the head of a note or a row of a table writes it.
FIELDS = {
    "where": re.compile(r"(?:^|;\s)(?:" + lexicon.PLACE_FIELDS + r")\s*:\s*\S", re.I),
    "when": re.compile(r"(?:^|;\s)(?:" + lexicon.TIME_FIELDS + r")\s*:\s*\S", re.I),
}
_ROOM = re.compile(lexicon.ROOM_PLACE, re.I)
_CAPITALISED_NAME = re.compile(r"\b[A-Z][a-zà-ÿ'’-]+(?: [A-Z]\.)?(?: (?:van|von|de|da|del|der|la|le) )?[ -][A-Z][a-zà-ÿ'’-]+\b")


def holds(intent: Intent, text: str, store: IndexStore) -> bool:
    """Whether the text holds what the intent asks for (always true for intents without an answer type)."""
    name = intent.name
    if name == "who":
        return names_someone(text, store, besides=intent.names)
    if name == "quantity":
        return amounts(intent, text)
    if name == "when":
        if intent.measure != "clock":
            text = _MESSAGE_STAMP.sub(" ", text)  # a chat message's time says when it was sent, not what was asked
        return bool({"clock": _CLOCK, "day": _DAY}.get(intent.measure or "", _DATE).search(text))
    if name == "where":
        if intent.measure == "room":
            return bool(_ROOM.search(text))
        if intent.measure == "city":
            return bool(FIELDS["where"].search(text) or _CITY_NAMED.search(text)) or any(
                found.group(0).lower() not in _CITY_WORDS and not set(found.group(0).split()) & set(intent.names)
                for found in _PLACE.finditer(text))
        return bool(_PLACE.search(text) or FIELDS["where"].search(text))
    if name == "definition":
        return expands(intent.term or "", text) if intent.expands else defines(intent.term or "", text)
    if intent.measure == "affiliation":
        return bool(_AFFILIATION.search(text))
    return True


NEAR_WORDS = 3  # a count is next to its noun when at most this many words lie between them
UNIT_WORDS = 2  # a number's unit or counted noun follows it within this many words ("15,000 researchers", "$ 9k")
_CURRENCY = re.compile(lexicon.CURRENCY, re.I)
_FREE = re.compile(r"\bfree\b", re.I)  # a price of nothing: "entry was free for students"
_SHARE = re.compile(lexicon.SHARE, re.I)
_AFFILIATION = re.compile(lexicon.AFFILIATION)
_AMOUNT_WORD = re.compile(r"[\w.,%$€£¥₹₩/-]+")


def amounts(intent: Intent, text: str) -> bool:
    """The text holds the number a quantity question asks for: a price for "how much did it cost" (in a text that
    names the thing priced, when the question names one), a span of time for "how long did it take", a count of
    the asked noun for "how many GPUs", else any number. Dates never count."""
    if intent.counted and intent.measure is None:
        return counts(intent.counted, text)
    words, numbers = _numbered(text)
    if intent.unit:  # "what exposure limit in dB": a number in decibels, not the "30 ms" of another measurement
        said = lexicon.UNITS.get(intent.unit, (intent.unit,))
        return any(_followed_by(words, i, lambda w: w in said) for i in numbers)
    if intent.measure == "money":
        if intent.priced and not _names_priced(intent.priced, text):
            return False  # "how much did a metro pass cost", answered by the price of a single ticket
        return any(_CURRENCY.search(" ".join(words[max(0, i - UNIT_WORDS): i + UNIT_WORDS + 1])) for i in numbers) \
            or bool(_FREE.search(text)) or any(_cost_share(words, i) for i in numbers)
    if intent.measure == "duration":
        return any(_followed_by(words, i, lambda w: w in lexicon.DURATION_UNITS) for i in numbers)
    if intent.measure == "share":
        return bool(_SHARE.search(_without_dates(text)))
    return bool(numbers)


_ADMISSION = frozenset(terms(" ".join(sorted(lexicon.ADMISSION_WORDS))))


def _names_priced(priced: str, text: str) -> bool:
    """The text names the thing a price is asked for, or another word for getting in when that is what is priced."""
    named = set(terms(text))
    return priced in named or (priced in _ADMISSION and bool(named & _ADMISSION))


COST_SPAN = 8  # a share answers a money question when a word of cost comes at most this many words before it


def _cost_share(words: list[str], i: int) -> bool:
    """words[i] is a percentage with a word of cost in the COST_SPAN words before or after it, in the same clause
    ("infrastructure cost for those jobs dropped by about 70%", "a 17% drop in warehouse spend"): a saving or a
    rise in money, given as a share."""
    if not words[i].rstrip(".,;:").endswith("%"):
        return False
    for w in reversed(words[max(0, i - COST_SPAN): i]):
        if w[-1:] in ".;:":
            break  # the clause ends before the percentage
        if w.lower().strip(".,") in lexicon.COST_WORDS:
            return True
    if words[i][-1:] in ".;:":
        return False  # the clause ends with the percentage
    for w in words[i + 1: i + 1 + COST_SPAN]:
        if w.lower().strip(".,;:") in lexicon.COST_WORDS:
            return True
        if w[-1:] in ".;:":
            return False
    return False


def number_near(text: str, topic: set[str]) -> bool:
    """A number within NEAR_WORDS words of one of the question's topic words in the same clause ("p99 went from 840
    ms to 210 ms" for "how much did p99 latency drop", not "a Java 11 thread pool; p99 latency spiked"); a number
    that is itself a topic word ("p99") is none."""
    for clause in _CLAUSE.split(text):
        words, numbers = _numbered(clause)
        near = [i for i, w in enumerate(words) if set(terms(w)) & topic]
        if any(abs(i - j) <= NEAR_WORDS + 1 for i in numbers if not set(terms(words[i])) & topic for j in near):
            return True
    return False


_CLAUSE = re.compile(r"[;:!?]|\.(?!\d)|\s[—–]\s")  # where a clause ends (not the point of "1.5")


def counts(noun: str, text: str) -> bool:
    """A number within NEAR_WORDS words of the counted noun ("8 GPUs", "GPUs: 8", "4,100 exposed buckets"). People
    counted under another name: "9,000 attendees" or "15,000 researchers" for "how many people", wherever the text
    says "people". When the text never names the noun, any word that counts things (`_counts_things`)."""
    stem = (terms(noun) or [noun.lower()])[0]
    words, numbers = _numbered(text)
    nouns = [i for i, w in enumerate(words) if any(t.startswith(stem) or stem.startswith(t) for t in terms(w) if len(t) > 2)]
    if nouns and any(abs(i - j) <= NEAR_WORDS + 1 for i in numbers for j in nouns):
        return True
    if noun.lower() in lexicon.PEOPLE_COUNTS:
        return any(_followed_by(words, i, lambda w: w in lexicon.PEOPLE_COUNTS) for i in numbers)
    if nouns:
        return False
    return any(_followed_by(words, i, _counts_things) for i in numbers)


def _counts_things(word: str) -> bool:
    """A word after a number that names what it counts: an English plural but a unit of time ("2,000 devices",
    not "two days"), or a word of a script without capitals, where counters follow numbers ("4,100 件")."""
    if word[:1].isalpha() and word[:1].lower() == word[:1].upper():
        return True
    return len(word) > 2 and word.endswith("s") and word not in lexicon.DURATION_UNITS


_STATISTIC = {name: re.compile(pattern, re.I) for name, pattern in lexicon.STATISTICS.items()}


def statistic_of(text: str) -> set[str]:
    """The statistics a text names figures of: a percentile by its number ("p99", "the 99th percentile"; "p95" is
    another), p50 as the median, the mean, the peak."""
    found = {"p" + re.sub(r"[^\d.]", "", m.group(0)) for m in _STATISTIC["percentile"].finditer(text)} - {"p50"}
    found |= {name for name, pattern in _STATISTIC.items() if name != "percentile" and pattern.search(text)}
    if "mean" in found and _MEANS.search(text) and not _STATISTIC["mean"].search(_MEANS.sub(" ", text)):
        found.discard("mean")  # "what does PUE mean", "what did she mean by …": the verb
    return found


# "mean" as a verb: "what does PUE mean", "what should open mean", "what did she mean by …".
_MEANS = re.compile(r"\b(?:does|do|did|to|should|would|could|can|will|might|must|they|you|we|I|it|that|this)\b"
                    r"[^?.,;:]{0,60}?\bmean\b|\bmean (?:by|that)\b", re.I)


def _numbered(text: str) -> tuple[list[str], list[int]]:
    """The text's words (dates and times of day left out) and the positions of those that are amounts: not a name
    with a number in it ("p99", "H100", "GPT-4") nor the number of a label ("Section 2.4", "Step 3")."""
    words = _AMOUNT_WORD.findall(_without_dates(text))
    return words, [i for i, w in enumerate(words) if _NUMBER.search(w) and not _IDENTIFIER.match(w)
                   and not (i and words[i - 1].lower() in lexicon.LABEL_WORDS)]


_IDENTIFIER = re.compile(r"[^\W\d_]+[-.]?\d", re.I)  # letters then digits: a name, not an amount


def _followed_by(words: list[str], i: int, kind: Callable[[str], bool]) -> bool:
    """Whether one of the UNIT_WORDS words after words[i] is of the kind (compared lower-case, without punctuation);
    the number's own suffix counts too ("10k", "14h")."""
    following = [re.sub(r"^[\d.,]+", "", words[i])] + words[i + 1: i + 1 + UNIT_WORDS]
    return any(kind(w.lower().strip(".,;:")) for w in following if w)


_MONTH = r"(?:" + "|".join(sorted(lexicon.MONTHS, key=len, reverse=True)) + r")\.?"
# Dates and times are numbers that count nothing: "31 Oct – 1 Nov", "May 15th", "2024-09-12", "19:00", "10:15–10:30".
_DATE_OR_TIME = re.compile(rf"\b\d{{4}}-\d{{2}}-\d{{2}}\b|\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}(?!\w)|"
                           rf"\b{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?\b|\b\d{{1,2}}:\d{{2}}\b|\b(?:19|20)\d\d\b|"
                           + lexicon.NUMERIC_DATE, re.I)


# A day: a weekday, "day 3", "the closing day", "today", or a date with its day's number ("14 June", "June 14th",
# "2025-03-20", "on the 14th").
# "14. März", "3 de mayo", "12 juin": a day of a month named in another language.
_OTHER_DATE = rf"\b\d{{1,2}}\.?\s+(?:de\s+)?(?:{'|'.join(lexicon.OTHER_MONTHS + lexicon.MONTHS)})(?!\w)"
_DAY = re.compile(r"\b(?:" + "|".join(lexicon.WEEKDAYS + lexicon.OTHER_WEEKDAYS) + r")\b|\bday (?:\d{1,2}|" +
                  "|".join(lexicon.SMALL_NUMBERS) + r")\b|\b(?:first|second|third|fourth|fifth|last|final|opening|"
                  r"closing) day\b|\b(?:today|yesterday|tomorrow)\b|\b\d{4}-\d{2}-\d{2}\b|\bthe \d{1,2}(?:st|nd|rd|th)\b|"
                  rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}(?!\w)|\b{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?\b|"
                  + _OTHER_DATE + "|" + lexicon.NUMERIC_DATE, re.I)


def only_dates(text: str) -> bool:
    """Whether the text is dates and times of day and nothing else ("2024-09-12", "Thu 10:30", "10:15–10:30")."""
    return not _A_WORD.search(_DAY_OR_MONTH_NAME.sub(" ", _without_dates(text)))


# Weekdays and months by name, whole or shortened ("Thursday", "Thu", "Mar."); a word of two letters or more.
_DAY_OR_MONTH_NAME = re.compile(r"\b(?:" + "|".join([*lexicon.WEEKDAYS, *lexicon.MONTHS,
                                                      *(d[:3] for d in lexicon.WEEKDAYS + lexicon.MONTHS)])
                                + r")\b\.?", re.I)
_A_WORD = re.compile(r"[^\W\d_]{2,}")


def _without_dates(text: str) -> str:
    """A conference year, a date or a time of day is not the number a how-many question asks for."""
    return _DATE_OR_TIME.sub(" ", text)


_PARENTHESIS = re.compile(r"(?P<before>[^()]{0,200})\((?P<inner>[^()]{2,160})\)")
_STANDS_FOR = r"[^.;]{0,40}\b(?:stands for|is short for|short for|is an acronym for|abbreviates)\b"


def expands(term: str, text: str) -> bool:
    """The text spells out the abbreviation a question asks about: "DARE (Drop And Rescale)", "Linear Mode
    Connectivity (LMC)", "PoE-World (Product of programmatic Experts)" (the abbreviation is the term's first part),
    or "TIES stands for …"; the letters in order, the first at the start of a word (lexical.spells_out)."""
    short = re.split(r"[-\s]", term.strip())[0]
    letters = re.sub(r"[^A-Za-z0-9]", "", short)
    if len(letters) < 2:
        return False
    if re.search(rf"(?<!\w){re.escape(short)}(?!\w){_STANDS_FOR}", text, re.I):
        return True
    for found in _PARENTHESIS.finditer(text):
        before, inner = found.group("before"), found.group("inner")
        if re.search(rf"(?<!\w){re.escape(short)}(?!\w)[\w-]*\s*$", before) and spells_out(letters, inner):
            return True  # "DARE (Drop And Rescale)"
        if inner.strip() == short:
            words = before.split()[-(len(letters) + 3):]
            if words and spells_out(letters, " ".join(words)):
                return True  # "Linear Mode Connectivity (LMC)"
    return False


def defines(term: str, text: str, strictly: bool = False) -> bool:
    """The text opens with the term (after an article at most) and goes on to say what it is: a defining verb,
    a parenthesised expansion or a dash; or it says it defines it ("He defines wave function collapse as …").
    "Critique: DAgger is disjointed" does not define DAgger."""
    if not term:
        return False
    if re.search(rf"\b(?:defines?|defined|definition of)\s+(?:an?\s+|the\s+)?{re.escape(term)}\b", text, re.I):
        return True  # "He defines wave function collapse (WFC) as …", "Her definition of q-error: …"
    if re.search(rf"\bdefinition\s*:\s*[\"“'‘]?(?:an?\s+|the\s+)?{re.escape(term)}\b", text, re.I):
        return True  # 'her definition: "metadata debt" is the accumulated cost of …'
    if re.search(rf"\b{re.escape(term)}[\"”'’]?\s*(?:,\s*|\(\s*)(?:i\.\s?e\.|that is\b|meaning\b|which means\b|in other words\b)",
                 text, re.I):
        return True  # 'methods can exploit "varsortability", i.e. marginal variance increases along the causal order'

    lead_in = _LEAD_IN_CLAUSE.match(text)
    if lead_in:  # "Her definition has not changed: a data contract is a … promise" (a clause, not a label)
        return defines(term, text[lead_in.end():], strictly) or _opens_with_definition(term, text, strictly)
    return _opens_with_definition(term, text, strictly)


# A clause of four words or more before a colon introduces what follows it; a label ("Critique:") names it.
_LEAD_IN_CLAUSE = re.compile(r"^(?:[^\s:]+\s+){3,}[^\s:]+:\s+")


def _opens_with_definition(term: str, text: str, strictly: bool) -> bool:
    """The text opens with the term and a defining verb after it (strictly), or any verb in -s ("DAgger trains
    …"), a parenthesised expansion or a dash."""
    low = text.lower()
    position = low.find(term.lower())
    if position < 0 or low[:position].strip(" \"“'‘*_`") not in ("", "the", "a", "an"):
        return False
    after = low[position + len(term): position + len(term) + 40].lstrip(" *_`\"”'’")
    return bool((_DEFINED_STRICTLY if strictly else _DEFINED_AFTER).match(after))


# What follows a defined term: a defining verb ("is", "means", ":"), or, less strictly, any verb in -s or a bracket.
_DEFINED_STRICTLY = re.compile(rf"(?:\([^)]*\)\s*)?{lexicon.DEFINING_VERBS}")
_DEFINED_AFTER = re.compile(rf"(?:\([^)]*\)\s*)?(?:{lexicon.DEFINING_VERBS}|\w+s\b|\()")


def names_someone(text: str, store: IndexStore, besides: tuple[str, ...] = ()) -> bool:
    """A name the notes list as a speaker, or a capitalised first-and-last name (is_a_name); not made of the words
    `besides` in any case (the question's capitalised words: "who gave the Kestrel Data sponsor talk" is not
    answered by "Kestrel Data"), nor inside quotes (a title)."""
    asked = {w.lower() for w in besides}
    if asked:
        text = re.sub(r"\b[A-Z][\w'’-]*", lambda m: "someone" if m.group(0).lower() in asked else m.group(0), text)
    text = _QUOTED.sub(" ", text)  # a quoted title ("Dashboards Nobody Reads") names no one
    if store.names_a_speaker(text):
        return True
    return any(is_a_name(m.group(0), store) for m in _CAPITALISED_NAME.finditer(_without_titles(text)))


def is_a_name(words: str, store: IndexStore) -> bool:
    """A capitalised first-and-last name that is a person's: not a common word of talks ("Best Paper"), no word of
    it a function word ("If Val", "Drop And"), and not opened by a word the notes use as an ordinary word, which
    no given name is ("Interference Election", "Mode Connectivity"; IndexStore.ordinary_words), nor closed by a
    word of an organisation's name ("Hangyun Cloud", "Quarry Analytics"), nor a job title ("Senior Backend")."""
    parts = re.findall(r"[\w'’]+", words)
    if re.fullmatch(r"[A-Z][a-z]?-[A-Z][a-z]?", words):
        return False  # 'Wi-Fi': one hyphenated word of two syllables, no given and family name
    return bool(parts) and not (set(terms(words)) & _COMMON) and all(terms(_CONTRACTED.sub("", w)) for w in parts) and \
        parts[0].lower() not in store.ordinary_words and parts[-1].lower() not in lexicon.ORGANISATION_WORDS and \
        not all(p.lower() in lexicon.JOB_WORDS for p in parts)


# A contraction's or possessive's ending: "It's" is the function word "It" ("It's Multiple Choice" names no one),
# "Musa's" is Musa.
_CONTRACTED = re.compile(r"['’](?:s|re|ll|ve|d)$", re.I)
# Four capitalised words or more in a row are a title or an expansion ("MMLU (Massive Multitask Language
# Understanding)"), not a person's name, which the catalogue would know if it were a speaker's.
_TITLE_CASE_RUN = re.compile(r"\b(?:[A-Z][\w'’-]*\s+){3,}[A-Z][\w'’-]*")
# An acronym's expansion in brackets: "HELM (Holistic Evaluation)", "GSM8K (Grade School Math)".
_EXPANSION = re.compile(r"\b[A-Z][A-Z0-9-]+\s*\([^()]{3,80}\)")


# A law, rule or effect named after someone ("Moore's Law", "Goodhart's Law"): it names the idea, not a person there.
_EPONYM = re.compile(r"\b[A-Z][\w-]+['’]s\s+(?:Law|Rule|Theorem|Principle|Effect|Paradox|Razor|Constant|Number|"
                     r"Curse|Fallacy|Problem|Lemma|Conjecture|Hypothesis)\b")


def _without_titles(text: str) -> str:
    """The text without runs of capitalised words that name a thing, not a person (_TITLE_CASE_RUN, _EXPANSION,
    _EPONYM)."""
    return _TITLE_CASE_RUN.sub(" ", _EXPANSION.sub(" ", _EPONYM.sub(" ", text)))


_QUOTED = re.compile(r"\"[^\"\n]{1,120}\"|“[^”\n]{1,120}”")


def people_named(text: str, store: IndexStore) -> int:
    """How many people a text names: capitalised first-and-last names that are not common words."""
    return len({m.group(0) for m in _CAPITALISED_NAME.finditer(_without_titles(text)) if is_a_name(m.group(0), store)})


_COMMON = frozenset(terms("large language model models learning neural network networks deep machine state art "
                          "best paper keynote tutorial talk panel session workshop"))


def names_speaker_of(text: str, store: IndexStore, talk_ids: list[str]) -> bool:
    """Whether the text names a speaker of these talks by surname ('Behrouz' for 'Behrouz et al.')."""
    return any(surname(speaker) in text for talk_id in talk_ids for speaker in store.talks_by_id[talk_id].speakers)


def speakers_named(text: str, talk: Talk) -> int:
    return sum(1 for speaker in talk.speakers if surname(speaker) in text)


def speakers_named_in_full(text: str, talk: Talk) -> int:
    """How many of the talk's speakers the text names by their whole name ('Presented by Yuki Morimoto', not the
    reference's 'Morimoto, Y.')."""
    return sum(1 for speaker in talk.speakers if speaker in text)


def phrase_support(question: str, evidence: str) -> float:
    """Share of the question's adjacent topic-word pairs ("test of time award" -> test·time, time·award) that
    occur adjacent in the evidence: a question's focus is often a phrase whose words the notes use apart."""
    q = question_terms(question)
    pairs = {(a, b) for a, b in zip(q, q[1:]) if a != b}
    if not pairs:
        return 1.0
    found: set[tuple[str, str]] = set()
    for clause in re.split(r"[.;:,!?()\n]", evidence):  # a pair across punctuation is not a phrase
        e = terms(clause)
        found.update(zip(e, e[1:]))
    return sum(1 for p in pairs if p in found) / len(pairs)
