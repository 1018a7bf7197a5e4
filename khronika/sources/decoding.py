"""Undoing Content-Encoding with a cap on what comes out, not on what goes in.

A hostile server can send 1 MB that inflates to 1 GB (a "compression bomb"),
and nest it (`Content-Encoding: gzip, gzip`) so that every layer multiplies.
`BodyDecoder` undoes every layer incrementally: each step of each layer
produces at most `STEP` bytes, and the total any layer produces is capped,
so memory stays near `limit` whatever the ratio, and the CPU work per call
is bounded (the caller yields to the event loop between calls).

Supported: gzip (x-gzip, several members), deflate (zlib or raw), br
(brotli or brotlicffi, when installed), zstd (zstandard, when installed),
identity. An unknown coding is passed through as it is, as httpx does.
"""
from __future__ import annotations

import zlib
from collections.abc import Iterator

try:                                    # pragma: no cover - whichever is installed
    import brotli as _brotli
except ImportError:                     # pragma: no cover
    try:
        import brotlicffi as _brotli
    except ImportError:
        _brotli = None

try:                                    # pragma: no cover
    import zstandard as _zstd
except ImportError:                     # pragma: no cover
    _zstd = None

STEP = 64 * 1024               # bytes of output per decompression call
MAX_LAYERS = 4                 # "gzip, gzip, gzip, gzip" is already absurd
_SLICE = 256                   # input bytes per call where a library has no output limit


class DecodeError(Exception):
    """The body is not what its Content-Encoding says."""


class TooLarge(Exception):
    """Decoding produced more than the limit."""


def accept_encoding() -> str:
    """The Accept-Encoding value for what this module can undo."""
    return ", ".join(["gzip", "deflate"] + (["br"] if _brotli else []) + (["zstd"] if _zstd else []))


class _Zlib:
    def __init__(self, wbits: int, *, fallback_raw: bool = False, members: bool = False):
        self.wbits = wbits
        self.fallback_raw = fallback_raw     # deflate: some servers send raw deflate without the zlib header
        self.members = members               # gzip: concatenated members
        self.obj = zlib.decompressobj(wbits)
        self.started = False

    def pieces(self, data: bytes) -> Iterator[bytes]:
        while True:
            try:
                out = self.obj.decompress(data, STEP)
            except zlib.error as error:
                if self.fallback_raw and not self.started:
                    self.fallback_raw = False
                    self.obj = zlib.decompressobj(-zlib.MAX_WBITS)
                    continue
                raise DecodeError(str(error)) from None
            self.started = True
            data = self.obj.unconsumed_tail
            if self.obj.eof and self.obj.unused_data:
                rest = self.obj.unused_data
                if not self.members:
                    data = b""                # trailing bytes after a deflate stream: ignored
                else:
                    self.obj = zlib.decompressobj(self.wbits)
                    data = rest + data
            if out:
                yield out
            if not data and len(out) < STEP:
                return

    def finish(self) -> Iterator[bytes]:
        while not self.obj.eof:
            out = self.obj.decompress(b"", STEP)
            if not out:
                return
            yield out


class _Brotli:
    def __init__(self):
        self.obj = _brotli.Decompressor()
        # brotli >= 1.2 can stop at an output limit and keep the rest of the input.
        self.limited = hasattr(self.obj, "can_accept_more_data")

    def pieces(self, data: bytes) -> Iterator[bytes]:
        try:
            if self.limited:
                out = self.obj.process(data, output_buffer_limit=STEP)
                while True:
                    if out:
                        yield out
                    if self.obj.can_accept_more_data():
                        return
                    out = self.obj.process(b"", output_buffer_limit=STEP)
            else:
                process = getattr(self.obj, "process", None) or self.obj.decompress
                for start in range(0, len(data), _SLICE):
                    out = process(data[start:start + _SLICE])
                    for offset in range(0, len(out), STEP):
                        yield out[offset:offset + STEP]
        except _brotli.error as error:
            raise DecodeError(f"brotli: {error}") from None

    def finish(self) -> Iterator[bytes]:
        # Output can be held back until asked for with empty input.
        while self.limited and not self.obj.is_finished():
            try:
                out = self.obj.process(b"", output_buffer_limit=STEP)
            except _brotli.error as error:
                raise DecodeError(f"brotli: {error}") from None
            if not out:
                return
            yield out


class _Zstd:
    def __init__(self):
        self.obj = _zstd.ZstdDecompressor().decompressobj()

    def pieces(self, data: bytes) -> Iterator[bytes]:
        # No output limit in the API: small input slices (a zstd block
        # holds at most 128 KiB, so a slice cannot expand without bound).
        try:
            for start in range(0, len(data), _SLICE // 4):
                out = self.obj.decompress(data[start:start + _SLICE // 4])
                for offset in range(0, len(out), STEP):
                    yield out[offset:offset + STEP]
        except _zstd.ZstdError as error:
            raise DecodeError(f"zstd: {error}") from None

    def finish(self) -> Iterator[bytes]:
        return iter(())


def _layer(coding: str):
    if coding in ("gzip", "x-gzip"):
        return _Zlib(16 + zlib.MAX_WBITS, members=True)
    if coding == "deflate":
        return _Zlib(zlib.MAX_WBITS, fallback_raw=True)
    if coding == "br" and _brotli is not None:
        return _Brotli()
    if coding == "zstd" and _zstd is not None:
        return _Zstd()
    if coding in ("br", "zstd"):
        raise DecodeError(f"Content-Encoding {coding} is not supported here")
    return None                         # identity, or unknown: as it is


class BodyDecoder:
    """Feed raw body chunks; get decoded pieces of at most STEP bytes.

    Raises TooLarge as soon as the decoded body, or any intermediate layer,
    passes `limit` bytes, and DecodeError for a corrupt body.
    """

    def __init__(self, content_encoding: str | None, limit: int):
        codings = [c.strip().lower() for c in (content_encoding or "").split(",") if c.strip()]
        if len(codings) > MAX_LAYERS:
            raise DecodeError(f"{len(codings)} layers of Content-Encoding (at most {MAX_LAYERS})")
        # Codings are listed in the order applied: undo the last one first.
        self.layers = [layer for layer in (_layer(c) for c in reversed(codings)) if layer is not None]
        self.limit = limit
        self.produced = [0] * (len(self.layers) + 1)

    def feed(self, data: bytes) -> Iterator[bytes]:
        if not self.layers:
            self._add(0, len(data))
        if data:
            yield from self._push(0, data)

    def finish(self) -> Iterator[bytes]:
        for index, layer in enumerate(self.layers):
            for piece in layer.finish():
                self._add(index + 1, len(piece))
                yield from self._push(index + 1, piece)

    def _push(self, index: int, data: bytes) -> Iterator[bytes]:
        if index == len(self.layers):
            yield data
            return
        for piece in self.layers[index].pieces(data):
            self._add(index + 1, len(piece))
            yield from self._push(index + 1, piece)

    def _add(self, index: int, size: int) -> None:
        self.produced[index] += size
        if self.produced[index] > self.limit:
            raise TooLarge()
