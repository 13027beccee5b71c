"""People's names in notes: whether a phrase is a person ('Ana de la Cruz', 'Dr. J. K. Ortiz'), and the people of
a list ('Shichang (Ray) Zhang (Harvard), Himabindu Lakkaraju and Julius Adebayo'). nameparser splits a name into
title, given names, particles, surname and suffix; the lexicon says which capitalised words are topics or
organisations; the notes themselves (words they use in lower case) and an English dictionary (GCIDE, from the
english-words package) say which words are ordinary English; the US census lists of given names and surnames
(from the names package) say which ordinary words are names too ('Grace', 'Press')."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from confqa.ingest.loading import clean_inline
from confqa.lexical import spells_out
from confqa.text.lexicon import (
    NAME_PARTICLES,
    NOT_NAME_WORDS,
    ORGANISATION_WORDS,
    ROLE_AT,
    VENUE_WORDS,
    WORD_GIVEN_NAMES,
)

# Most words a person's name has, particles and initials included ("Maria del Carmen de la Cruz Ortega").
MAX_NAME_WORDS = 7
# Letters of names in Latin scripts: upper case (with Latin Extended, which mixes both cases: 'Đặng', 'Łukasz'),
# and lower case with combining marks and Latin Extended Additional ('Adébáyọ̀', 'Nguyễn').
UPPER = "A-Z\u00c0-\u00d6\u00d8-\u00de\u0100-\u024f"
LOWER = "a-z\u00df-\u00f6\u00f8-\u024f\u0300-\u036f\u1e00-\u1eff"
_UPPER, _LOWER = UPPER, LOWER
_INITIAL = re.compile(rf"^[{UPPER}]\.?$|^(?:[{UPPER}]\.){{2,3}}$")
# A capitalised word of a name; 'McDonald', "O'Neill", 'DeVries' and 'Fei-Fei' too.
_NAME_WORD = re.compile(
    rf"^(?:Mc|Mac|O['’]|D['’]|De|Di|Da|La|Le|Van|Von)?[{_UPPER}][{_LOWER}'’]+(?:-[{_UPPER}]?[{_LOWER}'’]+)*$")
_PAREN = re.compile(r"\s*\(([^()]*)\)")
# What separates the people of a list: punctuation, and 'and' in the languages notes are written in ('y', 'und',
# 'e', 'et', 'i', 'och', 'og', 'en'), but not the 'et' of 'et al.'.
NAME_LIST_SPLIT = re.compile(r"\s*(?:,|;|&|\+|\||/|\b(?:and|with|y|und|e|et|i|och|og|en)\b(?!\s+al\b))\s*")
_LOWER_WORD = re.compile(r"(?<![\w.#/-])[a-z][a-z'’-]{2,}\b")


@lru_cache(maxsize=1)
def _reference_words() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """(English dictionary words, known given names, known surnames), lower case. Read once, at indexing only."""
    import importlib.resources

    from english_words import get_english_words_set

    def census(name: str) -> frozenset[str]:
        text = (importlib.resources.files("names") / name).read_text()
        return frozenset(line.split()[0].lower() for line in text.splitlines() if line.strip())

    dictionary = frozenset(get_english_words_set(["gcide"], lower=True, alpha=True))
    given = census("dist.female.first") | census("dist.male.first") | WORD_GIVEN_NAMES
    return dictionary, given, census("dist.all.last")


def _in_dictionary(word: str, dictionary: frozenset[str]) -> bool:
    """The word or a base form of it ('policies' -> 'policy', 'advancing' -> 'advance', 'tuned' -> 'tune') is an
    English dictionary word."""
    lower = word.lower()
    forms = {lower}
    for suffix, replacements in (("ies", ("y",)), ("es", ("", "e")), ("s", ("",)), ("ing", ("", "e")),
                                 ("ed", ("", "e")), ("er", ("", "e")), ("ly", ("",))):
        if lower.endswith(suffix) and len(lower) > len(suffix) + 2:
            stem = lower[: -len(suffix)]
            forms.update(stem + r for r in replacements)
            if len(stem) > 2 and stem[-1] == stem[-2]:
                forms.add(stem[:-1])  # 'running' -> 'run'
    return any(f in dictionary for f in forms)


@dataclass(frozen=True)
class Vocabulary:
    """Words the notes use in lower case: a capitalised phrase made of them ('Diffusion Policies') is a topic."""

    words: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def of_texts(cls, texts: list[str]) -> Vocabulary:
        return cls(frozenset(w for text in texts for w in _LOWER_WORD.findall(_HANDLE.sub(" ", text))))

    def ordinary(self, word: str) -> bool:
        lower = word.lower()
        return lower in NOT_NAME_WORDS or lower in self.words

    def given_name_ordinary(self, word: str) -> bool:
        """A first word the notes use as an ordinary word, and no known given name."""
        return self.ordinary(word) and word.lower() not in _reference_words()[1]

    def common_phrase(self, words: list[str]) -> bool:
        """Every word is ordinary English (in the notes or the dictionary), and the phrase is not a given name (or
        a surname) followed by a surname: 'Perception Encoder', 'Brain Surgery', 'Diffusion Policies' are topics;
        'Jane Doe', 'Grace Hopper', 'Wang Li' are people."""
        dictionary, given, surnames = _reference_words()
        if not words:
            return False
        first, last = words[0].lower(), words[-1].lower()
        if len(words) >= 2 and (first in given or first in surnames) and last in surnames:
            return False
        return all(self.ordinary(w) or _in_dictionary(w, dictionary) for w in words)


# A chat handle, which people write in lower case whatever their name: '@mira.k', '**priya** 9:05 AM' (a chat
# export's message header), '[14:03] mira.k:'.
_HANDLE = re.compile(r"@[\w.-]+|^\W{0,3}[a-z][\w.-]*\W{0,3}\s+\d{1,2}:\d{2}(?:\s*[AaPp]\.?[Mm]\.?)?\s*$|"
                     r"(?<=\]\s)[a-z][\w.-]*(?=:)", re.M)
_ROLE_AT = re.compile(ROLE_AT)
_CAPITALISED_WORD = re.compile(rf"(?<![\w'’-])[{UPPER}][{LOWER}]+(?![\w'’-])")


def ordinary_capitalised(texts: list[str]) -> list[str]:
    """The capitalised words of the notes that are ordinary words, not names: no known given name, and used in
    lower case in the notes, or else an English word of the dictionary that is no known surname. A pair of them is
    a topic ('Interference Election', 'Drop And Rescale'), not a person ('Grace Hopper', 'Adam Block'). Lower case,
    sorted: the index keeps them, so that answering tells names from topics without the dictionaries."""
    vocabulary = Vocabulary.of_texts(texts)
    dictionary, given, surnames = _reference_words()
    capitalised = {w for text in texts for w in _CAPITALISED_WORD.findall(text)}
    return sorted({w.lower() for w in capitalised if w.lower() not in given and (
        vocabulary.ordinary(w) or (w.lower() not in surnames and _in_dictionary(w, dictionary)))})


@lru_cache(maxsize=1 << 14)
def _parts(text: str) -> tuple[str, tuple[str, ...]]:
    """nameparser's reading: (title and suffix removed) full name, and its words."""
    from nameparser import HumanName

    name = HumanName(text)
    kept = " ".join(p for p in (name.first, name.middle, name.last) if p).strip()
    return kept, tuple(kept.split())


