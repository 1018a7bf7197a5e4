"""Per-language extraction. `extract_document` is a pure function of the
document: it runs the same in a process pool, on a worker, or in a test."""
from __future__ import annotations

from ..model import Document, DocumentExtraction

ANALYSED_LANGUAGES = ("ru",)


def extract_document(document: Document) -> DocumentExtraction:
    language = document.language or "ru"
    if language == "ru":
        from . import ru
        return ru.extract(document)
    return DocumentExtraction(document=document, persons=[], events=[], analysed=False,
                              note=f"not analysed: language {language}")


def warm_up() -> None:
    """Load the models now (once per process) rather than on the first document."""
    from . import ru
    ru.models()
