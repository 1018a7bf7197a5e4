"""Build khronika/nlp/data/first_names.tsv: every first name pymorphy's Russian
dictionary knows (≈13k, Russian and foreign), with its gender.

The English extractor recognises a capitalised pair as a person when its first
word is one of these names, in any common romanization. Run once when the
dictionary changes (it walks all 5M word forms: ~45 s):

    python scripts/build_first_names.py
"""
from pathlib import Path

import pymorphy3

OUT = Path(__file__).resolve().parent.parent / "khronika" / "nlp" / "data" / "first_names.tsv"


def main() -> None:
    morph = pymorphy3.MorphAnalyzer()
    names: dict[str, set[str]] = {}
    for _word, tag, normal_form, _para, index in morph.dictionary.iter_known_words():
        if index == 0 and "Name" in tag and "sing" in tag and "nomn" in tag:
            names.setdefault(normal_form, set()).add("f" if "femn" in tag else "m")
    lines = [f"{name}\t{''.join(sorted(genders))}" for name, genders in sorted(names.items())]
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(lines)} names -> {OUT}")


if __name__ == "__main__":
    main()
