"""Synthetic catalogs for the benchmarks: organizations and needs scaled up from the labeled dev
set, and a bulk loader that writes them into a throwaway PostgreSQL database.

Scale-up keeps the dev set's category and coverage statistics (each synthetic organization is a
dev organization with a distinct name and text and random service areas), so matching costs are
realistic. Gap needs of each team-proposal shape are made by withholding, at the needs'
streets, the coverage or capacity of the organizations offering their service (`withhold`).
Loading uses Core `insert()` in batches, because the ORM's per-object unit of work
would make a 100,000-organization catalog take minutes to load.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from sqlalchemy import Engine, insert, make_url, select, text

from catalog.credit_code import make_credit_code
from catalog.models import Need, Organization, OrgArea, Region, org_categories
from catalog.reference import Reference
from matching.records import CITY_CODE, NeedRecord, OrgRecord, coverage_level, load_exchange_dir

if TYPE_CHECKING:
    from matching.ranking.pipeline import Matcher

BATCH = 5000
ORG_TYPE = "社会服务机构"


def labeled_dir(name: str = "dev") -> Path:
    """A labeled set in the repository's data/ ($LABELED_DATA points at another copy)."""
    root = os.environ.get("LABELED_DATA") or Path(__file__).resolve().parents[1] / "data"
    return Path(root) / name


def dev_dir() -> Path:
    """The labeled dev set (data/dev)."""
    return labeled_dir("dev")


def base_records() -> tuple[list[OrgRecord], list[NeedRecord], str]:
    """Seed records: the dev set when present, else the shipped demo catalog (so the API
    benchmark and its smoke test also run on a checkout without data/dev)."""
    dev = dev_dir()
    if (dev / "organizations.jsonl").exists():
        orgs, needs = load_exchange_dir(dev)
        return orgs, needs, "dev"
    from catalog.demo import DEMO_DIR

    orgs, needs = load_exchange_dir(DEMO_DIR)
    return orgs, needs, "demo"


def synthetic_orgs(base: Sequence[OrgRecord], n: int, seed: int = 0) -> list[OrgRecord]:
    """`n` organizations replicated from `base`, each with a distinct name and description
    (so text normalization and TF-IDF costs are honest) and 1–3 random service areas drawn
    from the areas the base set uses."""
    rng = random.Random(seed)
    areas = sorted({a for o in base for a in o.areas})
    out = []
    for i in range(n):
        o = base[i % len(base)]
        k = rng.choice([1, 1, 2, 3])
        out.append(
            replace(
                o,
                id=f"s{i:06d}",
                name=f"{o.name}{i}",
                description=f"{o.description}（服务点{i}）",
                areas=rng.sample(areas, k),
                capacity=rng.randint(0, 5),
            )
        )
    return out


