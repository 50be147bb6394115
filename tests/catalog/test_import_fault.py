"""An import killed half-way (after organizations were written, before needs) leaves the
database exactly as it was: the rows go in one transaction or not at all."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from catalog.exchange import import_directory, importer
from catalog.models import Need, Organization
from tests.catalog.test_exchange import small  # noqa: F401 - the fixture


def test_import_killed_half_way_leaves_the_database_as_it_was(db, small, monkeypatch):  # noqa: F811
    def counts():
        with db.session() as s:
            return tuple(
                s.scalar(select(func.count()).select_from(m)) for m in (Organization, Need)
            )

    before = counts()

    def crash(session, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        assert session.scalar(select(func.count()).select_from(Organization)) > before[0]
        raise RuntimeError("worker killed")

    monkeypatch.setattr(importer, "_write_needs", crash)
    with pytest.raises(RuntimeError), db.session() as s:
        import_directory(s, small)
    assert counts() == before
