"""Plain records the matching pipeline works on.

The pipeline never touches ORM objects: a dataclass is cheap to build in a test, to pickle into a
worker and to build from an exchange-format folder. `matching.adapter` converts catalog rows.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from catalog.actors import enclosing_areas

CITY_CODE = "440400"


@dataclass(frozen=True)
class CategoryInfo:
    """One service subcategory with the text the classifier and reasons need."""

    name: str
    group: str
    name_en: str = ""
    name_hant: str = ""
    description: str = ""
    description_en: str = ""
    keywords: tuple[str, ...] = ()
    keywords_en: tuple[str, ...] = ()


@dataclass
class OrgRecord:
    """An organization's capability profile, as far as matching cares."""

    id: str
    name: str
    description: str
    categories: list[str]
    areas: list[str]
    capacity: int = 1
    active_projects: int = 0
    credit: float = 0.0  # -1 (sanctions) … +1 (commendations); 0 = no record
    satisfaction: float | None = None  # mean beneficiary satisfaction 0–100, None = no record
    founded: int | None = None
    staff: int | None = None
    social_workers: int | None = None
    rating: str | None = None
    lang: str = "zh-Hans"
    version: int = 1

    @property
    def capacity_left(self) -> int:
        return max(0, int(self.capacity or 0) - int(self.active_projects or 0))

    def profile_text(self) -> str:
        """The text that represents the organization in the text channels."""
        return f"{self.name}。{self.description}"


@dataclass
class NeedRecord:
    """A community need as posted by a street office."""

    id: str
    title: str
    description: str
    street: str
    beneficiaries: str = ""
    beneficiary_count: int | None = None
    budget_yuan: int | None = None
    months: int | None = None
    funding: str | None = None
    lang: str = "zh-Hans"
    # A category set by a person (office or reviewer) overrides the classifier.
    category: str | None = None
    extra: dict = field(default_factory=dict)

    @property
    def district(self) -> str:
        return self.street[:6]

    def text(self) -> str:
        """Title twice (it is the densest statement of the need), then the body."""
        return "。".join([self.title, self.title, self.description, self.beneficiaries or ""])


def coverage_level(areas: list[str] | tuple[str, ...] | set[str], street: str) -> int:
    """How an organization's service area covers a street: 3 = names the street,
    2 = its whole district, 1 = the whole city, 0 = not covered."""
    areas = set(areas)
    _, district, city = enclosing_areas(street)
    if street in areas:
        return 3
    if district in areas:
        return 2
    if CITY_CODE in areas or city in areas:
        return 1
    return 0


def _read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def org_from_exchange(row: dict) -> OrgRecord:
    return OrgRecord(
        id=row["id"],
        name=row.get("name", ""),
        description=row.get("description", ""),
        categories=list(row.get("categories") or []),
        areas=list(row.get("service_areas") or []),
        capacity=int(row.get("capacity") or 0),
        founded=row.get("founded"),
        staff=row.get("staff"),
        social_workers=row.get("social_workers"),
        rating=row.get("rating"),
        lang=row.get("lang") or "zh-Hans",
    )


def need_from_exchange(row: dict) -> NeedRecord:
    return NeedRecord(
        id=row["id"],
        title=row.get("title", ""),
        description=row.get("description", ""),
        street=row.get("street", ""),
        beneficiaries=row.get("beneficiaries") or "",
        beneficiary_count=row.get("beneficiary_count"),
        budget_yuan=row.get("budget_yuan"),
        months=row.get("months"),
        funding=row.get("funding"),
        lang=row.get("lang") or "zh-Hans",
    )


def load_exchange_dir(path: str | Path) -> tuple[list[OrgRecord], list[NeedRecord]]:
    """Organizations and needs of an exchange-format folder. Labels and qrels are NOT read
    here: they are for scoring only (see `matching.evaluation.evaluate`)."""
    path = Path(path)
    orgs = [org_from_exchange(r) for r in _read_jsonl(path / "organizations.jsonl")]
    needs = [need_from_exchange(r) for r in _read_jsonl(path / "needs.jsonl")]
    return orgs, needs


def load_labels(path: str | Path) -> tuple[dict[str, dict[str, int]], dict[str, dict]]:
    """qrels (need → org → grade) and per-need labels of a labeled folder; scoring only."""
    path = Path(path)
    qrels: dict[str, dict[str, int]] = {}
    qrels_path = path / "qrels.tsv"
    if qrels_path.exists():
        lines = qrels_path.read_text(encoding="utf-8").splitlines()
        for line in lines[1:]:
            if not line.strip():
                continue
            need_id, org_id, grade = line.split("\t")[:3]
            qrels.setdefault(need_id, {})[org_id] = int(grade)
    labels: dict[str, dict] = {}
    labels_path = path / "labels.jsonl"
    if labels_path.exists():
        labels = {row["need"]: row for row in _read_jsonl(labels_path)}
    return qrels, labels