def could_be_surname(word: str, vocabulary: Vocabulary) -> bool:
    """A capitalised word written alone where a speaker goes ('Mendes', 'Schulz', 'Vasquez-Ono'): a known surname,
    or a word that is neither ordinary in the notes nor in the dictionary as it is written."""
    if not re.fullmatch(rf"[{UPPER}][{LOWER}’'\-]+(?:-[{UPPER}][{LOWER}’']+)*", word):
        return False
    dictionary, _, surnames = _reference_words()
    lower = word.lower()
    return lower in surnames and lower not in NOT_NAME_WORDS or not (vocabulary.ordinary(word) or lower in dictionary)


def known_given_name(word: str) -> bool:
    """A given name of the census lists ('Tobi' may not be; 'Amira' and 'Nadia' are)."""
    return word.lower() in _reference_words()[1]


def in_dictionary(word: str) -> bool:
    """An English word (the dictionary's, in any of its common inflections)."""
    return _in_dictionary(word, _reference_words()[0])


def without_leading_words(words: list[str], vocabulary: Vocabulary) -> list[str]:
    """'Then Mateo Ruiz', 'Later Paulina Nowak': capitalised words that open a sentence are not part of the name
    that follows them (an English word, not a known given name, with at least two words left)."""
    dictionary, given, _ = _reference_words()
    while len(words) > 2 and words[0].lower() not in given and (
            vocabulary.ordinary(words[0]) or _in_dictionary(words[0], dictionary)):
        words = words[1:]
    return words


