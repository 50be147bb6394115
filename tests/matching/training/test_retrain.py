"""Retraining writes loadable artifacts with model cards, and people's decisions become
ranker training pairs."""

from sqlalchemy import select

from catalog.models import Suggestion
from matching import service
from matching.channels.features import FEATURES
from matching.training.retrain import decision_pairs, train_shipped

from ..conftest import write_tiny_dataset


def test_train_shipped_writes_artifacts_and_cards(tmp_path):
    d = write_tiny_dataset(tmp_path / "ds")
    report = train_shipped([d], tmp_path / "models")
    clf, ranker, cfg = service.load_models(tmp_path / "models")
    assert "__prohibited__" in clf.classes and "居家养老" in clf.classes
    assert report["ranker"]["chosen"] == "default"
    for sub in ("category_classifier", "ranker"):
        card = (tmp_path / "models" / sub / "MODEL_CARD.md").read_text()
        assert card.startswith("# Model card")
    assert 0 < cfg.gap_threshold <= 1


def confirm_first_reject_last(db, factory) -> None:
    """Match n1, then the office confirms its first suggestion and rejects its last."""
    with db.session() as s:
        service.match_need(s, "n1", service.build_matcher(s, factory=factory))
    with db.session() as s:
        rows = s.scalars(
            select(Suggestion).where(Suggestion.need_id == "n1").order_by(Suggestion.rank)
        ).all()
        rows[0].status = "confirmed"
        rows[-1].status = "rejected"


def test_decisions_become_training_pairs(db, factory):
    confirm_first_reject_last(db, factory)
    with db.session() as s:
        X, y, g = decision_pairs(s)
    assert X.shape == (2, len(FEATURES)) and sorted(y.tolist()) == [0, 2]
    assert set(g) == {"db:n1"}
