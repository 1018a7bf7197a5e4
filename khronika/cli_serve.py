"""`khronika serve`: the web app under uvicorn, announcing where it listens.
Imported by cli.py only when `serve` runs (uvicorn is not light)."""
from __future__ import annotations

import inspect
import ipaddress
import os
import sys

import uvicorn
from uvicorn.supervisors import Multiprocess

EXIT_OK, EXIT_NOT_STARTED = 0, 1


def serve_url(host: str, port: int) -> str:
    """The address to open: http://HOST:PORT/ (an IPv6 address in brackets)."""
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


def cmd_serve(args) -> int:
    try:
        public = not ipaddress.ip_address(args.host).is_loopback
    except ValueError:
        public = args.host not in ("localhost",)
    if public:
        print(f"khronika: listening on {args.host}: other machines can reach the login page; "
              "put it behind HTTPS (a reverse proxy) before anyone logs in from elsewhere", file=sys.stderr)
    # X-Forwarded-For/-Proto are believed only from the proxies named (default:
    # one on this machine); from anyone else they are ignored, so a client
    # cannot pick the address the login throttle counts it under.
    trusted = args.trusted_proxy or []
    behind_proxy = args.behind_proxy or bool(trusted)
    options = dict(host=args.host, port=args.port, log_level="warning", access_log=False,
                   proxy_headers=behind_proxy,
                   forwarded_allow_ips=",".join(trusted or ["127.0.0.1", "::1"]) if behind_proxy else None)
    if args.workers > 1:
        # Worker processes import the app themselves: hand them the settings
        # through the environment (see khronika.web.app.app_from_environment).
        from .store import resolve_url
        os.environ["KHRONIKA_DB"] = resolve_url(args.db)
        os.environ["KHRONIKA_SECURE_COOKIES"] = "1" if args.secure_cookies else ""
        config = uvicorn.Config("khronika.web.app:app_from_environment", factory=True, workers=args.workers,
                                **options)
        # Bound here, before the workers start (as uvicorn.run does): the
        # address printed is one that already accepts connections.
        sock = config.bind_socket()
        _announce(args.host, sock.getsockname()[1], args.workers)
        # uvicorn before 0.36 wants the worker's entry point too.
        extra = ({"target": uvicorn.Server(config).run}
                 if "target" in inspect.signature(Multiprocess).parameters else {})
        Multiprocess(config, sockets=[sock], **extra).run()
        return EXIT_OK
    from .web import create_app
    app = create_app(args.db, secure_cookies=True if args.secure_cookies else None)
    server = AnnouncingServer(uvicorn.Config(app, **options))
    server.run()
    # Not started: the address is taken or not ours; uvicorn has said why.
    return EXIT_OK if server.started else EXIT_NOT_STARTED


def _announce(host: str, port: int, workers: int = 1) -> None:
    # uvicorn's own start-up lines are silenced (log_level="warning"): this is
    # the one line a person needs, on stdout so that a script can read it too.
    processes = f"{workers} worker processes; " if workers > 1 else ""
    print(f"khronika: serving on {serve_url(host, port)} ({processes}Ctrl+C to stop)", flush=True)


class AnnouncingServer(uvicorn.Server):
    """Prints the URL once the socket listens (the real port when --port 0)."""

    async def startup(self, sockets=None) -> None:
        await super().startup(sockets=sockets)
        if self.started and self.servers and self.servers[0].sockets:
            _announce(self.config.host, self.servers[0].sockets[0].getsockname()[1])
