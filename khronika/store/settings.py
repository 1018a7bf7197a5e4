"""Sources, rules and alert channels as settings kept in the database, shared
by every machine that watches and by the web app; khronika.toml stays as an
import/export format.

The tables are `sources` (settings plus the watcher's poll state) and `rules`
(criteria, channel, target and the webhook secret), both from revision 0002.
A webhook secret is stored as the rules table always kept it; it is never
printed, shown on a page, returned by the API or written to an export.
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

from khronika.config import (
    ConfigError,
    config_path,
    guess_kind,
    load_sources,
    normalise_url,
    parse_interval,
    read_config,
    save_sources,
    source_from,
    toml_value,
)
from khronika.model import EVENT_TYPES, Rule, SourceConfig

CHANNELS = ("webhook", "email", "telegram")


# ------------------------------------------------------------------ sources

def make_source(url: str, *, kind: str | None = None, every="60s", local: bool = False,
                robots: bool = True, name: str | None = None) -> SourceConfig:
    """A checked SourceConfig (raises ConfigError)."""
    return source_from({"url": url, "kind": kind or guess_kind(url), "every": every, "local": local,
                        "robots": robots, "name": name or None})


def add_source(store, source: SourceConfig) -> SourceConfig:
    store.upsert_source(source)
    return source


def list_sources(store) -> list[SourceConfig]:
    return store.sources()


def remove_source(store, id_or_url: str) -> bool:
    if store.remove_source(id_or_url):
        return True
    # The URL as typed may differ from the stored, normalised one (t.me/NAME, a relative folder).
    try:
        kind = guess_kind(id_or_url)
        return store.remove_source(normalise_url(id_or_url, kind))
    except (OSError, ValueError):
        return False


# ------------------------------------------------------------------ rules

def make_rule(*, channel: str, target: str, person: str | None = None, types=(), place: str | None = None,
              keyword: str | None = None, secret: str | None = None, name: str | None = None) -> Rule:
    """A checked Rule whose id is derived from its criteria and channel (raises ConfigError)."""
    if channel not in CHANNELS:
        raise ConfigError(f"unknown channel {channel!r} (one of {', '.join(CHANNELS)})")
    if not (target or "").strip():
        raise ConfigError("a rule needs a target (URL, address or chat id)")
    types = [t for group in types or [] for t in str(group).split(",") if t.strip()]
    types = [t.strip() for t in types]
    unknown = [t for t in types if t not in EVENT_TYPES]
    if unknown:
        raise ConfigError(f"unknown event type(s): {', '.join(unknown)}")
    person, place, keyword = (v.strip() or None if isinstance(v, str) else v for v in (person, place, keyword))
    key = f"{channel}|{target}|{person}|{sorted(types)}|{place}|{keyword}"
    return Rule(id="r-" + hashlib.sha256(key.encode()).hexdigest()[:10], channel=channel, target=target.strip(),
                person=person, types=types, place=place, keyword=keyword, secret=secret or None,
                name=name or None)


def add_rule(store, rule: Rule) -> Rule:
    store.add_rule(rule)
    return rule


def list_rules(store) -> list[Rule]:
    return store.rules()


def remove_rule(store, rule_id: str) -> bool:
    return store.remove_rule(rule_id)


def rule_summary(rule: Rule) -> str:
    """The rule's criteria in one line, without its secret."""
    what = ", ".join(f"{k}={v}" for k, v in (("person", rule.person), ("types", ",".join(rule.types)),
                                              ("place", rule.place), ("keyword", rule.keyword)) if v)
    return what or "every event"


# ------------------------------------------------------------------ khronika.toml <-> database

def load_rules(path: str | os.PathLike | None = None) -> list[Rule]:
    """The [[rules]] of a khronika.toml. A webhook secret comes from the
    environment variable named by `secret_env`, never from the file."""
    rules = []
    for entry in read_config(path).get("rules", []):
        secret = os.environ.get(entry["secret_env"]) if entry.get("secret_env") else None
        rules.append(make_rule(channel=entry.get("channel", ""), target=entry.get("target", ""),
                               person=entry.get("person"), types=entry.get("types", []),
                               place=entry.get("place"), keyword=entry.get("keyword"), secret=secret,
                               name=entry.get("name")))
    return rules


def import_toml(store, path: str | os.PathLike | None = None) -> tuple[int, int]:
    """Add the sources and rules of a khronika.toml to the database: (sources, rules)."""
    sources, rules = load_sources(path), load_rules(path)
    for source in sources:
        store.upsert_source(source)
    for rule in rules:
        store.add_rule(rule)
    return len(sources), len(rules)


def export_toml(store, path: str | os.PathLike) -> Path:
    """Write the database's sources and rules to a khronika.toml (other settings
    in it are kept). Secrets are left out: a rule with one gets `secret_env`."""
    file = save_sources(store.sources(), path)
    text = file.read_text(encoding="utf-8")
    blocks = []
    for rule in store.rules():
        fields = {"channel": rule.channel, "target": rule.target, "person": rule.person, "place": rule.place,
                  "keyword": rule.keyword, "name": rule.name}
        lines = [f"{k} = {toml_value(v)}\n" for k, v in fields.items() if v]
        if rule.types:
            lines.append("types = [" + ", ".join(toml_value(t) for t in rule.types) + "]\n")
        if rule.secret:
            lines.append(f'secret_env = "KHRONIKA_SECRET_{rule.id.upper().replace("-", "_")}"\n')
        blocks.append("[[rules]]\n" + "".join(lines))
    if blocks:
        file.write_text(text.rstrip() + "\n\n" + "\n".join(blocks), encoding="utf-8")
    return file


def import_once(store, path: str | os.PathLike | None = None) -> tuple[int, int] | None:
    """For `watch`: when the database has no sources and a khronika.toml has
    some, import its sources and rules (once: afterwards the database has
    them). None when nothing was imported."""
    if store.sources():
        return None
    if not config_path(path).exists():
        return None
    if not load_sources(path):
        return None
    return import_toml(store, path)


__all__ = ["CHANNELS", "ConfigError", "add_rule", "add_source", "export_toml", "import_once", "import_toml",
           "list_rules", "list_sources", "load_rules", "make_rule", "make_source", "parse_interval",
           "remove_rule", "remove_source", "rule_summary"]
