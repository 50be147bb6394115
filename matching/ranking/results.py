"""What the ranking returns: a need's findings with its suggested organizations, and the
reverse direction's opportunities. Plain dataclasses, so the service can write them back and the
evaluation can score them without a database."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Suggested:
    org_id: str
    score: float
    rank: int
    reasons: list[dict]
    features: dict[str, float]
    probability: float = 0.0  # calibrated P(grade ≥ 1): offers the service, covers the street
    likely: bool = False  # shown first (probability ≥ the cut-off chosen under CV)


@dataclass
class MatchResult:
    need_id: str
    category: str | None
    category_confidence: float
    category_top: list[tuple[str, float]]
    prohibited: bool
    prohibited_rule: str | None
    prohibited_detail: str | None
    gap: bool
    gap_reason: str | None
    served_prob: float
    ranking: list[str]
    suggestions: list[Suggested] = field(default_factory=list)
    gap_reasons: list[dict] = field(default_factory=list)
    gap_category: str | None = None  # the unserved category the gap reason is about
    # Team proposals (matching.planning.teams) for a gap need; filled by the service, not the ranking.
    teams: list[dict] = field(default_factory=list)
    probabilities: list[float] = field(default_factory=list)  # aligned with `ranking`
    likely: list[str] = field(default_factory=list)  # org ids shown first, best first
    category_uncertain: bool = False


@dataclass
class Opportunity:
    """A need recommended to an organization (the reverse direction)."""

    need_id: str
    score: float
    rank: int
    reasons: list[dict]
    features: dict[str, float]