def synthetic_needs(
    base: Sequence[NeedRecord], n: int, streets: Sequence[str], seed: int = 0
) -> list[NeedRecord]:
    """`n` needs replicated from `base`: the first copy of each keeps its own street, later
    copies are spread over random streets; the category is left to the classifier."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        nd = base[i % len(base)]
        street = nd.street if i < len(base) and nd.street in streets else rng.choice(streets)
        out.append(
            replace(
                nd,
                id=f"bn{i:05d}",
                title=f"{nd.title}（{i}）",
                description=f"{nd.description}（第{i}期）",
                street=street,
                category=None,
            )
        )
    return out


# ---------------------------------------------------------------- gap needs (team proposals)
GAP_PER_SHAPE = int(os.environ.get("BENCH_GAP_NEEDS", "4"))  # gap needs built per shape
GAP_DISTRICT = "440402"  # the district whose streets carry the gap needs (most base streets)
GAP_SHAPES = ("no_coverage", "no_capacity", "split")


@dataclass
class GapSpec:
    """One gap need and what is withheld at its street to make it a gap: the coverage (for
    no_capacity: the capacity) of organizations offering any of `cats` there, and for a split
    need also the coverage of organizations offering all of `both`."""

    shape: str
    need: NeedRecord
    cats: list[str]
    both: list[str] = field(default_factory=list)


def withhold(orgs: list[OrgRecord], specs: Sequence[GapSpec], spare: Sequence[str]) -> list:
    """The catalog with each spec's street withheld: organizations offering the service that
    cover the street lose the areas that cover it (the street, its district, the city) and,
    if nothing is left, serve a spare street of the same district instead (so same-district
    leads exist, as they would); for no_capacity they stay but are full. Nothing else
    changes, and whether a need then is a gap is left to the matcher."""
    out = list(orgs)
    rng = random.Random(7)
    for s in specs:
        st = s.need.street
        cut = {st, st[:6], CITY_CODE, st[:4] + "00"}
        cats, both = set(s.cats), set(s.both)
        for i, o in enumerate(out):
            offered = set(o.categories)
            if not (offered & cats or (both and both <= offered)):
                continue
            if coverage_level(o.areas, st) == 0:
                continue
            if s.shape == "no_capacity":
                out[i] = replace(o, active_projects=o.capacity)
            else:
                kept = [a for a in o.areas if a not in cut]
                out[i] = replace(o, areas=kept or [rng.choice(spare)])
    return out


def _combined(parts: Sequence[NeedRecord], nid: str) -> NeedRecord:
    """A need written about several services at once (a street's mixed request)."""
    return replace(
        parts[0],
        id=nid,
        title="，".join(p.title for p in parts),
        description="".join(p.description for p in parts),
        category=None,
    )


def gap_specs(matcher: Matcher, needs: Sequence[NeedRecord], streets: Sequence[str]) -> list:
    """GAP_PER_SHAPE needs per shape, each on its own street. no_coverage / no_capacity: a dev
    need the classifier is sure is about one service (P ≥ 0.9, a different one per need), that
    service withheld at its street. split: four dev needs about different services written as
    one, kept when the classifier gives two services ≥ 0.25 (team_context.SPLIT_MIN), the third
    < 0.25 and ≥ 0.32 to all but the two; those others are withheld at the street, as are
    organizations offering both of the two (so P(served) drops below the gap threshold and no
    single local organization offers the split)."""
    probs, _, _ = matcher.category_probs(needs)
    names = matcher.cat_names
    best = probs.argmax(axis=1)
    free = iter(streets)
    specs: list[GapSpec] = []
    for shape in GAP_SHAPES[:2]:
        used: set[int] = set()
        for i, nd in enumerate(needs):
            if len(used) >= GAP_PER_SHAPE:
                break
            if int(best[i]) in used or probs[i, best[i]] < 0.9:
                continue
            used.add(int(best[i]))
            need = replace(nd, id=f"gap-{shape}-{i}", street=next(free))
            specs.append(GapSpec(shape, need, [names[best[i]]]))
    rng = np.random.default_rng(0)
    split = 0
    for attempt in range(2000):
        if split >= GAP_PER_SHAPE:
            break
        pick = rng.choice(len(needs), 4, replace=False)
        if len({int(best[i]) for i in pick}) < 4:
            continue
        nd = _combined([needs[i] for i in pick], f"gap-split-{attempt}")
        p = matcher.category_probs([nd])[0][0]
        o = np.argsort(-p)
        if p[o[1]] < 0.25 or p[o[2]] >= 0.25 or 1 - p[o[0]] - p[o[1]] < 0.32:
            continue
        rest = [names[j] for j in o[2:] if p[j] >= 0.005]
        need = replace(nd, street=next(free))
        specs.append(GapSpec("split", need, rest, [names[o[0]], names[o[1]]]))
        split += 1
    return specs


def _conninfo(url: str) -> str:
    """psycopg's own connection string for a SQLAlchemy URL (drops the +driver part)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def database_url(admin_url: str, name: str) -> str:
    """The URL of database `name` on the server `admin_url` points at."""
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


def recreate_database(admin_url: str, name: str) -> str:
    """Drop (forcefully: a crashed earlier run may have left sessions) and create `name`;
    returns its SQLAlchemy URL. CREATE/DROP DATABASE cannot run in a transaction, hence
    psycopg in autocommit mode against the maintenance database."""
    import psycopg

    with psycopg.connect(_conninfo(admin_url), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return database_url(admin_url, name)


def drop_database(admin_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(_conninfo(admin_url), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def server_version(admin_url: str) -> str:
    import psycopg

    with psycopg.connect(_conninfo(admin_url), autocommit=True) as conn:
        row = conn.execute("SHOW server_version").fetchone()
    return str(row[0]) if row else "?"


def office_streets(engine: Engine) -> list[str]:
    """Street and town codes (development zones have no street office to post needs)."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(Region.code).where(Region.level == "street", Region.kind != "zone")
        )
        return sorted(r[0] for r in rows)


