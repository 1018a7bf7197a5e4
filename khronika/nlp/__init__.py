"""Per-language extraction. `extract_document` is a pure function of the
document: it runs the same in a process pool, on a worker, or in a test."""
from __future__ import annotations

from ..model import Document, DocumentExtraction

ANALYSED_LANGUAGES = ("ru", "en")


def extract_document(document: Document) -> DocumentExtraction:
    language = document.language
    if language is None:
        return DocumentExtraction(document=document, persons=[], events=[], analysed=False,
                                  note="not analysed: language undetermined")
    if language == "ru":
        from . import ru
        return ru.extract(document)
    if language == "en":
        from . import en
        return en.extract(document)
    return DocumentExtraction(document=document, persons=[], events=[], analysed=False,
                              note=f"not analysed: language {language}")


def warm_up() -> None:
    """Load the models now (once per process) rather than on the first document."""
    from .. import geo
    from . import en, ru
    ru.models()
    en.first_names()
    geo.warm_up()
