"""What an import did: organizations and needs created, updated and left unchanged, needs that
Art. 11 screening flagged, and warnings (e.g. ignored spreadsheet columns), in a summary for
the command line in Chinese and English."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


@dataclass
class ImportReport:
    source: str
    organizations: Counts = field(default_factory=Counts)
    needs: Counts = field(default_factory=Counts)
    prohibited_flagged: int = 0  # needs written by this import that Art. 11 screening flagged
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "organizations": vars(self.organizations).copy(),
            "needs": vars(self.needs).copy(),
            "prohibited_flagged": self.prohibited_flagged,
            "warnings": list(self.warnings),
        }

    def summary(self) -> str:
        o, n = self.organizations, self.needs
        return (
            f"社会组织：新增{o.created}，更新{o.updated}，未变{o.unchanged}；"
            f"需求：新增{n.created}，更新{n.updated}，未变{n.unchanged}；"
            f"疑似禁止购买类型{self.prohibited_flagged}项\n"
            f"organizations: {o.created} created, {o.updated} updated, {o.unchanged} unchanged; "
            f"needs: {n.created} created, {n.updated} updated, {n.unchanged} unchanged; "
            f"{self.prohibited_flagged} flagged as possibly prohibited (Art. 11)"
        )
