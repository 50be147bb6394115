"""Zhuhai Art. 11: what must not be bought from social organizations. Rules flag a need for the
reviewer with the rule that matched; they never drop it. The matcher's classifier adds a second
opinion on top of these rules."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from catalog.chinese import to_simplified


@dataclass(frozen=True)
class Rule:
    id: str
    article: str
    zh: str
    en: str
    patterns: tuple[re.Pattern[str], ...]
    exclude: tuple[re.Pattern[str], ...]


@dataclass(frozen=True)
class Flag:
    rule_id: str
    zh: str
    en: str
    matched: str

    @property
    def detail(self) -> str:
        return f"{self.zh}（命中：{self.matched}）/ {self.en} (matched: {self.matched})"


@lru_cache(maxsize=1)
def load_rules() -> tuple[Rule, ...]:
    raw = json.loads(
        resources.files("catalog.data").joinpath("prohibited_rules.json").read_text("utf-8")
    )
    return tuple(
        Rule(
            id=r["id"],
            article=r["article"],
            zh=r["zh"],
            en=r["en"],
            patterns=tuple(re.compile(p, re.IGNORECASE) for p in r["patterns"]),
            exclude=tuple(re.compile(p, re.IGNORECASE) for p in r.get("exclude", [])),
        )
        for r in raw["rules"]
    )


def screen(text: str) -> list[Flag]:
    """Every Art. 11 rule the text trips, with the words that tripped it. Traditional text is
    converted first so one rule set serves both scripts."""
    text = to_simplified(text)
    flags = []
    for rule in load_rules():
        if any(x.search(text) for x in rule.exclude):
            continue
        for pattern in rule.patterns:
            m = pattern.search(text)
            if m:
                flags.append(Flag(rule.id, rule.zh, rule.en, m.group(0)))
                break
    return flags
