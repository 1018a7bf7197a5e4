"""Romanization of Russian names, so that English reports can join later.

A practical scheme close to what English-language media use for Russian names
(BGN/PCGN without diacritics): Юлия Емельянова -> Yuliya Emelyanova,
Семён -> Semyon, Жилин -> Zhilin, Муртазов -> Murtazov.
"""
from __future__ import annotations

_TABLE = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo", "ж": "zh", "з": "z",
    "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya",
    "і": "i", "ї": "yi", "є": "ye", "ґ": "g",
}
_VOWELS = set("аеёиоуыэюяьъ")


def romanize(text: str) -> str:
    out = []
    prev = ""
    for ch in text:
        low = ch.lower()
        if low in _TABLE:
            latin = _TABLE[low]
            # "ий"/"ый" at the end of a word: Юрий -> Yuri, Навальный -> Navalny
            if low == "й" and prev in ("и", "ы"):
                latin = ""
            # е after a vowel or at a word start keeps its sound in names: Евгения stays Evgeniya,
            # but ъе/ье -> ye (Ильясов is fine; Афанасьев -> Afanasyev)
            if low == "е" and prev in ("ь", "ъ"):
                latin = "ye"
            if ch.isupper():
                latin = latin[:1].upper() + latin[1:]
            out.append(latin)
        else:
            out.append(ch)
        prev = low
    result = "".join(out)
    # "Yuri", "Navalny": a final -iy/-yy was shortened above; tidy double letters it leaves.
    return result
