"""The suggestion rows a match writes are the match result, value for value, on either database
(PostgreSQL takes one JSON-expanded INSERT, SQLite an executemany), and the office is told the
number of undecided suggestions counted by the write itself."""

from sqlalchemy import select

from catalog.models import Account, Need, Notification, Suggestion
from matching import service


def _rows(s, need_id):
    return s.execute(
        select(Suggestion).where(Suggestion.need_id == need_id).order_by(Suggestion.rank)
    ).scalars()


def test_rows_are_the_result(db, factory):
    with db.session() as s:
        res = service.match_need(s, "n1", service.build_matcher(s, factory=factory))
        version = service.model_version(service.build_matcher(s, factory=factory))
    assert res.suggestions
    with db.session() as s:
        got = [
            (r.org_id, r.rank, r.score, r.reasons, r.features, r.probability, r.likely)
            + (r.status, r.version, r.model_version, r.created_at is not None)
            for r in _rows(s, "n1")
        ]
    want = [
        (x.org_id, x.rank, x.score, x.reasons, x.features, x.probability, x.likely)
        + ("suggested", 1, version, True)
        for x in res.suggestions
    ]
    assert got == want


def test_rerun_replaces_rows_and_counts_undecided(db, factory):
    with db.session() as s:
        m = service.build_matcher(s, factory=factory)
        service.match_need(s, "n1", m)
    with db.session() as s:
        first = next(iter(_rows(s, "n1")))
        first.status = "rejected"
        street = s.get(Need, "n1").street_code
        s.add(Account(username="office-n1", password_hash="x", role="office", scope=street))
    with db.session() as s:
        res = service.match_need(s, "n1", m)
        waiting = s.scalars(
            select(Suggestion.id).where(
                Suggestion.need_id == "n1", Suggestion.status == "suggested"
            )
        ).all()
        assert len(waiting) == len([x for x in res.suggestions if x.org_id != first.org_id])
        texts = s.scalars(select(Notification.text_en)).all()
    assert len(texts) == 1 and texts[0].startswith(f"{len(waiting)} organizations")


def test_opportunities_follow_the_match_listed_or_not(db, factory):
    """A listed need's suggestions become its opportunity rows; a need matched while not
    listed has none (a stale row is removed: only the insert is skipped)."""
    import datetime as dt

    from catalog.models import Opportunity

    with db.session() as s:
        m = service.build_matcher(s, factory=factory)
        need = s.get(Need, "n1")
        need.status, need.listed_at = "listed", dt.datetime.now(dt.UTC)
    with db.session() as s:
        res = service.match_need(s, "n1", m)
    with db.session() as s:
        got = set(s.execute(select(Opportunity.org_id, Opportunity.score)).all())
        assert got == {(x.org_id, x.score) for x in res.suggestions}
        s.get(Need, "n1").status = "approved"  # rows left behind on purpose
    with db.session() as s:
        service.match_need(s, "n1", m)
    with db.session() as s:
        assert s.execute(select(Opportunity.need_id)).all() == []


def test_rerun_with_the_same_result_replaces_every_row(db, factory):
    """The same organizations suggested again: on PostgreSQL the delete and the insert are one
    statement, and the delete must be done before the insert meets the (need, org) key."""
    with db.session() as s:
        m = service.build_matcher(s, factory=factory)
        service.match_need(s, "n1", m)
    with db.session() as s:
        before = [r.org_id for r in _rows(s, "n1")]
    with db.session() as s:
        res = service.match_need(s, "n1", m)
    with db.session() as s:
        after = [(r.org_id, r.rank, r.score, r.version) for r in _rows(s, "n1")]
    assert before and [a[0] for a in after] == before
    assert after == [(x.org_id, x.rank, x.score, 1) for x in res.suggestions]
