"""Russian extraction, stage 1: tokens and sentences.

Takes the text of a document; gives the Natasha document (its NER spans are
read by ru_persons) and the sentences (`Sent`) as the rules see them: tokens
(`Tok`) with lemma, part of speech and morphological features, the paragraph
of each sentence and, filled by later stages, the person mentions in it
(`Mention`). Natasha's models are loaded once per process (`models`). Also
the small token helpers the later stages share (`clause_bounds`).
"""
from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass, field

from .ru_lexicon import CLAUSE_WORDS
from .ru_names import fold

OPEN_QUOTES = "«“„\"'"
CLOSE_QUOTES = "»”“\"'"
CASE_OF_FEAT = {"Nom": "nomn", "Gen": "gent", "Dat": "datv", "Acc": "accs", "Ins": "ablt", "Loc": "loct"}


# --- models, loaded once per process ---------------------------------------------

@functools.lru_cache(maxsize=1)
def models():
    from natasha import MorphVocab, NewsEmbedding, NewsMorphTagger, NewsNERTagger, Segmenter
    embedding = NewsEmbedding()
    return Segmenter(), MorphVocab(), NewsMorphTagger(embedding), NewsNERTagger(embedding)


@functools.lru_cache(maxsize=200_000)
def _lemma(word: str, pos: str, feats_key: tuple) -> str:
    _, vocab, _, _ = models()
    if pos in ("PUNCT", "SYM", "X") or not word[:1].isalpha():
        return word.lower()
    if "-" in word and word.rsplit("-", 1)[1].isdigit():
        return fold(word.rsplit("-", 1)[0])      # "СИЗО-1", "ИК-6": the kind of place
    return fold(vocab.lemmatize(word, pos, dict(feats_key)))


# --- the document as the rules see it --------------------------------------------

@dataclass
class Tok:
    text: str
    lemma: str
    pos: str
    feats: dict
    start: int
    end: int

    @property
    def low(self) -> str:
        return self.text.lower()


@dataclass
class Sent:
    index: int
    paragraph: int
    start: int
    end: int
    text: str
    toks: list[Tok]
    mentions: list[Mention] = field(default_factory=list)
    asks: bool = False              # an interviewer's question: it reports nothing itself
    confirms: int | None = None     # "— Да, 6 ноября.": the index of the question it says yes to


@dataclass
class Mention:
    """A person reference inside a sentence: a name or a pronoun."""
    i: int                      # first token index
    j: int                      # last token index + 1
    persons: tuple[str, ...]    # local person ids (several for "их", "они")
    cases: frozenset
    is_pronoun: bool = False
    chain: int | None = None    # id of the coordinated list it belongs to
    source: bool = False        # "по словам Рзаева": who reports, not whom it happens to


def _segment(text: str):
    """Natasha tokens and sentences, with a sentence break at every line break
    (headlines and captions carry no final period)."""
    from natasha import Doc
    from natasha.doc import DocSent, DocToken
    segmenter, _, morph_tagger, ner_tagger = models()
    doc = Doc(text)
    doc.tokens = [DocToken(t.start, t.stop, t.text) for t in segmenter.tokenize(text)]
    sents = []
    offset = 0
    for line in text.split("\n"):
        if line.strip():
            for s in segmenter.sentenize(line):
                sents.append(DocSent(offset + s.start, offset + s.stop, s.text))
        offset += len(line) + 1
    doc.sents = sents
    doc.envelop_sent_tokens()
    doc.tag_morph(morph_tagger)
    doc.tag_ner(ner_tagger)
    return doc


def _paragraph_index(text: str) -> list[int]:
    """Start offsets of paragraphs (blank-line separated)."""
    starts = [0]
    for m in re.finditer(r"\n\s*\n", text):
        starts.append(m.end())
    return starts


def sentences(text: str):
    """The Natasha document of `text` and its sentences as the rules see them.
    (Places come from the gazetteer, `places.refs_by_sentence`, not from NER.)"""
    doc = _segment(text)
    para_starts = _paragraph_index(text)
    sents: list[Sent] = []
    for n, ds in enumerate(doc.sents):
        toks = []
        for t in ds.tokens:
            feats = t.feats or {}
            toks.append(Tok(t.text, _lemma(t.text, t.pos, tuple(sorted(feats.items()))), t.pos, feats,
                            t.start, t.stop))
        paragraph = bisect.bisect_right(para_starts, ds.start) - 1
        sents.append(Sent(n, paragraph, ds.start, ds.stop, ds.text, toks))
    return doc, sents


# --- small shared helpers --------------------------------------------------------

def clause_bounds(toks: list[Tok], k: int) -> tuple[int, int]:
    """The clause around token k: up to a semicolon, a dash, or a subordinating word."""
    def is_boundary(n: int) -> bool:
        t = toks[n]
        if t.text in (";", "—", "–", "(", ")"):
            return True
        if t.lemma in CLAUSE_WORDS and t.pos in ("SCONJ", "CCONJ", "PRON", "ADV", "ADP"):
            return True
        return False
    lo = k
    while lo > 0 and not is_boundary(lo - 1):
        lo -= 1
    hi = k
    while hi < len(toks) - 1 and not is_boundary(hi + 1):
        hi += 1
    return lo, hi + 1
