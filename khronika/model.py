"""Plain data passed between the pipeline stages.

sources -> documents -> (nlp) DocumentExtraction -> (resolve) Resolution -> store/views.
Every stage takes and returns these dataclasses; none of them holds a model,
a connection or a file handle, so they pickle across a process pool.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

# The event types of the output contract (SPEC.md), in rough life-cycle order.
EVENT_TYPES = (
    "fled", "wanted", "detained", "arrested", "charged",
    "extradition_requested", "extradition_approved", "extradition_denied", "extradited",
    "deportation_ordered", "deported", "handed_over", "transferred", "entry_refused",
    "asylum_applied", "asylum_denied", "asylum_granted", "released", "sentenced",
    "appeal_filed", "escaped", "disappeared",
)

ROLES = ("subject", "official", "lawyer", "journalist", "other")


@dataclass
class Document:
    """One readable item: a file, a JSON Lines record, a Telegram message.

    `id` is derived from the raw bytes of the item, so the same item read twice
    (even from another path) has the same id. `text` is the cleaned text the
    extractor sees; `raw` the bytes as captured (the evidence snapshot).
    """
    id: str
    path: str                      # where it was read from; "file.jsonl#3" for a record
    text: str
    sha256: str                    # of `raw`
    captured_at: str               # ISO 8601 UTC, when the bytes were read
    raw: bytes = b""
    title: str | None = None
    url: str | None = None
    source: str | None = None
    published: str | None = None   # ISO date (or datetime) as given by the source
    language: str | None = None    # ISO 639-1, detected when not given
    media_type: str = "text/plain"
    meta: dict = field(default_factory=dict)
    removed: list[str] = field(default_factory=list)   # debris lines cleaned away, for audit


@dataclass
class ReadFailure:
    """A source that could not be read: one clear line for the user."""
    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


@dataclass
class PersonMention:
    """A person as named in one document (after in-document coreference)."""
    local_id: str                  # unique within the document: "p1", "p2", ...
    name: str                      # nominative, gender-agreed: "Юлия Емельянова"
    first_name: str | None = None
    patronymic: str | None = None
    surname: str | None = None
    gender: str | None = None      # "m", "f" or None
    aliases: list[str] = field(default_factory=list)   # other nominative forms seen
    surface_forms: list[str] = field(default_factory=list)  # as written: "Емельянову"
    role: str = "other"
    attributes: dict = field(default_factory=dict)
    spans: list[tuple[int, int]] = field(default_factory=list)  # char offsets in text


@dataclass
class EventMention:
    """One event as reported by one sentence of one document."""
    person: str                    # PersonMention.local_id (in extraction) or person id (resolved)
    type: str
    evidence: str                  # the sentence
    document: str                  # Document.id
    date: str | None = None        # ISO 8601 at the text's precision, "2022/2023" for a range
    date_text: str | None = None   # the words the date came from
    # Where the act happened: the most specific place the text names for it
    # ("Алматы, Казахстан", "СИЗО Лефортово, Москва, Россия"), and its country
    # as ISO 3166-1 alpha-2. None when the text does not say: never a default.
    place: str | None = None
    country: str | None = None
    destination: str | None = None  # removals and flight: ISO code of the country sent or fled to
    charge: str | None = None       # "государственная измена (ст. 275 УК РФ)"; "(административное)" marks an offence
    term_years: float | None = None
    confidence: float = 0.5
    start: int = 0                 # evidence sentence offsets in Document.text
    end: int = 0
    trigger: str | None = None     # the word that signalled the event
    id: str = ""                   # stable: set from the fields at extraction, kept by the store

    def __post_init__(self) -> None:
        if not self.id:
            # Computed once, while `person` is still the document-local id, so a
            # re-extraction of the same document gives the same ids.
            key = f"{self.document}|{self.person}|{self.type}|{self.start}|{self.trigger or ''}"
            self.id = hashlib.sha256(key.encode()).hexdigest()[:16]


@dataclass
class DocumentExtraction:
    """Everything extracted from one document: a pure function of the document."""
    document: Document
    persons: list[PersonMention]
    events: list[EventMention]
    frame: str | None = None       # the time frame the text establishes ("2026-02")
    analysed: bool = True          # False when the language is not analysed
    note: str | None = None


@dataclass
class Person:
    """A person across documents, after resolution."""
    id: str
    name: str
    name_latin: str
    aliases: list[str] = field(default_factory=list)
    role: str = "other"
    gender: str | None = None
    attributes: dict = field(default_factory=dict)


@dataclass
class Resolution:
    persons: list[Person]
    # (document id, local person id) -> Person.id
    assignments: dict[tuple[str, str], str]


# --- following sources and alerting (issue 4) -------------------------------------

SOURCE_KINDS = ("feed", "page", "telegram", "folder")


@dataclass
class SourceConfig:
    """A followed source, as configured in khronika.toml or with `khronika sources add`."""
    url: str                       # feed/page URL, https://t.me/s/NAME, or a folder path
    kind: str                      # one of SOURCE_KINDS
    every_s: float = 60.0          # polling interval
    local: bool = False            # may resolve to private/loopback addresses (a local test server)
    robots: bool = True            # respect robots.txt
    name: str | None = None

    @property
    def id(self) -> str:
        return hashlib.sha256(f"{self.kind}|{self.url}".encode()).hexdigest()[:16]


@dataclass
class FetchedItem:
    """One new item found in a source, with its evidence snapshot."""
    source_id: str
    url: str                       # canonical URL of the item (or file path)
    final_url: str                 # after redirects
    status: int                    # HTTP status (0 for files)
    headers: dict
    raw: bytes                     # the bytes as captured
    sha256: str                    # of raw
    captured_at: str               # ISO 8601 UTC
    text: str                      # main text, cleaned
    title: str | None = None
    published: str | None = None
    language: str | None = None
    item_key: str = ""             # the source's own id: feed guid, Telegram message id, file path
    media_type: str = "text/html"


@dataclass
class Rule:
    """A watch rule: which new events alert whom, through which channel."""
    id: str
    channel: str                   # "webhook", "email" or "telegram"
    target: str                    # URL, e-mail address, or Telegram chat id
    person: str | None = None      # any name of a person, any case or script
    types: list[str] = field(default_factory=list)   # empty: every type
    place: str | None = None       # a country or place named in the event
    keyword: str | None = None     # a word in the evidence sentence
    secret: str | None = None      # HMAC key for webhooks
    name: str | None = None


@dataclass
class Alert:
    """What one delivery says: one event matched by one rule."""
    rule_id: str
    event_id: str
    person_id: str
    person: str
    person_latin: str
    type: str
    date: str | None
    place: str | None
    evidence: str
    source_url: str | None
    captured_at: str | None
    document_id: str
    # Added with payload fields v1.1; defaults keep alerts queued before them readable.
    country: str | None = None
    destination: str | None = None


def title_from_text(text: str | None, limit: int = 120) -> str | None:
    """An untitled document's title: its first non-empty line, cut at a word
    near `limit` characters. Given at ingest (Store.add_document) and shown
    for documents stored untitled before (web pages, search hits, the archive)."""
    line = next((line.strip() for line in (text or "")[:10_000].splitlines() if line.strip()), "")
    if len(line) <= limit:
        return line or None
    cut = line[:limit].rsplit(" ", 1)[0].rstrip(" ,;:—-")
    return (cut or line[:limit]) + "…"
