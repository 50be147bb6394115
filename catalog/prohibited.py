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
    name_zh: str  # the short name shown where the rule is cited (review queue, exports)
    name_en: str
    article: str
    aliases: tuple[str, ...]  # the same rule's id in the matcher's lexicon (staffing, debt…)
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
            name_zh=r["name_zh"],
            name_en=r["name_en"],
            article=r["article"],
            aliases=tuple(r.get("aliases", [])),
            zh=r["zh"],
            en=r["en"],
            patterns=tuple(re.compile(p, re.IGNORECASE) for p in r["patterns"]),
            exclude=tuple(re.compile(p, re.IGNORECASE) for p in r.get("exclude", [])),
        )
        for r in raw["rules"]
    )


def rule_name(rule_id: str | None) -> tuple[str, str] | None:
    """(Chinese, English) short name of a rule, for people who read the flag; None for an
    unknown id (a rule retired since the need was screened). The matcher's classifier names
    the same rules by its own ids; they are aliases here, so each rule has one name."""
    for rule in load_rules():
        if rule_id == rule.id or rule_id in rule.aliases:
            return rule.name_zh, rule.name_en
    return None


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