def person_name(text: str, vocabulary: Vocabulary | None = None) -> str | None:
    """The person's name that `text` is ('Prof. Ana de la Cruz, PhD' -> 'Ana de la Cruz'), or None.

    A name has two words or more, each capitalised (initials and particles aside), none of them a topic word,
    an organisation or a number. With a vocabulary (where nothing but the phrase says it is a person, such as a
    heading's parentheses or an italic line) the given name may not be an ordinary word of the notes, and the
    phrase may not be all ordinary English: 'Diffusion Policies' and 'The Automation Paradox' are topics, 'Ofir
    Press' and 'Grace Liu' are people."""
    text = clean_inline(text).strip(" \t.,:;-–—*_“”\"'")
    text = _PAREN.sub(lambda m: " " if _is_nickname(m.group(1)) else " \x00 ", text)
    if "\x00" in text or not text or any(ch.isdigit() for ch in text) or "@" in text:
        return None
    name, words = _parts(" ".join(text.split()))
    if not 2 <= len(words) <= MAX_NAME_WORDS or words[0].lower() in NAME_PARTICLES or words[0].lower() in VENUE_WORDS:
        return None
    proper = [w for w in words if w.lower() not in NAME_PARTICLES or w[0].isupper()]
    if sum(1 for w in proper if not _INITIAL.match(w)) < 1:
        return None
    for word in proper:
        if _INITIAL.match(word):
            continue
        if not _NAME_WORD.match(word) or word.lower() in ORGANISATION_WORDS or word.lower() in NOT_NAME_WORDS:
            return None
    if vocabulary is not None:
        named = [w for w in proper if not _INITIAL.match(w)]
        given_ordinary = bool(named) and named[0] == proper[0] and vocabulary.given_name_ordinary(named[0])
        if given_ordinary or vocabulary.common_phrase(named):
            return None
    return name


def expands_acronym(title: str, inner: str) -> bool:
    """'SHAP (Shapley Additive Explanations)': the parenthesis spells out an acronym of the title (or the title an
    acronym in the parenthesis), so it names no person. Schwartz and Hearst's test: the acronym's letters appear
    in order in the long form, the first at the start of a word."""
    for short_text, long_text in ((title, inner), (inner, title)):
        for acronym in re.findall(r"\b[A-Z][A-Za-z0-9-]*[A-Z][A-Za-z0-9-]*\b", short_text):
            letters = re.sub(r"[^A-Za-z0-9]", "", acronym)
            if 3 <= len(letters) <= 10 and spells_out(letters, long_text):  # "AI" fits too many names
                return True
    return False


def _is_nickname(inner: str) -> bool:
    """'Shichang (Ray) Zhang': one capitalised word in parentheses inside a name."""
    return bool(re.fullmatch(r"[A-Z][a-z]+", inner.strip()))


def people(text: str, vocabulary: Vocabulary | None = None) -> list[str]:
    """The people a list names, in order; affiliations in parentheses and organisations are left out.
    '(Meta, Google)' names nobody."""
    text = clean_inline(text)
    text = _PAREN.sub(lambda m: m.group(0) if _is_nickname(m.group(1)) else "", text)
    text = _ROLE_AT.sub("", text)
    found: list[str] = []
    for part in NAME_LIST_SPLIT.split(text):
        name = person_name(part, vocabulary)
        if name and name not in found:
            found.append(name)
    return found


def affiliation_split(text: str) -> tuple[str, str]:
    """'Jane Doe (Stanford)' or 'Jane Doe, Stanford University' -> ('Jane Doe', 'Stanford University')."""
    text = clean_inline(text).strip(" *_")
    paren = re.match(r"^(.*?)\s*\(([^()]+)\)\s*$", text)
    if paren:
        return paren.group(1).strip(), paren.group(2).strip()
    head, _, tail = text.partition(",")
    return head.strip(), tail.strip()
