"""Guards of a retraining run: it refuses to run on too few decisions, and a new category
classifier replaces the previous artifact only where it wins on needs people decided since.

"Wins" is measured on the same needs for both: catalog needs whose category a person set
(office or reviewer) that the previous artifact was not trained on. The new classifier is scored
by its out-of-fold probabilities (it never saw a need's own label), the previous one by its
predictions (it never saw those needs at all), so neither is graded on its own training data.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from matching.channels.classifier import PROHIBITED, CategoryClassifier
from matching.channels.features import FEATURES
from matching.records import NeedRecord

# Below this many decisions a retrained model learns noise; the run is refused.
MIN_DECISIONS = 20


class TooFewDecisions(ValueError):
    """Raised instead of retraining when there are fewer decisions than the minimum."""


@dataclass
class Decisions:
    """What a run learns from, by source (written into the model card)."""

    office_confirmations: int = 0
    office_rejections: int = 0
    office_categories: int = 0
    reviewer_category_corrections: int = 0
    labeled_folder_needs: int = 0

    @property
    def total(self) -> int:
        return (
            self.office_confirmations
            + self.office_rejections
            + self.office_categories
            + self.reviewer_category_corrections
            + self.labeled_folder_needs
        )

    def as_dict(self) -> dict[str, int]:
        return {**self.__dict__, "total": self.total}


def require_enough(decisions: Decisions, minimum: int = MIN_DECISIONS) -> None:
    """Refuse (TooFewDecisions) when there is too little to learn from."""
    if decisions.total < minimum:
        raise TooFewDecisions(
            f"refusing to retrain: {decisions.total} decisions (office confirmations "
            f"{decisions.office_confirmations}, rejections {decisions.office_rejections}, "
            f"office categories {decisions.office_categories}, reviewer category corrections "
            f"{decisions.reviewer_category_corrections}, labeled-folder needs "
            f"{decisions.labeled_folder_needs}); at least {minimum} are needed. "
            "The previous artifacts are kept."
        )


def _gold(labels: Mapping[str, object], nid: str) -> str:
    lab = labels[nid]
    return PROHIBITED if getattr(lab, "prohibited", False) else str(getattr(lab, "category", ""))


def compare_classifiers(
    new: CategoryClassifier,
    previous: CategoryClassifier | None,
    labeled: Sequence[NeedRecord],
    labels: Mapping[str, object],
    decided_ids: set[str],
) -> dict:
    """Category accuracy of the new (out-of-fold) and previous classifier on the decided needs
    the previous one was not trained on; `chosen` is "new" only when the new one wins.
    `labeled`: the needs in the order of `new.oof_proba`."""
    if previous is None:
        return {"chosen": "new", "reason": "no previous artifact"}
    seen = set(previous.meta.get("decided_need_ids") or ())
    idx = [i for i, n in enumerate(labeled) if n.id in decided_ids and n.id not in seen]
    if not idx:
        return {"chosen": "previous", "reason": "no newly decided needs to compare on"}
    if new.oof_proba is None or len(new.oof_proba) != len(labeled):
        return {"chosen": "previous", "reason": "too few labeled needs to cross-validate"}
    gold = [_gold(labels, labeled[i].id) for i in idx]
    new_pred = [new.classes[int(j)] for j in np.argmax(new.oof_proba[idx], axis=1)]
    prev_p = previous.predict_proba([labeled[i].text() for i in idx])
    prev_pred = [previous.classes[int(j)] for j in np.argmax(prev_p, axis=1)]
    new_acc = float(np.mean([p == g for p, g in zip(new_pred, gold, strict=True)]))
    prev_acc = float(np.mean([p == g for p, g in zip(prev_pred, gold, strict=True)]))
    report = {"compared_needs": len(idx), "accuracy_new": new_acc, "accuracy_previous": prev_acc}
    return report | {"chosen": "new" if new_acc > prev_acc else "previous"}


def load_previous(path: Path) -> CategoryClassifier | None:
    return CategoryClassifier.load(path) if path.exists() else None


def decision_pairs(session: Session) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Features stored with decided suggestions: confirmed → grade 2, rejected → 0."""
    from catalog.models import Suggestion

    rows = session.scalars(
        select(Suggestion).where(Suggestion.status.in_(("confirmed", "rejected")))
    )
    X, y, g = [], [], []
    for s in rows:
        if not s.features or any(f not in s.features for f in FEATURES):
            continue
        X.append([float(s.features[f]) for f in FEATURES])
        y.append(2 if s.status == "confirmed" else 0)
        g.append(f"db:{s.need_id}")
    if not X:
        return np.zeros((0, len(FEATURES))), np.zeros(0), np.zeros(0, dtype=object)
    return np.array(X), np.array(y), np.array(g, dtype=object)
