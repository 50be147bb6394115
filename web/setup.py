"""Wiring of extensions, blueprints and CLI commands, kept apart from the factory so each
user group's blueprint is registered in one visible place."""

from __future__ import annotations

from flask import Flask

from web.extensions import babel, csrf, limiter, login_manager


def init_extensions(app: Flask) -> None:
    from web import auth, i18n

    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    auth.init_login(app)
    i18n.init_babel(app, babel)


def register_blueprints(app: Flask) -> None:
    from web.public import bp as public_bp

    app.register_blueprint(public_bp)


def register_commands(app: Flask) -> None:
    from web.commands.db import db_cli
    from web.commands.users import users_cli

    app.cli.add_command(db_cli)
    app.cli.add_command(users_cli)
    try:
        from web.commands.catalog import catalog_cli
    except ImportError:  # pragma: no cover - during bootstrap only
        catalog_cli = None
    if catalog_cli is not None:
        app.cli.add_command(catalog_cli)
    try:
        from web.commands.matching import matching_cli
    except ImportError:  # pragma: no cover
        matching_cli = None
    if matching_cli is not None:
        app.cli.add_command(matching_cli)
