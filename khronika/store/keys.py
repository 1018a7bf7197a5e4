"""The lookup key of a name: what `aliases.alias_key` holds."""
from __future__ import annotations

import unicodedata


def alias_key(name: str) -> str:
    """Lowercase, ё folded to е, whitespace collapsed.

    "Семён  Кочкин" -> "семен кочкин".

    Russian texts write ё and е interchangeably, and case carries no identity.
    """
    folded = unicodedata.normalize("NFC", name).lower().replace("ё", "е")
    return " ".join(folded.split())
