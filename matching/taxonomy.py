"""The taxonomy as matching sees it: the catalog's categories enriched with the domain lexicon
shipped in `matching/data/category_lexicon.json` (colloquial Chinese and English vocabulary per
subcategory and per Art. 11 prohibited type).

Why a separate lexicon: needs are written the way residents talk (独居老人吃饭难), rarely with the
service's official name (居家养老); the classifier learns that bridge from this vocabulary.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from matching.records import CategoryInfo

LEXICON_PATH = Path(__file__).parent / "data" / "category_lexicon.json"
CATALOG_TAXONOMY = Path(__file__).resolve().parent.parent / "catalog" / "data" / "taxonomy.json"


@dataclass(frozen=True)
class ProhibitedType:
    """An Art. 11 type of service that must not be bought from social organizations."""

    rule: str
    label: str
    label_en: str
    label_hant: str
    keywords: tuple[str, ...]
    keywords_en: tuple[str, ...]


@lru_cache(maxsize=4)
def load_lexicon(path: str | None = None) -> dict:
    return json.loads(Path(path or LEXICON_PATH).read_text(encoding="utf-8"))


def _catalog_entries() -> dict[str, dict]:
    """Subcategories from the catalog's default taxonomy file, if present, keyed by name."""
    if not CATALOG_TAXONOMY.exists():
        return {}
    data: Any = json.loads(CATALOG_TAXONOMY.read_text(encoding="utf-8"))
    out: dict[str, dict] = {}
    groups = data["groups"] if isinstance(data, dict) and "groups" in data else data
    for group in groups:
        if not isinstance(group, dict):
            continue
        subs = group["subcategories"] if "subcategories" in group else group.get("categories", [])
        for sub in subs:
            if isinstance(sub, dict) and "name" in sub:
                entry = dict(sub)
                entry.setdefault("group", group.get("name", ""))
                out[sub["name"]] = entry
    return out


def _merge(a: list | tuple | None, b: list | tuple | None) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for x in list(a or []) + list(b or []):
        if x:
            seen.setdefault(x, None)
    return tuple(seen)


def categories(extra: list[CategoryInfo] | None = None) -> list[CategoryInfo]:
    """All subcategories: lexicon, merged with the catalog's taxonomy file and with `extra`
    (e.g. the rows of a live catalog), so names, descriptions and keywords add up."""
    lex = load_lexicon()["categories"]
    cat = _catalog_entries()
    by_name: dict[str, CategoryInfo] = {}
    for name in list(lex) + [n for n in cat if n not in lex]:
        a, b = lex.get(name, {}), cat.get(name, {})
        by_name[name] = CategoryInfo(
            name=name,
            group=a.get("group") or b.get("group", ""),
            name_en=b.get("name_en") or a.get("name_en", ""),
            name_hant=b.get("name_hant") or a.get("name_hant", ""),
            description="；".join(x for x in (a.get("description"), b.get("description")) if x),
            description_en=" ".join(
                x for x in (a.get("description_en"), b.get("description_en")) if x
            ),
            keywords=_merge(a.get("keywords"), b.get("keywords")),
            keywords_en=_merge(a.get("keywords_en"), b.get("keywords_en")),
        )
    for info in extra or []:
        base = by_name.get(info.name)
        if base is None:
            by_name[info.name] = info
            continue
        by_name[info.name] = CategoryInfo(
            name=info.name,
            group=info.group or base.group,
            name_en=info.name_en or base.name_en,
            name_hant=info.name_hant or base.name_hant,
            description=base.description,
            description_en=base.description_en,
            keywords=_merge(base.keywords, info.keywords),
            keywords_en=_merge(base.keywords_en, info.keywords_en),
        )
    return list(by_name.values())


def prohibited_types() -> list[ProhibitedType]:
    """Art. 11 types with their vocabulary (lexicon)."""
    out = []
    for rule, v in load_lexicon()["prohibited"].items():
        out.append(
            ProhibitedType(
                rule=rule,
                label=v["label"],
                label_en=v["label_en"],
                label_hant=v.get("label_hant", v["label"]),
                keywords=tuple(v.get("keywords", [])),
                keywords_en=tuple(v.get("keywords_en", [])),
            )
        )
    return out
