"""Art. 11 screening: the catalog's keyword rules plus the classifier's prohibited pseudo-class.

Rules are precise but brittle (a paraphrase slips through); the classifier generalizes but can
be wrong. A need is flagged when either fires, and the flag says which, so the reviewer knows how
much weight to give it. Flagged needs are never dropped.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ProhibitedFlag:
    rule: str  # catalog rule id, or "classifier"
    detail: str


def rule_flags(text: str) -> list[ProhibitedFlag]:
    """The catalog's Art. 11 rules (catalog.prohibited), if the catalog ships them."""
    try:
        from catalog.prohibited import screen
    except ImportError:  # pragma: no cover - catalog without rules
        return []
    return [ProhibitedFlag(f.rule_id, f.detail) for f in screen(text)]


def screen_need(
    text: str, p_prohibited: float, threshold: float, use_rules: bool = True
) -> ProhibitedFlag | None:
    """First rule that fires, else the classifier when its probability clears the threshold."""
    if use_rules:
        flags = rule_flags(text)
        if flags:
            return flags[0]
    if p_prohibited >= threshold:
        pct = round(p_prohibited * 100)
        return ProhibitedFlag(
            "classifier",
            f"分类模型判断可能属于第十一条不得购买的事项（把握 {pct}%），请审核 / "
            f"the classifier thinks this may be an Art. 11 excluded service ({pct}%); please review",
        )
    return None
