"""Compression bombs against `khronika watch`, as a real process.

A local HTTP server serves 1 GB bombs — gzip, gzip inside gzip
(`Content-Encoding: gzip, gzip`) and brotli — built once per session from
zeros (about 1 MB, 2 KB and 2 KB on the wire), next to a normal page. The
watch must name each bomb's URL in one error and still store the normal page
(the poll of which a brotli bomb used to starve). Memory is measured in
bench/bombs.py, not here; here the decoder's own peak is checked in-process.
"""
from __future__ import annotations

import gzip
import resource
import sqlite3
import subprocess
import sys
import threading
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from khronika.sources.decoding import BodyDecoder, TooLarge

ROOT = Path(__file__).resolve().parent.parent
GB, MB = 2**30, 2**20
ARTICLE = ("Вчера полиция в Алматы задержала Тимура Ахмедова. Суд постановил депортировать его в Россию. "
           "Адвокат обжалует решение.")


def gzip_of_zeros(size: int) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = bytes(MB)
    return b"".join([compressor.compress(block) for _ in range(size // MB)] + [compressor.flush()])


def brotli_of_zeros(size: int) -> bytes:
    brotli = pytest.importorskip("brotli")
    compressor = brotli.Compressor(quality=5)
    block = bytes(MB)
    return b"".join([compressor.process(block) for _ in range(size // MB)] + [compressor.finish()])


@pytest.fixture(scope="session")
def bombs(tmp_path_factory) -> dict[str, tuple[str, bytes]]:
    """path -> (Content-Encoding, body); the blobs are kept in a tmp dir for the session."""
    folder = tmp_path_factory.mktemp("bombs")
    inner = gzip_of_zeros(GB)
    blobs = {"/bomb-gzip": ("gzip", inner), "/bomb-gzip-gzip": ("gzip, gzip", gzip.compress(inner, 9)),
             "/bomb-br": ("br", brotli_of_zeros(GB))}
    for path, (_, body) in blobs.items():
        (folder / path.strip("/")).write_bytes(body)
    return blobs


def handler(bombs):
    page = (f"<html><head><meta charset='utf-8'><title>Новости</title></head><body><article><p>{ARTICLE}</p>"
            f"</article></body></html>").encode()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def do_GET(self):
            if self.path in bombs:
                encoding, body = bombs[self.path]
                return self._send(200, body, {"Content-Encoding": encoding})
            if self.path == "/news.html":
                return self._send(200, page, {})
            return self._send(404, b"", {})

        def _send(self, status, body, headers):
            self.send_response(status)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            try:
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass

    return Handler


@pytest.fixture()
def server(bombs):
    class Server(ThreadingHTTPServer):
        daemon_threads = True

        def handle_error(self, request, client_address):
            pass                     # the watch hangs up on a bomb half-way: expected

    httpd = Server(("127.0.0.1", 0), handler(bombs))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=10)


def environment():
    import os
    env = {k: v for k, v in os.environ.items() if not k.startswith("KHRONIKA_")}
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def khronika(*args, cwd, timeout=240):
    # subprocess.run kills the child if the timeout passes: nothing is left running.
    return subprocess.run([sys.executable, "-m", "khronika", *args], cwd=cwd, env=environment(),
                          capture_output=True, text=True, timeout=timeout)


def test_watch_names_each_bomb_in_one_error_and_still_stores_the_normal_page(server, bombs, tmp_path):
    urls = [server + path for path in bombs] + [server + "/news.html"]
    assert khronika("init", "--db", "k.db", cwd=tmp_path).returncode == 0      # `sources` needs a store
    for url in urls:
        r = khronika("sources", "add", url, "--kind", "page", "--every", "300s", "--local", "--db", "k.db",
                     cwd=tmp_path)
        assert r.returncode == 0, r.stderr
    r = khronika("watch", "--db", "k.db", "--for", "20", "--no-deliver", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    errors = [line for line in r.stderr.splitlines() if " ERROR " in line]
    for path in bombs:
        named = [line for line in errors if f"{server}{path}:" in line]
        assert len(named) == 1, (path, errors)
        assert "decompressed response larger than 10 MB" in named[0]
    assert not any(f"{server}/news.html" in line for line in errors), errors
    with sqlite3.connect(tmp_path / "k.db") as db:
        stored = [row[0] for row in db.execute("select url from documents")]
    assert len(stored) == 1 and stored[0].startswith(f"{server}/news.html"), stored


@pytest.mark.parametrize("path", ["/bomb-gzip", "/bomb-gzip-gzip", "/bomb-br"])
def test_the_decoder_stops_a_1_gb_bomb_at_the_cap_in_bounded_memory(bombs, path):
    encoding, body = bombs[path]
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    decoder = BodyDecoder(encoding, 10 * MB)
    produced = 0
    with pytest.raises(TooLarge):
        for start in range(0, len(body), 64 * 1024):
            for piece in decoder.feed(body[start:start + 64 * 1024]):
                assert len(piece) <= 256 * 1024      # brotli may overshoot its output limit a little
                produced += len(piece)
    assert produced <= 10 * MB
    # The peak of this process grew by far less than the bomb (ru_maxrss is in KiB).
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 200 * 1024


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "deflate-raw", "br", "gzip, br", "identity"])
def test_the_decoder_gives_back_what_was_encoded(encoding):
    import os
    data = os.urandom(200_000) + "Алматы".encode() * 50_000
    if encoding == "gzip":
        body = gzip.compress(data)
    elif encoding == "deflate":
        body = zlib.compress(data)
    elif encoding == "deflate-raw":
        encoding, body = "deflate", zlib.compress(data)[2:-4]
    elif encoding in ("br", "gzip, br"):
        brotli = pytest.importorskip("brotli")
        body = brotli.compress(gzip.compress(data) if encoding == "gzip, br" else data)
    else:
        body = data
    decoder = BodyDecoder(encoding, 10 * MB)
    out = b"".join(piece for start in range(0, len(body), 4096) for piece in decoder.feed(body[start:start + 4096]))
    assert out + b"".join(decoder.finish()) == data
