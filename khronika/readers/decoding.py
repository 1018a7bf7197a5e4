"""Bytes to text: BOMs, declared charsets, detection, binary files, stray control bytes.

Order (as browsers do it): a Unicode BOM, then a declared charset (HTTP header,
XML declaration, HTML meta tag; for files the declaration inside them), then
strict UTF-8, then detection. Exception: bytes that are valid UTF-8 with
non-ASCII characters in them are read as UTF-8 even under a legacy single-byte
declaration, because legacy text is practically never valid UTF-8 by accident
while a page re-saved as UTF-8 often keeps its old meta tag. Detection tries
the legacy code pages Russian and English sources use first, and takes its
answer only when the text reads as words of that script; otherwise (Japanese
Shift-JIS, Hebrew windows-1255 read as Cyrillic) it takes full detection's
answer, or refuses the bytes.
"""
from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass

from charset_normalizer import from_bytes

from .errors import BINARY, Unreadable

# Unicode BOMs, longest first: the UTF-32-LE BOM starts with the UTF-16-LE one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Legacy encodings that Russian and English sources actually use. Detection over
# every code page reads short KOI8-R or CP1251 text as Shift-JIS or Big5, so
# these are tried first and the full detection is the fallback.
_LIKELY_LEGACY_ENCODINGS = [
    "cp1251", "koi8_r", "koi8_u", "cp866", "iso8859_5", "mac_cyrillic",
    "cp1252", "iso8859_15", "latin_1",
]

# Share of control, unassigned and replacement characters above which decoded
# bytes are not text. (Format characters and no-break spaces are not counted:
# Russian typography is full of them.)
_MAX_NOISE_SHARE = 0.05
_NOISE_CATEGORIES = ("Cc", "Cn", "Co", "Cs")
# Share of NUL bytes above which bytes without a BOM or a UTF-16/32 declaration
# are binary (or BOM-less UTF-16/32, which is then tried); below it a NUL is a
# stray byte, removed with the other control characters.
_MAX_NUL_SHARE = 0.01

# Control characters that are no text: C0 without tab, line feed, carriage
# return, form feed and vertical tab; DEL; C1.
STRAY_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")

# Magic numbers of binary formats that can otherwise pass for legacy-encoded text.
_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"), (b"\xff\xd8\xff", "JPEG image"), (b"GIF8", "GIF image"),
    (b"%PDF-", "PDF document"), (b"PK\x03\x04", "ZIP archive (or DOCX/XLSX/EPUB)"),
    (b"\x7fELF", "ELF executable"), (b"MZ", "Windows executable"), (b"\x1f\x8b", "gzip archive"),
    (b"BZh", "bzip2 archive"), (b"\xfd7zXZ\x00", "xz archive"), (b"7z\xbc\xaf\x27\x1c", "7-Zip archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "MS Office document"), (b"SQLite format 3\x00", "SQLite database"),
    (b"RIFF", "RIFF media file"), (b"OggS", "Ogg media file"), (b"ID3", "MP3 audio"),
    (b"\x00\x00\x00\x18ftyp", "MP4 video"), (b"\x00\x00\x00\x20ftyp", "MP4 video"),
    (b"\x00\x00\x00\x1cftyp", "MP4 video"), (b"\x1aE\xdf\xa3", "Matroska/WebM video"),
)
# "MZ" and "ID3" are short: only taken as magic when the file is not plain text.
_WEAK_MAGIC = (b"MZ", b"ID3", b"BZh", b"GIF8", b"RIFF")


@dataclass
class Decoded:
    text: str
    codec: str                 # the codec that re-encodes the text
    stray_controls: int = 0    # control characters removed (NUL, BEL, ...)


