"""The web pool pings a connection only when it comes back from idling (web.platform.database.
ping_when_idle), and replaces one whose ping fails, instead of a round trip on every checkout."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, text

from web.platform.database import ping_when_idle


def _engine(tmp_path: Path, idle: float):
    engine = create_engine(f"sqlite:///{tmp_path / 'x.db'}", pool_size=1, max_overflow=0)
    ping_when_idle(engine, idle)
    pings: list[object] = []
    real = engine.dialect.do_ping

    def counted(dbapi_conn):  # noqa: ANN001, ANN202
        pings.append(dbapi_conn)
        return real(dbapi_conn)

    engine.dialect.do_ping = counted  # type: ignore[method-assign]
    return engine, pings


def test_a_connection_busy_a_moment_ago_is_not_pinged(tmp_path: Path) -> None:
    engine, pings = _engine(tmp_path, idle=3600)
    for _ in range(3):
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    assert pings == []


def test_an_idle_connection_is_pinged_and_a_dead_one_replaced(tmp_path: Path) -> None:
    engine, pings = _engine(tmp_path, idle=0)
    with engine.connect() as conn:
        first = conn.connection.dbapi_connection
    with engine.connect() as conn:  # back from the pool: pinged, alive, kept
        assert conn.connection.dbapi_connection is first
    assert len(pings) == 1

    def dead(_dbapi_conn):  # noqa: ANN001, ANN202
        raise OSError("server closed the connection")

    engine.dialect.do_ping = dead  # type: ignore[method-assign]
    with engine.connect() as conn:  # the ping fails: a new connection serves instead
        assert conn.connection.dbapi_connection is not first
        assert conn.execute(text("SELECT 1")).scalar() == 1