def _batches(rows: list[dict], size: int = BATCH) -> Iterator[list[dict]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


@dataclass
class LoadCounts:
    orgs: int
    areas: int
    categories: int
    needs: int
    dropped_areas: int
    dropped_categories: int


def load_catalog(
    engine: Engine, orgs: Sequence[OrgRecord], needs: Sequence[NeedRecord]
) -> LoadCounts:
    """Bulk-insert organizations (with service areas and categories) and approved needs in
    one transaction, then ANALYZE so the planner has statistics, as a live database would.
    Codes the reference data does not know are dropped and counted, not inserted."""
    from sqlalchemy.orm import Session

    with Session(engine) as session:
        ref = Reference.load(session)
        names = {c: nm for c, nm in session.execute(select(Region.code, Region.name))}
    org_rows, area_rows, cat_rows = [], [], []
    dropped_areas = dropped_cats = 0
    for i, o in enumerate(orgs):
        org_rows.append(
            {
                "id": o.id,
                "name": o.name[:120],
                "credit_code": make_credit_code("52440402", f"MJ{i:06d}"),
                "org_type": ORG_TYPE,
                "description": o.description,
                "capacity": o.capacity,
                "staff": o.staff,
                "social_workers": o.social_workers,
                "founded": o.founded,
                "rating": o.rating,
                "lang": o.lang,
                "profile_version": 1,
            }
        )
        for pos, code in enumerate(o.areas):
            if code in ref.service_area_codes:
                area_rows.append({"org_id": o.id, "region_code": code, "position": pos})
            else:
                dropped_areas += 1
        for pos, cat in enumerate(o.categories):
            if cat in ref.categories:
                cat_rows.append({"org_id": o.id, "category_name": cat, "position": pos})
            else:
                dropped_cats += 1
    now = dt.datetime.now(dt.UTC)
    need_rows = [
        {
            "id": nd.id,
            "title": nd.title[:120],
            "description": nd.description,
            "street_code": nd.street,
            "posted_by": names.get(nd.street, nd.street),
            "beneficiaries": (nd.beneficiaries or "")[:120],
            "beneficiary_count": nd.beneficiary_count or 0,
            "budget_yuan": nd.budget_yuan or 0,
            "months": nd.months or 12,
            "funding": nd.funding or "财政资金",
            "lang": nd.lang,
            "status": "approved",
            "submitted_at": now,
            "decided_at": now,
        }
        for nd in needs
    ]
    with engine.begin() as conn:
        for table, rows in (
            (Organization.__table__, org_rows),
            (OrgArea.__table__, area_rows),
            (org_categories, cat_rows),
            (Need.__table__, need_rows),
        ):
            for batch in _batches(rows):
                conn.execute(insert(table), batch)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("ANALYZE"))
    return LoadCounts(
        len(org_rows), len(area_rows), len(cat_rows), len(need_rows), dropped_areas, dropped_cats
    )


@dataclass
class Populated:
    """What `populate` put in the database, and how long the bulk insert alone took."""

    orgs: list[OrgRecord]
    needs: list[NeedRecord]
    counts: LoadCounts
    load_s: float


def populate(
    engine: Engine,
    base: tuple[Sequence[OrgRecord], Sequence[NeedRecord]],
    n_orgs: int,
    n_needs: int,
) -> Populated:
    """The catalog every load benchmark serves: `n_orgs` organizations and `n_needs` needs
    replicated from the labeled `base` (needs on the streets that have an office), bulk-loaded
    into a migrated database. One recipe, so the benchmarks measure the same catalog."""
    orgs = synthetic_orgs(base[0], n_orgs)
    needs = synthetic_needs(base[1], n_needs, office_streets(engine))
    t0 = time.perf_counter()
    counts = load_catalog(engine, orgs, needs)
    return Populated(orgs, needs, counts, round(time.perf_counter() - t0, 2))


def create_admin(engine: Engine, username: str, password: str) -> None:
    """An admin account (admins see every need's unconfirmed suggestions, whatever the
    street), created through the domain function so it is audited like any other."""
    from sqlalchemy.orm import Session

    from catalog.actors import Actor
    from catalog.commands.accounts import create_account
    from web.access.auth import hash_password

    with Session(engine) as session, session.begin():
        create_account(
            session,
            Actor.system("bench"),
            username=username,
            role="admin",
            scope=None,
            password_hash=hash_password(password),
            display_name="benchmark",
        )
