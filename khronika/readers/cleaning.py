"""Clean text: whitespace, invisible characters, scraping debris, over-long paragraphs.

`clean_text` removes the scraping debris that would otherwise be read as facts
(pull-quote duplicates, "read also" headlines, share buttons) and splits
paragraphs too long for the extractor: a 20 MB file without a line break would
be one sentence, and sentence analysis is not linear in sentence length.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from functools import lru_cache

from ..morph import analyzer


def unify_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def clean_text(text: str) -> tuple[str, list[str]]:
    """Normalise whitespace and remove scraping debris.

    Returns the cleaned text (paragraphs separated by one blank line) and the
    removed paragraphs, in text order. Removes only paragraphs that are clearly
    not the article: share/subscribe/photo-credit lines, repeated paragraphs,
    pull quotes or garbled lines that repeat part of another paragraph, and a
    trailing block of unrelated headlines. Never removes every paragraph.
    """
    paragraphs = [piece for paragraph in _paragraphs(_normalize_whitespace(text))
                  for piece in split_long_paragraph(paragraph)]
    doomed: set[int] = set()
    doomed |= {i for i, paragraph in enumerate(paragraphs) if _is_boilerplate(paragraph)}
    doomed |= _repeated_paragraphs(paragraphs, doomed)
    doomed |= _trailing_headlines(paragraphs, doomed)
    if len(doomed) == len(paragraphs):
        doomed = set()
    kept = [p for i, p in enumerate(paragraphs) if i not in doomed]
    removed = [p for i, p in enumerate(paragraphs) if i in doomed]
    return "\n\n".join(kept), removed


# Runs of spaces and tabs; a single no-break space is the text's own character.
_HORIZONTAL_SPACE = re.compile(r"\t|[^\S\n]{2,}")
_BLANK_LINES = re.compile(r"\n{2,}")


def _normalize_whitespace(text: str) -> str:
    # NFC: a "й" typed as и + combining breve would not match the dictionaries.
    text = unicodedata.normalize("NFC", unify_newlines(text))
    text = text.replace("\u2029", "\n\n").replace("\u2028", "\n")
    # Format characters (zero-width spaces, soft hyphens, direction marks) and
    # control characters are invisible and break words apart; lone surrogates
    # (JSON allows them) cannot even be stored.
    invisible = {
        char for char in set(text)
        if char not in "\n\t" and unicodedata.category(char) in ("Cc", "Cf", "Cs")
    }
    text = text.translate(dict.fromkeys(map(ord, invisible)))
    lines = [_HORIZONTAL_SPACE.sub(" ", line).strip() for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def _paragraphs(text: str) -> list[str]:
    """Blocks between blank lines; a text without blank lines has one paragraph per line."""
    if not text:
        return []
    separator = "\n\n" if "\n\n" in text else "\n"
    return [block for block in text.split(separator) if block]


# Longer paragraphs are split, at the last sentence end before this length, else
# at the last space, else anywhere: the extractor's sentence analysis grows
# faster than linearly with sentence length, and no news paragraph is this long.
MAX_PARAGRAPH_CHARS = 4000


def split_long_paragraph(paragraph: str, limit: int = MAX_PARAGRAPH_CHARS) -> list[str]:
    """`paragraph` in pieces of at most `limit` characters; in time linear in its length."""
    return split_text(paragraph, limit, prefer_breaks=False)


def split_text(text: str, limit: int, prefer_breaks: bool = True) -> list[str]:
    """`text` in pieces of at most `limit` characters, cut at the last paragraph
    break (with `prefer_breaks`), else sentence end, else space before the limit;
    anywhere when there is none in the last three quarters. Linear in its length."""
    if len(text) <= limit:
        return [text]
    pieces = []
    start = 0
    while len(text) - start > limit:
        window = text[start:start + limit]
        cut = _cut_point(window, limit, prefer_breaks)
        pieces.append(window[:cut].strip())
        start += cut
    pieces.append(text[start:].strip())
    return [piece for piece in pieces if piece]


def _cut_point(window: str, limit: int, prefer_breaks: bool) -> int:
    least = limit // 4
    if prefer_breaks:
        for separator in ("\n\n", "\n"):
            if (found := window.rfind(separator)) >= least:
                return found + len(separator)
    cut = 0
    for match in _SENTENCE_END.finditer(window, least):
        cut = match.end()
    if cut >= least:
        return cut
    if (found := window.rfind(" ")) >= least:
        return found + 1
    return limit


# A paragraph that is nothing but one of these is page furniture, not article.
_BOILERPLATE = re.compile(
    r"""(?:
        (?:читайте|смотрите)\s+(?:также|ещё|еще)\b.*
      | (?:read|see)\s+(?:also|more)\b.*
      | related(?:\s+(?:articles|stories|news))?\s*:?
      | (?:подписывайтесь|подпишитесь|подписаться)\s+на\s+(?:наш\w*|нас|канал|рассылку|telegram|телеграм)\b.*
      | (?:subscribe\s+to\s+(?:our|the)|follow\s+us)\b.*
      | (?:поделиться|поделитесь|share(?:\s+this(?:\s+(?:article|story|post))?)?)\s*(?::.*)?
      | (?:скопировать|copy)\s+(?:ссылку|link)
      | (?:фото|фотография|видео|иллюстрация|источник\s+фото|photo|image|video|credit)\s*:\s.*
      | реклама | advertisement
    )""",
    re.IGNORECASE | re.VERBOSE,
)
_COOKIE_WORD = re.compile(r"\bcookies?\b|\bкуки\b", re.IGNORECASE)
# Words of the banner addressing the reader ("мы используем", "вы соглашаетесь"),
# which a news sentence about cookie laws does not use.
_CONSENT_WORD = re.compile(
    r"\b(?:используем|продолжая|соглашаетесь|принять|we\s+use|uses|by\s+continuing|you\s+agree|accept)\b",
    re.IGNORECASE,
)
_MAX_BOILERPLATE_CHARS = 200


def _is_boilerplate(paragraph: str) -> bool:
    if len(paragraph) > _MAX_BOILERPLATE_CHARS:
        return False
    line = paragraph.strip(" .!…")
    if _BOILERPLATE.fullmatch(line):
        return True
    return bool(_COOKIE_WORD.search(line) and _CONSENT_WORD.search(line))


_WORD = re.compile(r"\w+(?:[-'’]\w+)*")
_SENTENCE_END = re.compile(r"[.!?…]+[»“”\"')]*\s+(?=[«“\"'(]?[A-ZА-ЯЁ0-9])")

# A paragraph with these continues the text before it: a pronoun refers back to
# someone already named, a connective links to what was said.
_ANAPHORA = re.compile(
    r"""\b(?:он|она|оно|они|его|ее|её|ему|ей|им|ими|их|него|нее|неё|нему|ней|ним|них|нем|нём
        |he|she|they|him|her|his|hers|them|their|theirs)\b
      | ^(?:однако|также|кроме\s+того|при\s+этом|тем\s+не\s+менее|между\s+тем|тем\s+временем
        |позже|позднее|ранее|впоследствии|сейчас|теперь|however|meanwhile|later|earlier|also|still)\b""",
    re.IGNORECASE | re.VERBOSE,
)

# A short one-sentence paragraph is a copy of part of a longer paragraph when
# runs of at least _MIN_SHARED_RUN words shared with it cover nearly all of it
# (a pull quote, a caption), or when it ends with the last words of one of the
# longer paragraph's sentences and those cover at least half of it while the
# rest says nothing that refers back (a garbled copy of a line).
_MIN_SHARED_RUN = 4
_MIN_COPY_COVER = 0.8
_MIN_TAIL_COPY_COVER = 0.5
_MAX_COPY_CHARS = 200
# Comparing every pair of paragraphs is quadratic; a text this long is a book or
# a dump, not a scraped article, and is not searched for copies or headlines.
_MAX_PARAGRAPHS_COMPARED = 2000


def _words(text: str) -> list[str]:
    return [word.lower().replace("ё", "е") for word in _WORD.findall(text)]


def _sentences(paragraph: str) -> list[str]:
    return _SENTENCE_END.split(paragraph)


def _sentence_count(paragraph: str) -> int:
    return len(_sentences(paragraph))


def _repeated_paragraphs(paragraphs: list[str], doomed: set[int]) -> set[int]:
    """Exact repeats of an earlier paragraph, and short paragraphs copying part of a longer one."""
    repeated: set[int] = set()
    seen: set[str] = set()
    for i, paragraph in enumerate(paragraphs):
        # A repeated short line ("***", a name as a subheading) is no sign of scraping.
        if i in doomed or len(paragraph.split()) < _MIN_SHARED_RUN:
            continue
        if paragraph in seen:
            repeated.add(i)
        seen.add(paragraph)
    if len(paragraphs) > _MAX_PARAGRAPHS_COMPARED:
        return repeated
    candidates = [
        i for i, paragraph in enumerate(paragraphs)
        if i not in doomed and i not in repeated and len(paragraph) <= _MAX_COPY_CHARS
        and _sentence_count(paragraph) == 1
    ]
    if not candidates:
        return repeated
    words = [_words(p) for p in paragraphs]
    runs = [_substantive_runs(w) for w in words]
    for i in candidates:
        if runs[i] and any(j != i and len(words[j]) > len(words[i]) and runs[i] & runs[j]
                           and _is_partial_copy(words[i], paragraphs[j], runs[j]) for j in range(len(paragraphs))):
            repeated.add(i)
    return repeated


def _substantive_runs(words: list[str]) -> set[tuple[str, ...]]:
    """The word runs of length _MIN_SHARED_RUN with at least two real words ("и в то же" is not one)."""
    n = _MIN_SHARED_RUN
    runs = (tuple(words[k:k + n]) for k in range(len(words) - n + 1))
    return {run for run in runs if sum(len(word) >= 4 for word in run) >= 2}


def _is_partial_copy(short: list[str], longer_paragraph: str, longer_runs: set[tuple[str, ...]]) -> bool:
    n = _MIN_SHARED_RUN
    covered = [False] * len(short)
    for k in range(len(short) - n + 1):
        if tuple(short[k:k + n]) in longer_runs:
            covered[k:k + n] = [True] * n
    if sum(covered) >= _MIN_COPY_COVER * len(short):
        return True
    tail = max(_common_tail(short, _words(sentence)) for sentence in _sentences(longer_paragraph))
    return (tail >= max(n, _MIN_TAIL_COPY_COVER * len(short))
            and tuple(short[-n:]) in longer_runs
            and not _ANAPHORA.search(" ".join(short[:-tail])))


def _common_tail(a: list[str], b: list[str]) -> int:
    length = 0
    while length < min(len(a), len(b)) and a[-1 - length] == b[-1 - length]:
        length += 1
    return length


# Trailing "read also" headlines: at most this many are removed, each at most
# this long, and only after an article body of some size to compare them with.
_MAX_TRAILING_HEADLINES = 4
_MAX_HEADLINE_CHARS = 300
_MAX_HEADLINE_SENTENCES = 2
_MIN_BODY_PARAGRAPHS = 3
_MIN_BODY_CONTENT_WORDS = 40
_MIN_HEADLINE_CONTENT_WORDS = 4
# The body's subject: its most widespread content words (by number of paragraphs).
_TOPIC_WORDS = 5
# A paragraph sharing this many content words with the one before it continues it.
_MIN_SHARED_WITH_PREVIOUS = 2
# A headline sharing less than this share of its content words with the body is
# off-topic; a question headline ("Почему ...?") is a teaser, so a looser bound.
_MAX_OFF_TOPIC_OVERLAP = 0.25
_MAX_OFF_TOPIC_QUESTION_OVERLAP = 0.4


def _trailing_headlines(paragraphs: list[str], doomed: set[int]) -> set[int]:
    """The block of short off-topic paragraphs that ends the text, if there is one.

    Scans back from the end and stops at the first paragraph that is long,
    refers back to the text, shares its subject or continues the paragraph
    before it. When more than a few paragraphs in a row look off-topic the text
    is a digest of unrelated items, not an article with scraped headlines, and
    nothing is removed.
    """
    remaining = [i for i in range(len(paragraphs)) if i not in doomed]
    shaped = 0      # how many paragraphs at the end have a headline's shape
    for index in reversed(remaining):
        if shaped > _MAX_TRAILING_HEADLINES or not _has_headline_shape(paragraphs[index]):
            break
        shaped += 1
    if shaped == 0 or not _MIN_BODY_PARAGRAPHS < len(remaining) <= _MAX_PARAGRAPHS_COMPARED:
        return set()     # the usual case, decided without lemmatising anything
    stems = [_content_stems(paragraphs[i]) for i in remaining]
    # Number of body paragraphs each content word occurs in; the body of the
    # last paragraph is everything before it.
    body_counts = Counter(stem for paragraph_stems in stems[:-1] for stem in paragraph_stems)
    block: list[int] = []
    for position in range(len(remaining) - 1, len(remaining) - 1 - shaped, -1):
        if position < _MIN_BODY_PARAGRAPHS or not _is_off_topic(
                stems[position], body_counts, stems[position - 1], "?" in paragraphs[remaining[position]]):
            break
        block.append(remaining[position])
        body_counts -= Counter(stems[position - 1])
    if len(block) > _MAX_TRAILING_HEADLINES:
        return set()
    return set(block)


def _has_headline_shape(paragraph: str) -> bool:
    return (len(paragraph) <= _MAX_HEADLINE_CHARS
            and _sentence_count(paragraph) <= _MAX_HEADLINE_SENTENCES
            and not _ANAPHORA.search(paragraph)
            and not _reads_as_story_sentence(paragraph))


# A long statement ending in a full stop, with a verb, is the story going on
# (its last paragraph may use none of the body's words), not a scraped
# headline: headlines are short, and teasers ask questions.
_MIN_STORY_SENTENCE_WORDS = 18
_STATEMENT_END = re.compile(r"[.!…][»“”\"')]*\Z")
_VERB_POS = frozenset({"VERB", "PRTS", "GRND"})


def _reads_as_story_sentence(paragraph: str) -> bool:
    words = _WORD.findall(paragraph)
    if len(words) < _MIN_STORY_SENTENCE_WORDS or "?" in paragraph or not _STATEMENT_END.search(paragraph):
        return False
    cyrillic = [word.lower() for word in words if re.search("[а-яё]", word.lower())]
    if not cyrillic:
        return True       # English: length and a full stop suffice (no tagger loaded here)
    return any(analyzer().parse(word)[0].tag.POS in _VERB_POS for word in cyrillic)


def _is_off_topic(headline: set[str], body_counts: Counter, previous: set[str], is_question: bool) -> bool:
    if len(headline) < _MIN_HEADLINE_CONTENT_WORDS or len(body_counts) < _MIN_BODY_CONTENT_WORDS:
        return False     # too little to judge the subject by
    topic = {stem for stem, count in body_counts.most_common(_TOPIC_WORDS) if count >= 2}
    if headline & topic or len(headline & previous) >= _MIN_SHARED_WITH_PREVIOUS:
        return False
    overlap = len(headline & body_counts.keys()) / len(headline)
    return overlap < (_MAX_OFF_TOPIC_QUESTION_OVERLAP if is_question else _MAX_OFF_TOPIC_OVERLAP)


# Words that appear in nearly every Russian news text, whatever its subject: they
# say nothing about whether a headline belongs to the article.
_UBIQUITOUS_LEMMAS = frozenset({
    "россия", "российский", "россиянин", "русский", "кремль", "москва", "московский",
    "путин", "украина", "украинский", "страна", "год", "время", "день", "человек", "раз",
    "russia", "russian", "kremlin", "moscow", "putin", "ukraine", "ukrainian", "country",
    "year", "time", "people",
})
_ENGLISH_FUNCTION_WORDS = frozenset(
    ["about", "after", "again", "against", "also", "been", "before", "being", "between", "both", "could", "does", "doing", "down", "during", "each", "from", "further", "have", "having", "here", "into", "just", "more", "most", "other", "over", "same", "should", "some", "such", "than", "that", "their", "them", "then", "there", "these", "they", "this", "those", "through", "under", "until", "very", "were", "what", "when", "where", "which", "while", "will", "with", "would", "your", "says", "said"]
)
_CONTENT_POS = frozenset({"NOUN", "ADJF", "ADJS", "PRTF", "PRTS", None})
_STEM_LENGTH = 5


def _content_stems(text: str) -> set[str]:
    stems = set()
    for word in _WORD.findall(text):
        stem = _content_stem(word.lower().replace("ё", "е"))
        if stem:
            stems.add(stem)
    return stems


@lru_cache(maxsize=100_000)
def _content_stem(word: str) -> str | None:
    """A crude stem of a content word (noun, adjective, name), None for other words.

    Cyrillic words are lemmatised first, so "суда" and "суд" meet; the stem is
    the lemma's first letters, so a surname lemmatised two ways still matches.
    """
    if word.isdigit() or len(word) < 3:
        return None
    if re.search("[а-я]", word):
        parse = analyzer().parse(word)[0]
        if parse.tag.POS not in _CONTENT_POS or "Apro" in parse.tag:   # Apro: "этот", "который"
            return None
        lemma = parse.normal_form.replace("ё", "е")
    else:
        if len(word) < 4 or word in _ENGLISH_FUNCTION_WORDS:
            return None
        lemma = word
    if lemma in _UBIQUITOUS_LEMMAS or word in _UBIQUITOUS_LEMMAS:
        return None
    return lemma[:_STEM_LENGTH]


