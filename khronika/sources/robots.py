"""robots.txt as RFC 9309 reads it: the groups for our product token (or `*`),
combined; the longest matching rule wins and, on a tie, Allow wins.

(The standard library's `urllib.robotparser` takes the first matching rule in
file order and matches user agents by substring; sites written for Google's
longest-match reading would be misread by it.)
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import unquote

# RFC 9309: a crawler must parse at least 500 KiB; the rest may be ignored.
MAX_ROBOTS_BYTES = 512 * 1024


@dataclass
class _Rule:
    allow: bool
    pattern: str
    regex: re.Pattern


@dataclass
class RobotsRules:
    """The rules of one robots.txt that apply to one crawler."""
    rules: list[_Rule] = field(default_factory=list)

    @classmethod
    def allow_all(cls) -> RobotsRules:
        return cls([])

    @classmethod
    def disallow_all(cls) -> RobotsRules:
        return cls([_Rule(False, "/", _compile("/"))])

    @classmethod
    def parse(cls, text: str, agent: str) -> RobotsRules:
        """`agent` is the crawler's product token ("Khronika"), matched case-insensitively."""
        token = agent.lower()
        groups: list[tuple[list[str], list[tuple[bool, str]]]] = []
        agents: list[str] = []
        rules: list[tuple[bool, str]] = []
        for line in text[:MAX_ROBOTS_BYTES].splitlines():
            line = line.split("#", 1)[0].strip()
            if ":" not in line:
                continue
            key, value = (part.strip() for part in line.split(":", 1))
            key = key.lower()
            if key in ("user-agent", "useragent"):
                if rules:                    # a user-agent line after rules starts a new group
                    groups.append((agents, rules))
                    agents, rules = [], []
                agents.append(re.split(r"[/\s]", value, maxsplit=1)[0].lower())
            elif key in ("allow", "disallow") and agents and value:   # an empty "Disallow:" allows all
                rules.append((key == "allow", value))
        if agents:
            groups.append((agents, rules))
        own = [r for a, r in groups if token in a]
        chosen = own or [r for a, r in groups if "*" in a]
        return cls([_Rule(allow, pattern, _compile(pattern)) for group in chosen for allow, pattern in group])

    def allowed(self, path: str) -> bool:
        """Whether `path` (path and query of a URL) may be fetched."""
        path = unquote(path or "/")
        if path == "/robots.txt":
            return True
        best: _Rule | None = None
        for rule in self.rules:
            if rule.regex.match(path) and (
                    best is None or len(rule.pattern) > len(best.pattern)
                    or (len(rule.pattern) == len(best.pattern) and rule.allow)):
                best = rule
        return best is None or best.allow


def _compile(pattern: str) -> re.Pattern:
    pattern = unquote(pattern)
    anchored = pattern.endswith("$")
    body = pattern[:-1] if anchored else pattern
    regex = ".*".join(re.escape(part) for part in body.split("*"))
    return re.compile(regex + ("$" if anchored else ""), re.DOTALL)
