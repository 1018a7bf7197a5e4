"""Peak memory of `khronika watch` on compression bombs vs on a normal page.

A local HTTP server serves three 1 GB bombs (gzip, gzip inside gzip, brotli;
built once from zeros, ~1 MB / 2 KB / 2 KB on the wire) and a normal page.
Two runs of `khronika watch --for SECONDS`, each in a fresh directory with
its own store: the bombs and the normal page, then the normal page alone
(the baseline). The peak RSS (VmHWM) of the watch process is sampled from
/proc while it runs. Acceptance: rss_mb <= baseline_rss_mb + 100.

    .venv/bin/python bench/bombs.py [--for SECONDS]

Last line: rss_mb=X baseline_rss_mb=Y
"""
from __future__ import annotations

import argparse
import gzip
import os
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MB, GB = 2**20, 2**30
PAGE = ("<html><head><meta charset='utf-8'><title>Новости</title></head><body><article><p>"
        "Вчера полиция в Алматы задержала Тимура Ахмедова. Суд постановил депортировать его в Россию."
        "</p></article></body></html>").encode()


def bombs() -> dict[str, tuple[str, bytes]]:
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = bytes(MB)
    inner = b"".join([compressor.compress(block) for _ in range(GB // MB)] + [compressor.flush()])
    found = {"/bomb-gzip": ("gzip", inner), "/bomb-gzip-gzip": ("gzip, gzip", gzip.compress(inner, 9))}
    try:
        import brotli
    except ImportError:
        print("brotli is not installed: no brotli bomb", file=sys.stderr)
    else:
        compressor = brotli.Compressor(quality=5)
        found["/bomb-br"] = ("br", b"".join([compressor.process(block) for _ in range(GB // MB)]
                                            + [compressor.finish()]))
    return found


def serve(blobs):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def do_GET(self):
            encoding, body = blobs.get(self.path, (None, PAGE if self.path == "/news.html" else b""))
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            if encoding:
                self.send_header("Content-Encoding", encoding)
            self.end_headers()
            try:
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass

    class Server(ThreadingHTTPServer):
        daemon_threads = True

        def handle_error(self, request, client_address):
            pass                     # the watch hangs up on a bomb half-way: expected

    server = Server(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def environment():
    env = {k: v for k, v in os.environ.items() if not k.startswith("KHRONIKA_")}
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def peak_rss_mb(urls: list[str], seconds: float) -> tuple[float, str]:
    """The watch process's VmHWM (MB) over a run of `seconds`, and its stderr."""
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run([sys.executable, "-m", "khronika", "init"], cwd=folder, env=environment(), check=True,
                       capture_output=True)
        for url in urls:
            subprocess.run([sys.executable, "-m", "khronika", "sources", "add", url, "--kind", "page",
                            "--every", "300s", "--local"], cwd=folder, env=environment(), check=True,
                           capture_output=True)
        log = Path(folder) / "watch.log"
        with open(log, "w") as stderr:
            watch = subprocess.Popen([sys.executable, "-m", "khronika", "watch", "--db", "k.db", "--for",
                                      str(seconds), "--no-deliver"], cwd=folder, env=environment(),
                                     stdout=subprocess.DEVNULL, stderr=stderr)
            peak = 0
            try:
                while watch.poll() is None:
                    try:
                        for line in Path(f"/proc/{watch.pid}/status").read_text().splitlines():
                            if line.startswith("VmHWM:"):
                                peak = max(peak, int(line.split()[1]))
                    except (OSError, ValueError):
                        pass
                    time.sleep(0.05)
            finally:
                if watch.poll() is None:
                    watch.kill()
                watch.wait(timeout=60)
        return peak / 1024, log.read_text()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--for", dest="seconds", type=float, default=15.0)
    args = parser.parse_args()
    started = time.monotonic()
    blobs = bombs()
    print(f"built {len(blobs)} bombs in {time.monotonic() - started:.1f} s: "
          + ", ".join(f"{path} {len(body) / MB:.2f} MB ({enc})" for path, (enc, body) in blobs.items()))
    server = serve(blobs)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        rss, log = peak_rss_mb([base + path for path in blobs] + [base + "/news.html"], args.seconds)
        named = {path: sum(f"{base}{path}:" in line and " ERROR " in line for line in log.splitlines())
                 for path in blobs}
        print("errors naming each bomb: " + ", ".join(f"{p}={n}" for p, n in named.items()))
        failed = [line for line in log.splitlines() if " ERROR " in line and f"{base}/news.html" in line]
        print("normal page failed" if failed else "normal page polled without error")
        baseline, _ = peak_rss_mb([base + "/news.html"], args.seconds)
    finally:
        server.shutdown()
        server.server_close()
    print(f"acceptance (rss_mb <= baseline_rss_mb + 100): {'ok' if rss <= baseline + 100 else 'FAILED'}")
    print(f"rss_mb={rss:.0f} baseline_rss_mb={baseline:.0f}")


if __name__ == "__main__":
    main()
