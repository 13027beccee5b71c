"""What a question asks for. The intent decides what an answer must contain and in what order: a who-question
is answered by names, a how-many by the number, a define-question by the definition first, a list question by
the items. The patterns are English question forms (confqa.text.lexicon), not words of any one note."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from confqa.lexical import terms, years_named
from confqa.text import lexicon

INTENTS: dict[str, str] = {
    "who": "asks for people: who presented, organised or said something; answered by names.",
    "when": "asks for a date, day or time; answered by the date with what happened then.",
    "where": "asks for a place: city, venue, room, country; answered by the place.",
    "quantity": "how many, how much, what share or number; answered by the number with its unit and scope.",
    "list": "asks for several items (which talks, what are the N …, name the …); answered by the items.",
    "definition": "what is / what does X mean / define X; answered by the definition first.",
    "explanation": "how or why something works or happens; answered by the mechanism or reason.",
    "comparison": "compares two or more things (difference between, versus, which is better).",
    "talk": "what a talk or speaker said, recommended, argued or covered; answered by its main points.",
    "fact": "any other single fact (which model won, what benchmark was used).",
}
# The order in which the question patterns are tried: the more specific form wins ("how many" before "how",
# "who presented" before "what was presented").
ORDER = ("comparison", "who", "when", "where", "quantity", "talk", "explanation", "definition", "list")
_PATTERNS = {name: re.compile(lexicon.QUESTION_PATTERNS[name], re.I) for name in ORDER}
# A defined term is a name or a short noun phrase; longer ones are questions about a situation.
MAX_TERM_WORDS = 6
_HOW_MANY = re.compile(r"^(?:[\w,' -]+, )?how (?:many|much)\b", re.I)
# "What exposure limit in dB did the workshop recommend", "which batch size in GB": a what-question that names the
# unit of its answer asks for a number, whatever its verb suggests.
# A unit by any name a question calls it ("in GB", "in gigabytes", "in per cent"), a letter alone ("in s") being none.
_UNIT_OF = {**{form: unit for unit, forms in lexicon.UNITS.items() for form in forms if len(form) > 1},
            **{unit: unit for unit in lexicon.UNITS}, **lexicon.UNIT_NAMED}
_UNIT_NAMES = sorted(_UNIT_OF, key=len, reverse=True)
_IN_A_UNIT = re.compile(r"^(?:[\w,' -]+, )?(?:what|which) (?:[\w-]+ ){1,4}in (?P<unit>"
                        + "|".join(re.escape(u) for u in _UNIT_NAMES) + r")(?!\w)", re.I)
_NOT_A_TERM = frozenset({"like", "in", "during", "at", "on", "for", "when", "after", "before"})
_NOT_PRICED = frozenset(terms("money much"))  # "how much money did they save" asks for money, not a thing's price
_MAIN = frozenset({"main", "key", "biggest", "top", "major", "most"})  # "the main tips": items, not a term
_FORM = frozenset(lexicon.FORM_WORDS.split())  # "the name of …", "the venue of …": a form word, not a term
_NAMED = re.compile(r"\b(?:called|named)\b", re.I)
_EXPANSION_ASKED = re.compile(r"\bstands? for\b|\bshort for\b|\b(?:acronym|abbreviation)\b", re.I)
# The noun a how-many question counts: "how many GPUs", "how many of the talks" (articles and "of the" skipped);
# "how many times" counts what happened ("downloaded", answered by "2.1 million downloads"), not times.
_COUNTED = re.compile(r"\bhow many (?:(?:of )?(?:the |their |his |her |its )?)(?!times\b)([A-Za-z][\w-]*)|"
                      r"\bhow many times\b.*?\b([A-Za-z]{3,}ed)\b", re.I)
# What a quantity question may measure, besides a count: each is answered by a number in its own unit.
MEASURES = {"money": re.compile(lexicon.MONEY_ASKED, re.I), "duration": re.compile(lexicon.DURATION_ASKED, re.I),
            "share": re.compile(lexicon.SHARE_ASKED, re.I)}
_PRICED = re.compile(lexicon.PRICED_ASKED, re.I)
# What a when- or where-question may ask for, narrower than any date or place: a time of day, a room, a city.
NARROWER = {"when": (("clock", re.compile(lexicon.CLOCK_ASKED, re.I)), ("day", re.compile(lexicon.DAY_ASKED, re.I))),
            "where": (("room", re.compile(lexicon.ROOM_ASKED, re.I)), ("city", re.compile(lexicon.CITY_ASKED, re.I))),
            "fact": (("affiliation", re.compile(lexicon.AFFILIATION_ASKED, re.I)),)}
# The number of items a list question asks for: "what are the five commandments", "name 3 tools" (a word or one
# or two digits right after the asking words, before a plural up to two words on; not "migrating 40 services").
_ITEMS = re.compile(r"\b(?:(?:what|which)(?: (?:are|were|is|was))?(?: the)?|(?:name|list|give|enumerate)(?: me)?"
                    r"(?: the)?) (" + "|".join(lexicon.SMALL_NUMBERS) + r"|\d{1,2}) (?:[\w-]+ ){0,2}?[\w-]+s\b", re.I)
# The defined term ends where the question says where it was defined or used: "tokenizer fertility, as defined in
# the talk", "the manual pointer in Sid's robot system", "PyTorch Monarch used for".
_QUALIFIER = r"(?:,.*| (?:as|in|at|from|that|which|proposed|used|according|described|explained|presented)\b.*)?"
_DEFINED = re.compile(r"^(?:in [^,]{1,80}, )?(?:what|who)(?: is|'s| are| was| were)\s+(?:an? |the )?['‘\"“]?(.+?)['’\"”]?"
                      + _QUALIFIER + r"\??$|"
                      r"^(?:in [^,]{1,80}, )?what (?:does|do|did) (?:an? |the )?(.+?) (?:mean|stand for|refer to|do)\b.*$|"
                      r"\b(?:define|definition of|meaning of|meant by)\s+(?:an? |the )?(.+?)" + _QUALIFIER + r"\??$|"
                      # typed as a search: "q-error meaning okonkwo", "wave function collapse definition (talk)"
                      r"^(?!(?:what|which|how|why|when|where|who|the|an?)\b)([\w .'/+-]{2,50}?)\s+"
                      r"(?:definition|meaning)\b(?!\s+of\b).*$",
                      re.I)


# "How does Nasser define a data contract?" asks for a definition, not for how something works.
# A quoted title of three words or more ('"Adaptive music without the mush"'); a quoted term of one or two words
# ("what is a 'scream test'") is what a definition asks for, and stays.
_QUOTED_TITLE = re.compile(r"[\"“”„«»]([^\"“”„«»]*?\s[^\"“”„«»\s]+\s[^\"“”„«»]*?)[\"“”„«»]")
_HOW_DEFINED = re.compile(r"^how (?:does|do|did|would|should) (?:[\w.'-]+ ){1,5}define\b", re.I)


@dataclass(frozen=True)
class Intent:
    """What the question asks for (`name`, one of INTENTS), the conference years it names, and for a
    definition the term being defined."""

    name: str
    years: tuple[int, ...] = ()
    term: str | None = None
    counted: str | None = None  # "GPUs" in "how many GPUs …"
    # the unit of the answer: "money" or "duration" for a how-much or how-long question (MEASURES), "clock" for
    # "what time", "day" for "which day", "room" for "which room", "affiliation" for "which company does she work
    # for" (NARROWER)
    measure: str | None = None
    priced: str | None = None  # the term of the thing a price is asked for: "pass" in "how much did a metro pass cost"
    items: int | None = None  # how many items a list question asks for: 5 in "what are the five commandments"
    names: tuple[str, ...] = ()  # the capitalised words a who- or which-city question gives: they answer nothing
    expands: bool = False  # a definition asked as what an abbreviation stands for ("what does DARE stand for")
    unit: str | None = None  # the unit a quantity question names its answer in (a key of lexicon.UNITS): "db"

    @property
    def wants_items(self) -> bool:
        return self.name in ("list", "talk")


@lru_cache(maxsize=4096)
def classify(question: str) -> Intent:
    """The intent of a question, from its form."""
    text = re.sub(r"\s+", " ", question.strip().replace("’", "'"))
    years = years_named(text)
    # "How many models did the paper compare?" asks for a number first, whatever else its words suggest.
    # A title in quotes is a name, not words of the question's form: 'Who presented "Layering vs Re-sequencing"?'
    # asks who, not for a comparison.
    form = _QUOTED_TITLE.sub('"X"', text)
    in_a_unit = _IN_A_UNIT.match(form)
    name = "quantity" if _HOW_MANY.match(form) or in_a_unit else "definition" if _HOW_DEFINED.match(form) else \
        next((n for n in ORDER if _PATTERNS[n].search(form)), "fact")
    term = None
    if name == "definition":
        found = _DEFINED.search(text)
        term = next((g for g in found.groups() if g), None) if found else None
        if term and term.endswith(")") and "(" in term.rstrip(")"):
            # "what's an accessible name (screen reader testing workshop)": the parenthesis says where, not what
            term = re.sub(r"\s*\([^()]*\)$", "", term) or term
        words = (term or "").lower().split()
        if words and (words[0] in lexicon.NUMBER_WORDS or words[0].isdigit() or words[0] in _MAIN):
            name, term = "list", None  # "what are the six principles", "what were the main tips"
        elif len(words) > MAX_TERM_WORDS or set(words) & _NOT_A_TERM or words and words[0] in _FORM \
                or re.search(r"'s (?![A-Z])", term or "") or _NAMED.search(text):
            # "what was the weather like in San Diego", "what is the name of …", "what was Rui Matos's advice",
            # "what was the Wi-Fi network called": not a term to define ("Goodhart's Law" is one)
            name, term = "fact", None
    counted = measure = priced = None
    if name == "quantity":
        found = _COUNTED.search(text)
        counted = (found.group(1) or found.group(2)) if found else None
        measure = next((m for m, pattern in MEASURES.items() if pattern.search(text)), None)
        if measure == "money" and (found := _PRICED.search(text)):
            head = terms(found.group("thing").split()[-1])  # a pronoun ("how much did it cost") names nothing
            priced = head[0] if head and head[0] not in _NOT_PRICED else None
    elif name in NARROWER:
        measure = next((narrower for narrower, pattern in NARROWER[name] if pattern.search(text)), None)
    items = None
    if name in ("list", "talk") and (found := _ITEMS.search(text)):
        word = found.group(1).lower()
        items = int(word) if word.isdigit() else lexicon.SMALL_NUMBERS[word]
    names = tuple(dict.fromkeys(re.findall(r"\b[A-Z][\w'’-]*", text))) if name == "who" or measure == "city" else ()
    unit = _UNIT_OF.get(in_a_unit.group("unit").lower()) if in_a_unit else None
    return Intent(name=name, years=years, term=term.strip(" ?.") if term else None, counted=counted, measure=measure,
                  priced=priced, items=items, names=names, unit=unit,
                  expands=bool(name == "definition" and term and _EXPANSION_ASKED.search(text)))
