"""The organization side of the read-path benchmark (issue 14 items 3 and 6): an
organization's opportunities on the API (`/api/v1/opportunities`) and its dashboard (`/org/`),
timed call by call from a freshly started gunicorn so the first call of each worker process is
in the sample, and the resident memory of each web process.

The hub keeps opportunities per organization (catalog.opportunities, written by matching), so
the figure that matters is the latency of one call whatever the catalog size, first call
included; before that table the first call built a matcher over every profile (≈100 s at
100,000 organizations)."""

from __future__ import annotations

import http.client
import re
import statistics
import time
from pathlib import Path

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from benchmarks.live_server import HOST, mint_token, request


def busiest_orgs(engine: Engine, k: int) -> list[str]:
    """The `k` organizations with the most opportunities (the heaviest pages to read)."""
    from catalog.models import Opportunity

    with Session(engine) as session:
        return list(
            session.scalars(
                select(Opportunity.org_id)
                .group_by(Opportunity.org_id)
                .order_by(func.count().desc(), Opportunity.org_id)
                .limit(k)
            )
        )


def opportunity_rows(engine: Engine) -> int:
    from catalog.models import Opportunity

    with Session(engine) as session:
        return int(session.scalar(select(func.count()).select_from(Opportunity)) or 0)


def create_org_accounts(engine: Engine, org_ids: list[str], password: str) -> list[str]:
    """One organization account per organization (`bench-org-<i>`), through the domain
    function, with one password hash shared (scrypt is not what is measured)."""
    from catalog.actors import Actor
    from catalog.commands.accounts import create_account
    from web.access.auth import hash_password

    hashed = hash_password(password)
    names = [f"bench-org-{i}" for i in range(len(org_ids))]
    with Session(engine) as session, session.begin():
        for name, org_id in zip(names, org_ids, strict=True):
            create_account(
                session,
                Actor.system("bench"),
                username=name,
                role="organization",
                scope=org_id,
                password_hash=hashed,
                display_name=name,
            )
    return names


def _cookies(resp: http.client.HTTPResponse, jar: dict[str, str]) -> None:
    for header, value in resp.getheaders():
        if header.lower() == "set-cookie":
            name, _, rest = value.partition("=")
            jar[name.strip()] = rest.split(";", 1)[0]


def _call(port: int, method: str, path: str, jar: dict[str, str], body: str = "") -> tuple:
    headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in jar.items())}
    if body:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    conn = http.client.HTTPConnection(HOST, port, timeout=60)
    try:
        conn.request(method, path, body=body or None, headers=headers)
        resp = conn.getresponse()
        data = resp.read()
        _cookies(resp, jar)
        return resp.status, data
    finally:
        conn.close()


def page_session(port: int, username: str, password: str) -> dict[str, str]:
    """A signed-in browser's cookies: the login form's CSRF token, then the form post."""
    from urllib.parse import urlencode

    jar: dict[str, str] = {}
    _, form = _call(port, "GET", "/login", jar)
    m = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', form)
    fields = {"username": username, "password": password}
    if m:
        fields["csrf_token"] = m.group(1).decode()
    status, _ = _call(port, "POST", "/login", jar, urlencode(fields))
    if status != 302:
        raise RuntimeError(f"page sign-in as {username} answered {status}")
    return jar


def _summary(samples: list[float], first: float) -> dict:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {
        "calls": len(samples),
        "first_ms": round(first, 2),
        "p50_ms": round(statistics.median(ordered), 2),
        "p95_ms": round(p95, 2),
        "max_ms": round(ordered[-1], 2),
    }


def time_org_reads(port: int, names: list[str], password: str, rounds: int = 3) -> dict:
    """Every organization's opportunities on the API and its dashboard, `rounds` times, one
    call at a time, from the server's first request on (tokens and sign-ins are made first and
    are not timed). Each call is on a new connection, as a browser's first visit is."""
    tokens = {n: mint_token(port, n, password) for n in names}
    jars = {n: page_session(port, n, password) for n in names}
    api: list[float] = []
    page: list[float] = []
    items = 0
    for _ in range(rounds):
        for n in names:
            t0 = time.perf_counter()
            status, body = request(
                port, "GET", "/api/v1/opportunities", {"Authorization": f"Bearer {tokens[n]}"}
            )
            api.append((time.perf_counter() - t0) * 1000)
            if status != 200:
                raise RuntimeError(f"/api/v1/opportunities answered {status}: {body[:200]!r}")
            items = max(items, body.count(b'"rank"'))
            t0 = time.perf_counter()
            status, body = _call(port, "GET", "/org/", jars[n])
            page.append((time.perf_counter() - t0) * 1000)
            if status != 200:
                raise RuntimeError(f"/org/ answered {status}: {body[:200]!r}")
    return {
        "organizations": len(names),
        "most_items": items,
        "api": _summary(api, api[0]),
        "page": _summary(page, page[0]),
    }


def web_rss_mib(port: int) -> list[float]:
    """Resident memory (MiB) of each gunicorn worker serving `port`: the processes whose
    environment binds that port, less the master (the one whose parent is not among them)."""
    mark = f"HUB_BIND={HOST}:{port}".encode()
    procs: dict[int, int] = {}
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            if mark not in (proc / "environ").read_bytes().split(b"\0"):
                continue
            stat = (proc / "stat").read_text().rsplit(")", 1)[1].split()
            procs[int(proc.name)] = int(stat[1])
        except OSError:
            continue
    workers = [pid for pid, ppid in procs.items() if ppid in procs]
    out = []
    for pid in sorted(workers):
        for line in (Path("/proc") / str(pid) / "status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                out.append(round(int(line.split()[1]) / 1024, 1))
    return out
