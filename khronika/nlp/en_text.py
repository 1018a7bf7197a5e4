"""English text into sentences and tokens, and the mention record the later stages share."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

_TOKEN = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*|\d+(?:[.,:]\d+)*|[^\w\s]")
_ABBREVIATIONS = {"mr", "mrs", "ms", "dr", "st", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
                  "sept", "oct", "nov", "dec", "gen", "col", "lt", "sgt", "capt", "maj", "no", "vs", "jr", "sr",
                  "u.s", "u.n", "e.g", "i.e", "inc", "corp", "co"}


@dataclass
class Tok:
    text: str
    start: int
    end: int
    low: str = field(init=False, repr=False)     # lower case, typographic apostrophe made plain

    def __post_init__(self) -> None:
        self.low = self.text.lower().replace("’", "'")


@dataclass
class Sent:
    index: int
    paragraph: int
    start: int
    end: int
    text: str
    toks: list[Tok]
    mentions: list[Mention] = field(default_factory=list)
    places: frozenset[int] = frozenset()       # tokens inside a country's or a region's name
    unconfirmed: list[tuple[int, int]] = field(default_factory=list)   # name-like runs with no person signal


@dataclass
class Mention:
    i: int
    j: int
    persons: tuple[str, ...]
    case: str            # "subj", "obj", "poss" (pronouns); "any" for names
    is_pronoun: bool = False
    chain: int | None = None


def sentences(text: str) -> list[Sent]:
    sents: list[Sent] = []
    paragraph = -1
    offset = 0
    for block in re.split(r"(\n\s*\n)", text):
        if not block.strip() or block.startswith("\n"):
            offset += len(block)
            continue
        paragraph += 1
        for line in _lines_with_offsets(block, offset):
            _split_line(line[0], line[1], paragraph, sents)
        offset += len(block)
    return sents


def _lines_with_offsets(block: str, offset: int):
    pos = 0
    for line in block.split("\n"):
        if line.strip():
            yield line, offset + pos
        pos += len(line) + 1


def _split_line(line: str, offset: int, paragraph: int, out: list[Sent]) -> None:
    toks = [Tok(m.group(), offset + m.start(), offset + m.end()) for m in _TOKEN.finditer(line)]
    start = 0
    for k, t in enumerate(toks):
        if t.text not in (".", "!", "?"):
            continue
        prev = toks[k - 1].low if k else ""
        nxt = toks[k + 1] if k + 1 < len(toks) else None
        if t.text == "." and (prev in _ABBREVIATIONS or (len(prev) == 1 and prev.isalpha())):
            continue          # "Sept. 26", "A. Smith"
        if nxt is not None and not (nxt.text[:1].isupper() or nxt.text[:1] in "\"“«(" or nxt.text[:1].isdigit()):
            continue
        _add_sentence(toks[start:k + 1], paragraph, out, line, offset)
        start = k + 1
    if start < len(toks):
        _add_sentence(toks[start:], paragraph, out, line, offset)


def _add_sentence(toks: list[Tok], paragraph: int, out: list[Sent], line: str, offset: int) -> None:
    if not toks:
        return
    s, e = toks[0].start, toks[-1].end
    # Closing quotes after the period belong to the sentence.
    out.append(Sent(len(out), paragraph, s, e, line[s - offset:e - offset], toks))
