"""Wiring of extensions, blueprints and CLI commands, kept apart from the factory so each
user group's blueprint is registered in one visible place."""

from __future__ import annotations

import importlib

from flask import Flask

from web.extensions import babel, csrf, limiter, login_manager

# Blueprints of the people who use the platform, one per user group, plus the JSON API and the
# planners' pages, as (module, attribute) pairs.
BLUEPRINTS = (
    ("web.public", "bp"),
    ("web.office", "bp"),
    ("web.reviewer", "bp"),
    ("web.org", "bp"),
    ("web.admin", "bp"),
    ("web.account", "bp"),
    ("web.pages.notifications", "bp"),  # the inbox of every signed-in role (/inbox)
    ("web.planner", "bp"),
    ("web.planner", "api_bp"),
    ("web.api", "bp"),
    ("web.pages.apidocs", "bp"),  # the API reference page (/api/v1/docs)
    ("web.hsds", "bp"),  # the public HSDS 3.0 directory API under /hsds/
    ("web.platform.health", "bp"),
)


def init_extensions(app: Flask) -> None:
    from web import tasks
    from web.access import auth, authz, reads
    from web.pages import display, notifications
    from web.platform import i18n, input_guard, security, throttle

    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    auth.init_login(app)
    authz.init_app(app)
    i18n.init_babel(app, babel)
    display.init_app(app)
    security.init_app(app)
    input_guard.init_app(app)
    throttle.init_app(app)
    reads.init_app(app)  # after security: its headers then apply to a refused read too
    tasks.celery_init_app(app)
    notifications.init_app(app)


def register_blueprints(app: Flask) -> None:
    for module_name, attr in BLUEPRINTS:
        app.register_blueprint(getattr(importlib.import_module(module_name), attr))


def register_commands(app: Flask) -> None:
    from web.commands.db import db_cli
    from web.commands.demo import demo_cli
    from web.commands.users import users_cli

    app.cli.add_command(db_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(users_cli)
    from web.commands.catalog import catalog_cli
    from web.commands.matching import matching_cli

    app.cli.add_command(catalog_cli)
    app.cli.add_command(matching_cli)
