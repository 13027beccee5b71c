"""How a question may name a talk: the words of its title and aliases, its short names, and its speakers'
surnames. The index stores them as postings (word → talks) when it is built, so that routing a question reads the
talks that share a word with it, not the whole catalogue."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence

from confqa.lexical import surname, words
from confqa.models import Talk

# Words that appear in talk titles but say nothing about which talk is meant.
GENERIC_TITLE_WORDS = frozenset({
    "ai", "talk", "tutorial", "session", "panel", "workshop", "oral", "invited", "keynote", "paper", "new", "art",
    "science", "perspective", "beyond", "towards", "toward", "via", "using", "part", "next",
})
_WORD = re.compile(r"\w+")


def title_words(talk: Talk) -> set[str]:
    """The words of a talk's title and aliases that can say which talk is meant."""
    text = " ".join([talk.title, *talk.aliases])
    return {w for w in words(text) if w not in GENERIC_TITLE_WORDS and len(w) > 1 and not w.isdigit()}


def names_of(talk: Talk) -> list[str]:
    """Whole titles and aliases, as word sequences, acronyms in parentheses, and a title's own name before its
    colon ("ZeRO-Lite" of "ZeRO-Lite: Sharding Optimizer State…", "Artificial Hivemind" of "Artificial Hivemind:
    The Open-Ended…"): ways a question may name it."""
    names = [" ".join(words(n)) for n in [talk.title, *talk.aliases]]
    names += [a.lower() for a in re.findall(r"\(([A-Za-z][A-Za-z0-9]{1,9})\)", talk.title)]
    names += [n for n in map(_short_name, [talk.title, *talk.aliases]) if n]
    return [n for n in names if n and n not in GENERIC_TITLE_WORDS]


def _short_name(title: str) -> str | None:
    """The name a title gives itself before a colon, as words: two words or more not all generic ("Artificial
    Hivemind", not "Talk 1"), or one coined word ("ZeRO-Lite", "FlashSparse", "DL4C"; not "Limitations")."""
    head, colon, _ = title.partition(":")
    if not colon:
        return None
    found = words(head)
    if len(found) >= 2:
        named = [w for w in found if w not in GENERIC_TITLE_WORDS and not w.isdigit()]
        return " ".join(found) if len(named) >= 2 else None
    coined = len(found) == 1 and re.fullmatch(r"\S*(?:[a-z][A-Z]|[A-Za-z]-[A-Za-z]|[A-Za-z]\d|\d[A-Za-z])\S*", head.strip())
    return found[0] if coined else None


def surname_key(speaker: str) -> str | None:
    """The word a question that names this speaker contains: the first word of the lower-cased surname (the full
    name holds it too). None for a blank name, which names nobody."""
    if not speaker.strip():
        return None
    found = _WORD.findall(surname(speaker).lower())
    return found[0] if found else None


def speaker_surnames(talks: Iterable[Talk]) -> list[str]:
    """Every speaker's surname as written ('et al.' entries left out), for telling whether a text names one."""
    return sorted({surname(s) for t in talks for s in t.speakers if "et al" not in s and surname(s)})


def title_idf(talks: int, talks_with_word: int) -> float:
    """How much a title word says about which talk is meant: rarer among the catalogue's titles, more."""
    return math.log(1 + max(talks, 1) / talks_with_word)


def postings(talks: Sequence[Talk]) -> dict[str, object]:
    """The routing postings of a catalogue: title word → talk positions, each talk's title weight (the sum of its
    title words' title_idf, summed exactly), its kind, its names (names_of, at least three characters) → talk
    positions, surname key → talk positions, and the speakers' surnames."""
    title: dict[str, list[int]] = {}
    by_surname: dict[str, list[int]] = {}
    names: dict[str, list[int]] = {}
    bags = [sorted(title_words(talk)) for talk in talks]
    for position, (talk, bag) in enumerate(zip(talks, bags)):
        for word in bag:
            title.setdefault(word, []).append(position)
        for key in sorted({k for k in map(surname_key, talk.speakers) if k}):
            by_surname.setdefault(key, []).append(position)
        for name in sorted({n for n in names_of(talk) if len(n) >= 3}):
            names.setdefault(name, []).append(position)
    weight = [math.fsum(title_idf(len(talks), len(title[w])) for w in bag) for bag in bags]
    return {"title": title, "weight": weight, "kinds": [t.kind for t in talks], "names": names,
            "surname": by_surname, "surnames": speaker_surnames(talks)}


def names_in(text: str, surnames: frozenset[str]) -> bool:
    """Whether the text has one of these surnames as a whole word (a surname joined by hyphens or apostrophes,
    'Al-Amin', "O'Neil", counts whole): what a regex of every surname between \\b would find, without one."""
    for token in re.findall(r"\w+(?:[-'’]\w+)*", text):
        parts = re.split(r"([-'’])", token)
        pieces = parts[0::2]
        for start in range(len(pieces)):
            for end in range(start + 1, len(pieces) + 1):
                if "".join(parts[2 * start:2 * end - 1]) in surnames:
                    return True
    return False
