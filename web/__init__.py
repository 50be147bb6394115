"""Flask application factory (`flask --app web ...`)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from flask import Flask

from web.config import DEFAULTS, from_environment
from web.platform import database, logs


def _secret_key(instance: Path) -> str:
    """A per-instance random secret, created once, so no secret ever lives in the repository."""
    path = instance / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    instance = Path(app.instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    app.config.from_mapping(DEFAULTS)
    app.config.from_pyfile("config.py", silent=True)
    from_environment(app.config)
    if test_config:
        app.config.update(test_config)
    if not app.config.get("DATABASE_URL"):
        app.config["DATABASE_URL"] = f"sqlite:///{instance / 'hub.sqlite3'}"
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _secret_key(instance)
    if not app.config.get("MATCHING_INDEX_DIR"):
        app.config["MATCHING_INDEX_DIR"] = str(instance / "index")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")

    database.init_app(app)
    logs.init_logging(app)

    from web import setup

    setup.init_extensions(app)
    setup.register_blueprints(app)
    setup.register_commands(app)
    from web.platform import health

    health.install(app)  # last: /health is answered before every other layer
    return app
