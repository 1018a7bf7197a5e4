"""Duplicates among fetched items.

Exact repeats are caught by the canonical URL and the SHA-256 of the cleaned
text; near-duplicates (a syndicated copy with another headline, a reprint with
a footer) by MinHash over word 5-grams with an LSH index (datasketch), so a
copy is linked to the first one and never alerted twice.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

import numpy as np
from datasketch import MinHash, MinHashLSH

NUM_PERM = 64
THRESHOLD = 0.8
SCHEME = "affine32"      # datasketch 2's default; stored signatures must be read with the same
_WORD = re.compile(r"\w+")


def text_sha256(text: str) -> str:
    normal = " ".join(_WORD.findall(text.lower()))
    return hashlib.sha256(normal.encode()).hexdigest()


def minhash(text: str) -> MinHash:
    words = _WORD.findall(text.lower())
    shingles = {" ".join(words[k:k + 5]) for k in range(max(1, len(words) - 4))}
    m = MinHash(num_perm=NUM_PERM, scheme=SCHEME)
    m.update_batch([s.encode() for s in shingles])
    return m


def to_bytes(m: MinHash) -> bytes:
    return m.hashvalues.astype(np.uint64).tobytes()


def from_bytes(data: bytes) -> MinHash:
    return MinHash(num_perm=NUM_PERM, hashvalues=np.frombuffer(data, dtype=np.uint64), scheme=SCHEME)


@dataclass
class Verdict:
    duplicate_of: str | None      # the first copy's document id, for a near-duplicate
    exact: bool                   # an exact repeat: skip it entirely


class NearDuplicateIndex:
    """In-memory LSH over the items seen so far; rebuilt from the store at start."""

    def __init__(self) -> None:
        self._lsh = MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM)
        self._hashes: dict[str, MinHash] = {}

    def __len__(self) -> int:
        return len(self._hashes)

    def add(self, document_id: str, m: MinHash) -> None:
        if document_id not in self._hashes:
            self._lsh.insert(document_id, m)
            self._hashes[document_id] = m

    def first_copy(self, m: MinHash) -> str | None:
        """The earliest-added document this text is a near-copy of, if any."""
        candidates = [d for d in self._lsh.query(m) if self._hashes[d].jaccard(m) >= THRESHOLD]
        if not candidates:
            return None
        order = list(self._hashes)
        return min(candidates, key=order.index)
