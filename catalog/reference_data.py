"""Loading the gazetteer (city → district → street) and the service taxonomy from data files.
Zhuhai and Art. 8 are the defaults; another city's gazetteer or a revised taxonomy loads from a
file of the same shape."""

from __future__ import annotations

import csv
import io
import json
from importlib import resources
from pathlib import Path

from sqlalchemy.orm import Session

from catalog.models import Category, Region

DEFAULT_GAZETTEER = "zhuhai_streets.csv"
DEFAULT_TAXONOMY = "taxonomy.json"
CITY_NAMES = {"4404": ("珠海市", "Zhuhai")}
DISTRICT_NAMES = {
    "440402": ("香洲区", "Xiangzhou District"),
    "440403": ("斗门区", "Doumen District"),
    "440404": ("金湾区", "Jinwan District"),
}


def _read(name_or_path: str | Path) -> str:
    path = Path(name_or_path)
    if path.exists():
        return path.read_text("utf-8")
    return resources.files("catalog.data").joinpath(str(name_or_path)).read_text("utf-8")


def street_kind(code: str, name: str) -> str:
    """Street (街道), town (镇) or development zone (7th digit 4, not a street office)."""
    if code[6] == "4":
        return "zone"
    return "town" if name.endswith("镇") else "street"


def load_gazetteer(
    session: Session,
    source: str | Path = DEFAULT_GAZETTEER,
    district_names: dict[str, tuple[str, str]] | None = None,
    city_names: dict[str, tuple[str, str]] | None = None,
) -> int:
    """Upsert regions from a CSV with columns code,name,areaCode,cityCode (the format of the
    public Administrative-divisions-of-China data). Returns the number of streets loaded."""
    district_names = district_names or DISTRICT_NAMES
    city_names = city_names or CITY_NAMES
    rows = list(csv.DictReader(io.StringIO(_read(source))))
    for city in sorted({r["cityCode"] for r in rows}):
        zh, en = city_names.get(city, (city, None))
        session.merge(Region(code=city + "00", name=zh, name_en=en, level="city", kind="city"))
    session.flush()
    for district in sorted({r["areaCode"] for r in rows}):
        zh, en = district_names.get(district, (district, None))
        session.merge(
            Region(
                code=district,
                name=zh,
                name_en=en,
                level="district",
                kind="district",
                parent_code=district[:4] + "00",
            )
        )
    session.flush()
    for r in rows:
        session.merge(
            Region(
                code=r["code"],
                name=r["name"],
                level="street",
                kind=street_kind(r["code"], r["name"]),
                parent_code=r["areaCode"],
            )
        )
    session.flush()
    return len(rows)


def load_taxonomy(session: Session, source: str | Path = DEFAULT_TAXONOMY) -> int:
    data = json.loads(_read(source))
    position = 0
    for group in data["groups"]:
        for sub in group["subcategories"]:
            position += 1
            session.merge(
                Category(
                    name=sub["name"],
                    name_hant=sub.get("name_hant"),
                    name_en=sub.get("name_en"),
                    group=group["name"],
                    group_hant=group.get("name_hant"),
                    group_en=group.get("name_en"),
                    description=sub.get("description"),
                    description_en=sub.get("description_en"),
                    keywords=sub.get("keywords", []),
                    keywords_en=sub.get("keywords_en", []),
                    position=position,
                )
            )
    session.flush()
    return position


def load_defaults(session: Session) -> None:
    """Zhuhai gazetteer and the Art. 8 taxonomy: what a new database starts with."""
    load_gazetteer(session)
    load_taxonomy(session)