def decode_bytes(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """Decode file bytes to text; return the text and the codec that re-encodes it.

    Stray control characters are removed (see `decode_text` for how many).
    Raises Unreadable for binary data.
    """
    decoded = decode_text(data, declared)
    return decoded.text, decoded.codec


def decode_text(data: bytes, declared: str | None = None) -> Decoded:
    """Decode bytes as the module docstring says; remove stray control characters."""
    binary = binary_kind(data)
    if binary:
        raise Unreadable(f"{BINARY} ({binary})")
    text, codec = _decode(data, declared)
    text, stray = STRAY_CONTROLS.subn("", text)
    return Decoded(text, codec, stray)


def binary_kind(data: bytes) -> str | None:
    """The binary format `data` starts with, None when it has no known magic number."""
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            if magic in _WEAK_MAGIC and not _looks_binary(data[:512]):
                continue
            return kind
    return None


def _looks_binary(head: bytes) -> bool:
    controls = sum(1 for byte in head if byte < 32 and byte not in b"\t\n\r\f")
    return controls > 0.05 * max(1, len(head))


def _decode(data: bytes, declared: str | None) -> tuple[str, str]:
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return _checked_text(data[len(bom):].decode(codec)), codec
            except UnicodeDecodeError:
                raise Unreadable(BINARY) from None
    codec = _codec(declared)
    many_nuls = data.count(0) > _MAX_NUL_SHARE * len(data)
    if codec and codec.startswith(("utf-16", "utf-32")):
        if many_nuls:
            text, codec = _decode_wide(data, codec)
            return _checked_text(text), codec
        codec = None    # a page saved as UTF-8 that kept its "utf-16" meta tag (browsers ignore it too)
    if many_nuls:
        return _decode_bomless_wide(data)
    if codec and codec != "utf-8" and not _is_utf8_with_non_ascii(data):
        try:
            return _checked_text(data.decode(codec)), codec
        except (UnicodeDecodeError, Unreadable):
            pass        # a wrong declaration: detection decides
    try:
        return _checked_text(data.decode("utf-8")), "utf-8"
    except UnicodeDecodeError:
        pass
    return _detect(data)


def _is_utf8_with_non_ascii(data: bytes) -> bool:
    if data.isascii():
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


_CODEC_ALIASES = {"win-1251": "cp1251", "x-cp1251": "cp1251", "cp-1251": "cp1251", "win1251": "cp1251",
                  "x-user-defined": None, "unicode": "utf-16", "ucs-2": "utf-16", "ucs2": "utf-16"}


def _codec(declared: str | None) -> str | None:
    """The Python codec of a declared charset name, None when unknown."""
    if not declared:
        return None
    name = declared.strip().strip("\"'").lower()
    if name in _CODEC_ALIASES:
        name = _CODEC_ALIASES[name]
        if name is None:
            return None
    for candidate in (name, name.removeprefix("x-"), name.replace("_", "-")):
        try:
            return codecs.lookup(candidate).name
        except LookupError:
            continue
    return None


def _decode_wide(data: bytes, codec: str) -> tuple[str, str]:
    """UTF-16/32 declared without a BOM: the byte order from where the NULs of ASCII fall."""
    if codec in ("utf-16", "utf-32"):
        codec = _wide_byte_order(data, 2 if codec == "utf-16" else 4) or codec + "-le"
    try:
        return data.decode(codec), codec
    except UnicodeDecodeError:
        raise Unreadable(f"{BINARY} (declared {codec} but is not)") from None


def _wide_byte_order(data: bytes, width: int) -> str | None:
    head = data[:4096]
    first = sum(1 for k in range(0, len(head) - width + 1, width) if head[k] == 0)
    last = sum(1 for k in range(width - 1, len(head), width) if head[k] == 0)
    name = "utf-16" if width == 2 else "utf-32"
    if first > last:
        return f"{name}-be"
    if last > first:
        return f"{name}-le"
    return None


def _decode_bomless_wide(data: bytes) -> tuple[str, str]:
    """Many NULs and no BOM: UTF-16 or UTF-32 text, else binary."""
    for width in (4, 2):
        if len(data) % width:
            continue
        codec = _wide_byte_order(data, width)
        if codec is None:
            continue
        try:
            return _checked_text(data.decode(codec)), codec
        except (UnicodeDecodeError, Unreadable):
            continue
    raise Unreadable(BINARY)


def _checked_text(text: str) -> str:
    noise = [
        char for char in set(text)
        if char == "\ufffd" or (char not in "\n\r\t" and unicodedata.category(char) in _NOISE_CATEGORIES)
    ]
    if sum(text.count(char) for char in noise) > _MAX_NOISE_SHARE * len(text):
        raise Unreadable(BINARY)
    return text


# --- detection -----------------------------------------------------------------------

_CYRILLIC_CODECS = {"cp1251", "koi8_r", "koi8_u", "cp866", "iso8859_5", "mac_cyrillic"}
_CYRILLIC_WORD = re.compile(r"[а-яёіїєґА-ЯЁІЇЄҐ]+")
_LATIN_LETTER = re.compile(r"[^\W\d_]")
# Detection reads at most this much: a guess from the first megabyte is as good
# as one from twenty, and charset_normalizer's time grows with the input.
_DETECTION_SAMPLE = 2**20


def _detect(data: bytes) -> tuple[str, str]:
    sample = data[:_DETECTION_SAMPLE]
    likely = from_bytes(sample, cp_isolation=_LIKELY_LEGACY_ENCODINGS).best()
    if likely is not None and _reads_as_its_script(str(likely), likely.encoding):
        return _decode_whole(data, likely.encoding)
    full = from_bytes(sample).best()
    if full is None or full.encoding in _LIKELY_LEGACY_ENCODINGS and not _reads_as_its_script(
            str(full), full.encoding):
        raise Unreadable(BINARY)
    return _decode_whole(data, full.encoding)


def _decode_whole(data: bytes, codec: str) -> tuple[str, str]:
    try:
        return _checked_text(data.decode(codec)), codec
    except UnicodeDecodeError:
        # The sample decoded, the rest does not: keep what can be read.
        return _checked_text(data.decode(codec, errors="replace")), codec


def _reads_as_its_script(text: str, codec: str) -> bool:
    """Whether legacy-decoded text looks like words rather than mojibake.

    Mojibake of another script through a Cyrillic code page gives words with
    capitals inside them and runs of consonants or vowels no Slavic language
    has (Hebrew in CP1251 is all lower case а..ъ with ~15% "й"); through a Latin
    code page it gives words made mostly of accented letters.
    """
    if codec in _CYRILLIC_CODECS:
        words = _CYRILLIC_WORD.findall(text[:200_000])
        letters = sum(map(len, words))
        if letters < 20:
            return True        # too little to judge: the code page detection chose stands
        odd = sum(len(word) for word in words if _is_odd_cyrillic_word(word))
        rare = sum(word.lower().count(char) for word in words for char in "йъщ")
        # Hebrew or Greek through KOI8-R is all capitals; Russian prose is not.
        capitals = sum(len(word) for word in words if len(word) > 1 and word.isupper())
        return odd < 0.2 * letters and rare < 0.06 * letters and capitals < 0.5 * letters
    letters = _LATIN_LETTER.findall(text[:200_000])
    if len(letters) < 20:
        return True
    return sum(not char.isascii() for char in letters) < 0.3 * len(letters)


_VOWELS = set("аеёиоуыэюяіїє")


def _is_odd_cyrillic_word(word: str) -> bool:
    if any(char.isupper() for char in word[1:]) and not word.isupper():
        return True        # "пРИВЕТ" and "ЉЏ‚Ж" shapes, not "ФСБ" or "Москва"
    lower = word.lower()
    run = longest = 0
    for char in lower:
        run = run + 1 if char not in _VOWELS else 0
        longest = max(longest, run)
    return longest >= 5 or (len(lower) >= 4 and not any(char in _VOWELS for char in lower))


# --- declarations --------------------------------------------------------------------

_DECLARED_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+) | <\?xml[^>]+encoding\s*=\s*["']([\w.:-]+)""",
    re.IGNORECASE | re.VERBOSE,
)
# Where a declaration is looked for: browsers look at the first 1 KB, pages in
# the wild put long scripts before their meta tag.
_DECLARATION_SCAN_BYTES = 64 * 1024


def declared_charset(data: bytes) -> str | None:
    """The charset an HTML or XML document declares near its top (meta tag or XML
    declaration), None when it declares none. A hint for `decode_bytes`. Found in
    BOM-less UTF-16/32 too (the NULs of its ASCII are skipped)."""
    head = data[:_DECLARATION_SCAN_BYTES]
    match = _DECLARED_CHARSET.search(head)
    if match is None and b"\x00" in head[:256]:
        match = _DECLARED_CHARSET.search(head.replace(b"\x00", b""))
    return (match.group(1) or match.group(2)).decode("ascii") if match else None
