"""Schema management through Alembic, callable from any front end (CLI, tests, deploy)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.orm import Session

from catalog.db import Database
from catalog.reference_data import load_defaults

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(db: Database, revision: str = "head") -> None:
    """Migrate the database to `revision`, then make sure the default reference data is there
    (idempotent: regions and categories are upserted)."""
    cfg = alembic_config(db.url)
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
    with db.session() as session:
        ensure_reference_data(session)


def ensure_reference_data(session: Session) -> None:
    from sqlalchemy import func, select

    from catalog.models import Category, Region

    if not session.scalar(select(func.count()).select_from(Region)) or not session.scalar(
        select(func.count()).select_from(Category)
    ):
        load_defaults(session)


def revision(db: Database, message: str, autogenerate: bool = True) -> None:
    cfg = alembic_config(db.url)
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.revision(cfg, message=message, autogenerate=autogenerate)
