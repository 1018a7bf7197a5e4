"""The one pymorphy3 analyzer of a process.

Its dictionaries take ~0.3 s and ~15 MB to load; extraction (names),
document cleaning, search queries and place names all ask it, so they share
this instance instead of loading one each. Loaded on first use.
"""
from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=1)
def analyzer():
    import pymorphy3
    return pymorphy3.MorphAnalyzer()
