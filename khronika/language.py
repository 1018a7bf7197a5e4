"""The language of a text and of each of its paragraphs.

Detection is lingua-language-detector's (n-gram models trained per language,
plus rules on alphabets), restricted to the languages of this domain and run in
its low-accuracy mode; see `_LANGUAGES` and `_detector` for why. A page that
mixes languages (an English article quoting a Russian paragraph) is judged
paragraph by paragraph: its language is the majority language by characters,
and `analyse` reports which paragraph is in which language, so an extractor
can skip or switch on the paragraphs that are not in the document's language.

    >>> detect("Вчора в Києві затримали активіста, який виступав проти війни.")
    'uk'

Codes are ISO 639-1; None means too little text to tell (under `MIN_LETTERS`
letters) or a script none of the languages below is written in.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from functools import lru_cache
from typing import NamedTuple

# The languages Khronika extracts events from; any other is stored, searchable
# and listed as "not analysed: language xx".
ANALYSED = ("ru", "en")

# Fewer letters than this say too little: names, a date line, "Да.".
MIN_LETTERS = 20

# The detector knows only these, so every text is labelled with one of them (or
# None). The choice: the languages that reports on these cases are written in,
# the languages of the countries where exiles are held, tried and deported,
# and close neighbours of Russian and English that must not be mistaken for them.
# Each extra language costs memory and time on every text of its script, so the
# list is kept to what the domain needs (measured with 20 languages: ~60 MB RSS
# once both Cyrillic and Latin text has been seen, 0.6-1 ms per KB of text).
_LANGUAGES = (
    # Cyrillic. Ukrainian and Belarusian: reports from Ukrainian and Belarusian
    # media and rights groups, and the nearest confusions for Russian (the
    # detector must never call a Ukrainian report "ru"). Kazakh: Kazakhstan, the
    # main transit and extradition country; it also absorbs Kyrgyz, which lingua
    # does not know. Serbian: Serbia and Montenegro host many exiles; with
    # Bulgarian it absorbs Tajik and Macedonian, which would otherwise land on "ru".
    "RUSSIAN", "UKRAINIAN", "BELARUSIAN", "KAZAKH", "SERBIAN", "BULGARIAN",
    # Latin. German, French, Spanish, Polish: European courts, asylum and
    # extradition proceedings, Interpol notices. Lithuanian, Latvian, Estonian:
    # the Baltic states, home of much of the exile press and of deportations of
    # Russians. Turkish and Azerbaijani: Turkey and Azerbaijan deport and
    # extradite; Azerbaijani also absorbs Uzbek, which lingua does not know.
    "ENGLISH", "GERMAN", "FRENCH", "SPANISH", "POLISH", "LITHUANIAN", "LATVIAN", "ESTONIAN",
    "TURKISH", "AZERBAIJANI",
    # Scripts of their own, told apart by the alphabet alone (no model is loaded):
    # Armenia and Georgia (the first refuges after 2022), Israel, the UAE.
    "ARMENIAN", "GEORGIAN", "HEBREW", "ARABIC",
)

# Below this length lingua's low-accuracy mode (trigrams only) is markedly less
# sure of itself (lingua's own documented limit), so a short paragraph keeps the
# document's language unless the evidence against it is strong. Alone, a
# headline or dateline full of names comes out wrong ("Lawyer Mehmet Arslan,
# Istanbul" Turkish, "Айгерим Бекова и Ержан Касымов" Kazakh). The evidence is
# the log-likelihood ratio of the best language to the document's, per letter:
# measured on 20 such lines and 20 short sentences really in another language,
# name lines score 0.0-0.35 (most under 0.26) and foreign sentences 0.33-1.5 or
# infinite (a letter the document's language lacks); only Serbian in a Russian
# text (0.11) and a Spanish sentence of cognates in an English one (0.03) look
# like names.
_SHORT_PARAGRAPH_CHARS = 120
_MIN_EVIDENCE_PER_LETTER = 0.3

# Detection time is linear in the text (about 1 ms per KB): each paragraph is
# judged by its first _MAX_SAMPLE_CHARS (the answer no longer changes by then),
# and at most _MAX_EXAMINED_CHARS of a text are examined, so a 25 MB dump costs
# under a second; paragraphs beyond that budget are left undetermined (None).
_MAX_SAMPLE_CHARS = 2_000
_MAX_EXAMINED_CHARS = 500_000


class Languages(NamedTuple):
    """What `analyse` found: the text's language and each paragraph's."""
    language: str | None
    paragraphs: list[tuple[int, int, str | None]]   # (start, end, language) in text offsets

    @property
    def mixed(self) -> bool:
        """True when the paragraphs are in more than one language."""
        return len({lang for _, _, lang in self.paragraphs if lang}) > 1


def detect(text: str) -> str | None:
    """The language of `text` (ISO 639-1), or None when too little text or undetermined.

    A text whose paragraphs are in different languages gets the language most
    of its characters are in.
    """
    return analyse(text).language


def detect_paragraphs(text: str) -> list[tuple[int, int, str | None]]:
    """(start, end, language) of each paragraph of `text`, in text order.

    Paragraphs are the blocks between blank lines (the lines, in a text without
    blank lines); `text[start:end]` is the paragraph without surrounding space.
    The language is None for a paragraph with too few letters to tell.
    """
    return analyse(text).paragraphs


def analyse(text: str) -> Languages:
    """The language of `text` and of each of its paragraphs, in one pass."""
    spans = paragraph_spans(text)
    scores = _score_paragraphs(text, spans)
    tops = [_top(score) for score in scores]
    majority = _majority(spans, tops)
    for index, ((start, end), top) in enumerate(zip(spans, tops)):
        if (top and majority and top != majority and end - start < _SHORT_PARAGRAPH_CHARS
                and not _strong_evidence(text[start:end], scores[index], top, majority)):
            tops[index] = majority
    paragraphs = [(start, end, top) for (start, end), top in zip(spans, tops)]
    language = _majority(spans, tops)
    if language is None and _letters_at_least(text, MIN_LETTERS):
        # Only short paragraphs (a list of headlines, a Telegram post in short
        # lines): together they may say enough.
        language = _top(_score(text[:_MAX_SAMPLE_CHARS * 5]))
    return Languages(language, paragraphs)


# --------------------------------------------------------------------------
# Paragraphs
# --------------------------------------------------------------------------

_BLANK_LINE = re.compile(r"\n[^\S\n]*\n\s*")
_NEWLINE = re.compile(r"\n")


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each paragraph: blocks between blank lines, or lines if there are none.

    The rule khronika.readers uses, so on a Document's text (paragraphs
    joined by blank lines) these are its paragraphs.
    """
    separator = _BLANK_LINE if _BLANK_LINE.search(text) else _NEWLINE
    spans = []
    start = 0
    for match in separator.finditer(text):
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    stripped = []
    for start, end in spans:
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start < end:
            stripped.append((start, end))
    return stripped


