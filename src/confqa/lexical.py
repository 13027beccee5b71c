"""Words for BM25: lower-cased, stop words removed, Snowball-stemmed. The same function serves the index
and the query, so both sides always agree."""

from __future__ import annotations

import re
from functools import lru_cache

from confqa.text.lexicon import HOW_WORDS, QUESTION_FUNCTION_WORDS

# A word: letters and digits of any alphabetic script ("datenqualität", "ibáñez", "wróbel"), with inner hyphens and
# apostrophes. Han, kana and hangul are left out: they write words without spaces, and a run of them is no term.
_LETTER = r"[^\W_\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff66-\uff9f]"
_TOKEN = re.compile(rf"{_LETTER}+(?:[-']{_LETTER}+)*")
STOPWORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before being below between
    both but by can could did do does doing down during each few for from further had has have having he her here
    hers herself him himself his how i if in into is it its itself just me more most my myself no nor not now of
    off on once only or other our ours ourselves out over own same she should so some such than that the their
    theirs them themselves then there these they this those through to too under until up very was we were what
    when where which while who whom why will with would you your yours yourself yourselves s t don didn doesn isn
    wasn weren won shouldn couldn wouldn also""".split()
)


@lru_cache(maxsize=1)
def _stemmer():  # type: ignore[no-untyped-def]
    import Stemmer

    return Stemmer.Stemmer("english")


def words(text: str) -> list[str]:
    """Content words of a text, unstemmed (used for matching names and overlap)."""
    return [w for w in _TOKEN.findall(text.lower().replace("’", "'")) if w not in STOPWORDS]


def terms(text: str) -> list[str]:
    """BM25 terms: content words, stemmed; hyphenated words also count as their parts."""
    out: list[str] = []
    for word in words(text):
        out.append(word)
        if "-" in word:
            out.extend(p for p in word.split("-") if p and p not in STOPWORDS)
    stemmer = _stemmer()
    return stemmer.stemWords([w.replace("'", "") for w in out])


def named_terms(question: str) -> list[str]:
    """Terms of the words a question capitalises past its first: the names it gives ("at ISRL 2024", "the ICML
    tutorials"; the first word is capitalised anyway)."""
    return terms(" ".join(w for w in re.findall(r"[\w'’-]+", question)[1:] if w[:1].isupper()))


_HOW = re.compile(r"\bhow\s+(?:" + "|".join(HOW_WORDS) + r")\b", re.I)
_POSSESSIVE = re.compile(r"(?<=\w)['’]s\b", re.I)
# The verbs that ask where or when an event happened, not what about it: "where was NeurIPS held" searches for
# NeurIPS, and a note's "long-held belief" or "held-out set" is no match for it.
_OCCURRED = re.compile(r"(?<![\w-])(?:held|located|(?:take|takes|took|taking)\s+place|happen(?:s|ed|ing)?)(?![\w-])", re.I)


def question_terms(question: str) -> list[str]:
    """A question's BM25 terms without the words of its form: "how many people attended" searches for people
    attending, and a note's "many people" is no match for it. "Zhou's talk" asks about Zhou, and "what's" is "what"
    (the notes' own "Zhou's" still indexes as one word). "Where was it held" searches for "it". A question asked in
    another language leaves out that language's function words ("Wo fand das Forum 2025 statt?")."""
    text = _OCCURRED.sub(" ", _POSSESSIVE.sub("", _HOW.sub("how", question)))
    function_words = foreign_function_words(text)
    if function_words:
        text = " ".join(w for w in _TOKEN.findall(text.replace("’", "'")) if w.lower() not in function_words)
    return terms(text)


# A question is in another language when that language's function words in it are at least this many, and more
# than its English stop words.
FOREIGN_FUNCTION_WORDS = 2


def foreign_function_words(question: str) -> frozenset[str]:
    """The function words of the language a question is asked in, when that is not English (else none)."""
    tokens = [w.lower() for w in _TOKEN.findall(question.replace("’", "'"))]
    english = sum(1 for w in tokens if w in STOPWORDS)
    counts = {language: sum(1 for w in tokens if w in words) for language, words in QUESTION_FUNCTION_WORDS.items()}
    language, count = max(counts.items(), key=lambda item: item[1])
    return QUESTION_FUNCTION_WORDS[language] if count >= FOREIGN_FUNCTION_WORDS and count > english else frozenset()


@lru_cache(maxsize=1 << 16)
def surname(name: str) -> str:
    name = re.sub(r"\s+et al\.?$", "", name.strip())
    parts = [p for p in re.split(r"\s+", name) if p]
    return parts[-1] if parts else name


# A conference year as a question or a note writes it.
YEAR = re.compile(r"\b(19[5-9]\d|20\d\d)\b")


def years_named(text: str) -> tuple[int, ...]:
    """The years a text names, ascending."""
    return tuple(sorted({int(y) for y in YEAR.findall(text)}))


def spells_out(short: str, long: str) -> bool:
    """Whether `long` spells out the letters of `short` in order, the first at the start of a word (Schwartz and
    Hearst): "Product of programmatic Experts" spells out "PoE", "Trimming, Interference Election, Sign" TIES."""
    short, long = short.lower(), long.lower()
    position = len(long) - 1
    for index in range(len(short) - 1, -1, -1):
        char = short[index]
        while position >= 0 and (long[position] != char or (
                index == 0 and position > 0 and long[position - 1].isalnum())):
            position -= 1
        if position < 0:
            return False
        position -= 1
    return True
