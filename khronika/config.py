"""khronika.toml: the sources a monitor follows, written by hand or by
`khronika sources add`.

    [[sources]]
    url = "https://example.org/rss.xml"
    kind = "feed"            # feed | page | telegram | folder (guessed when left out)
    every = "60s"            # 30s, 5m, 1h, or seconds
    local = false            # allow a private or loopback address (a local server)
    robots = true            # respect robots.txt
    name = "Example News"
"""
from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path

from .model import SOURCE_KINDS, SourceConfig

DEFAULT_CONFIG = "khronika.toml"
# A setting whose name says it is a secret (secret, password, token, api_key...).
_SECRET_SETTING = re.compile(r"^\s*[\w.-]*(secret|password|passwd|token|api_key|apikey)[\w.-]*\s*=",
                             re.IGNORECASE | re.MULTILINE)
CONFIG_ENV = "KHRONIKA_CONFIG"


class ConfigError(ValueError):
    pass


def config_path(path: str | os.PathLike | None = None) -> Path:
    return Path(path or os.environ.get(CONFIG_ENV) or DEFAULT_CONFIG)


def parse_interval(value) -> float:
    """'60s', '5m', '1h', '1.5' or a number -> seconds."""
    if isinstance(value, (int, float)):
        seconds = float(value)
    else:
        m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*", str(value))
        if not m:
            raise ConfigError(f"not an interval: {value!r} (use 30s, 5m, 1h)")
        seconds = float(m.group(1)) * {"ms": 0.001, "s": 1, "m": 60, "h": 3600, None: 1}[m.group(2)]
    if seconds <= 0:
        raise ConfigError(f"interval must be positive: {value!r}")
    return seconds


def guess_kind(url: str) -> str:
    if re.match(r"https?://t\.me/(s/)?[A-Za-z0-9_]+/?$", url):
        return "telegram"
    if "://" not in url:
        return "folder"
    if re.search(r"(\.xml|\.rss|\.atom|/feed/?|/rss/?|format=rss)(\?|$)", url, re.IGNORECASE):
        return "feed"
    return "page"


def normalise_url(url: str, kind: str) -> str:
    if kind == "telegram":
        name = re.sub(r"^https?://t\.me/(s/)?", "", url).strip("/")
        return f"https://t.me/s/{name}"
    if kind == "folder":
        return str(Path(url).expanduser().resolve())
    return url


def source_from(entry: dict) -> SourceConfig:
    if "url" not in entry:
        raise ConfigError(f"a source without url: {entry!r}")
    kind = entry.get("kind") or guess_kind(entry["url"])
    if kind not in SOURCE_KINDS:
        raise ConfigError(f"{entry['url']}: unknown kind {kind!r} (one of {', '.join(SOURCE_KINDS)})")
    return SourceConfig(url=normalise_url(entry["url"], kind), kind=kind,
                        every_s=parse_interval(entry.get("every", 60)), local=bool(entry.get("local", False)),
                        robots=bool(entry.get("robots", True)), name=entry.get("name"))


def read_config(path: str | os.PathLike | None = None) -> dict:
    """The parsed khronika.toml ({} when there is none); ConfigError naming the file if it is not TOML."""
    file = config_path(path)
    if not file.exists():
        return {}
    try:
        return tomllib.loads(file.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{file}: {exc}") from exc


def load_sources(path: str | os.PathLike | None = None) -> list[SourceConfig]:
    return [source_from(entry) for entry in read_config(path).get("sources", [])]


def toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    escaped = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def save_sources(sources: list[SourceConfig], path: str | os.PathLike | None = None) -> Path:
    """Rewrite the [[sources]] tables of khronika.toml, keeping any other settings."""
    file = config_path(path)
    other = ""
    if file.exists():
        text = file.read_text(encoding="utf-8")
        other = re.split(r"^\[\[sources\]\]", text, maxsplit=1, flags=re.MULTILINE)[0].rstrip()
    blocks = []
    for s in sources:
        fields = {"url": s.url, "kind": s.kind, "every": f"{s.every_s:g}s", "local": s.local, "robots": s.robots}
        if s.name:
            fields["name"] = s.name
        blocks.append("[[sources]]\n" + "".join(f"{k} = {toml_value(v)}\n" for k, v in fields.items()))
    text = (other + "\n\n" if other else "") + "\n".join(blocks)
    if _SECRET_SETTING.search(text):
        # Settings such as a token or password: readable by the owner only.
        descriptor = os.open(file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.fchmod(descriptor, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
    else:
        file.write_text(text, encoding="utf-8")
    return file