def _score_paragraphs(text: str, spans: list[tuple[int, int]]) -> list[dict[str, float]]:
    scores = []
    budget = _MAX_EXAMINED_CHARS
    for start, end in spans:
        sample = text[start:min(end, start + _MAX_SAMPLE_CHARS)]
        if budget <= 0 or not _letters_at_least(sample, MIN_LETTERS):
            scores.append({})
            continue
        budget -= len(sample)
        scores.append(_score(sample))
    return scores


def _strong_evidence(paragraph: str, score: dict[str, float], top: str, majority: str) -> bool:
    """Whether `score` says `top` rather than `majority` clearly enough for the paragraph's length."""
    if score.get(majority, 0.0) <= 0.0:
        return True
    letters = sum(char.isalpha() for char in paragraph)
    return math.log(score[top] / score[majority]) / max(letters, 1) >= _MIN_EVIDENCE_PER_LETTER


def _majority(spans: list[tuple[int, int]], languages: list[str | None]) -> str | None:
    """The language most characters are in (ties: the one that comes first)."""
    characters: Counter[str] = Counter()
    for (start, end), lang in zip(spans, languages):
        if lang:
            characters[lang] += end - start
    return characters.most_common(1)[0][0] if characters else None


def _letters_at_least(text: str, count: int) -> bool:
    if count <= 0:
        return True
    for char in text:
        if char.isalpha():
            count -= 1
            if count == 0:
                return True
    return False


def _top(score: dict[str, float]) -> str | None:
    """The most likely language, None when nothing or a tie is likely."""
    ranked = sorted(score.items(), key=lambda item: item[1], reverse=True)
    if not ranked or ranked[0][1] <= 0.0 or (len(ranked) > 1 and ranked[0][1] == ranked[1][1]):
        return None
    return ranked[0][0]


# --------------------------------------------------------------------------
# The detector
# --------------------------------------------------------------------------

def _score(text: str) -> dict[str, float]:
    """Likelihood of each candidate language for `text` (only those above zero)."""
    detector = _detector()
    if detector is None:
        guess = script_guess(text)
        return {guess: 1.0} if guess else {}
    return {
        value.language.iso_code_639_1.name.lower(): value.value
        for value in detector.compute_language_confidence_values(text)
        if value.value > 0.0
    }


@lru_cache(maxsize=1)
def _detector():
    """One lingua detector per process, built on first use; None without lingua.

    Low-accuracy mode: lingua then uses only trigram models. High accuracy adds
    the 1- to 5-gram models, which only change the answer for texts under 120
    characters, and costs (measured, 20 languages) about 3.5 s and 530 MB of
    RSS once both scripts have been seen, against 0.2 s and about 60 MB, at the
    same speed on a 5 KB article; on a 2-core, 4 GB server running a pool of
    extraction workers that memory is not there. Short paragraphs are what low
    accuracy gets wrong, and `analyse` lets them keep the document's language.
    Models are loaded lazily (lingua's default): a process that only ever sees
    Cyrillic text never loads the Latin-script models. lingua shares its
    models between detector instances and threads.
    """
    try:
        from lingua import Language, LanguageDetectorBuilder
    except ImportError:
        return None
    languages = [getattr(Language, name) for name in _LANGUAGES]
    return LanguageDetectorBuilder.from_languages(*languages).with_low_accuracy_mode().build()


def script_guess(text: str) -> str | None:
    """Guess from the script alone: "ru" for Cyrillic, "en" for Latin, else None.

    Used only when lingua-language-detector is not installed (it ships as one
    ~100 MB compiled wheel, which some platforms lack): Khronika then still
    reads Russian and English, but calls any Cyrillic text Russian and any
    Latin text English.
    """
    cyrillic = latin = 0
    for char in text:
        if char.isalpha():
            if "\u0400" <= char <= "\u04ff":
                cyrillic += 1
            elif char.isascii():
                latin += 1
    letters = cyrillic + latin
    if letters < MIN_LETTERS:
        return None
    if cyrillic > letters * 0.6:
        return "ru"
    if latin > letters * 0.6:
        return "en"
    return None
