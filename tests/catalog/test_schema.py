from sqlalchemy import func, inspect, select

from catalog.models import Category, Region


def test_migrations_create_schema_and_reference_data(app):
    db = app.extensions["db"]
    tables = set(inspect(db.engine).get_table_names())
    assert {"need", "organization", "suggestion", "audit_event", "account"} <= tables
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Category)) == 25
        assert s.get(Region, "440402005").name == "拱北街道"
        assert s.get(Region, "440402005").parent_code == "440402"


def test_upgrade_twice_is_harmless(app, runner):
    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
