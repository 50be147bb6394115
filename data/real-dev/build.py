#!/usr/bin/env python3
"""Build the "real texts" development set from the hand-checked items file.

usage: python3 build.py [OUT_DIR]        (default: the folder this script lives in)

Input : items.jsonl beside this script -- one real project title (plus the source's own short
        description where it has one) per line, with its source URL and hand-made labels
        (primary / secondary subcategory, prohibited, lang, beneficiaries, funding).
        ../dev/organizations.jsonl -- the organizations of the synthetic dev set.
        ../zhuhai/streets.csv      -- Zhuhai towns and streets.
Output: organizations.jsonl  byte copy of ../dev/organizations.jsonl
        needs.jsonl          hub-exchange v1 needs (street, posted_by, budget, months, count seeded)
        labels.jsonl, qrels.tsv
                             computed from the labels with the same structural rule as the dev set

Only the standard library is used. Everything random comes from one random.Random(SEED), so
rerunning reproduces the files byte for byte.
"""

import csv
import json
import random
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE.parent
ORGS_SRC = DATA / "dev" / "organizations.jsonl"
STREETS_CSV = DATA / "zhuhai" / "streets.csv"
SEED = 20260415
MIN_DESC, MAX_DESC = 40, 250  # FORMAT.md bounds for need descriptions


# --- the next three functions are the dev set's own rules, copied unchanged -------------------


def covers(areas, street):
    """An organization covers a street if it lists the street, its district, or the whole city."""
    return street in areas or street[:6] in areas or "440400" in areas


def posted_by(street_name):
    if street_name.endswith("街道"):
        return street_name + "办事处"
    if street_name.endswith("镇"):
        return street_name + "人民政府"
    return {
        "南屏科技园": "南屏科技园管理办公室",
        "联港工业区": "联港工业区管理委员会",
        "航空产业园": "航空产业园管理委员会",
        "保税区": "保税区管理委员会",
    }.get(street_name, street_name + "管理机构")


def grade_need(prim, sec, street, orgs):
    """The dev set's grading loop: grade 2 = the org lists the primary subcategory and covers the
    street; grade 1 = it lists the primary but does not cover the street, or lists the secondary
    and covers the street. Unlisted pairs are not relevant."""
    grades = {}
    for o in orgs:
        g = 0
        if prim in o["categories"]:
            g = 2 if covers(o["service_areas"], street) else 1
        elif sec and sec in o["categories"] and covers(o["service_areas"], street):
            g = 1
        if g:
            grades[o["id"]] = g
    return grades


# --- text -----------------------------------------------------------------------------------


def template(item, months):
    """Neutral wrapper for items whose source gives no (or a very short) description: it only
    restates the real title and the beneficiaries the source names, with no category words."""
    t = item["title"]
    q = t if t[0] in "“「" else f"“{t}”"
    if item["lang"] == "zh-Hant":
        return f"擬通過購買社會組織服務實施{q}，服務對象為{item['beneficiaries']}，服務週期{months}個月。"
    return (
        f"拟通过购买社会组织服务实施{q}，服务对象为{item['beneficiaries']}，服务周期{months}个月。"
    )


def need_description(item, months):
    desc = item["description"].strip()
    if len(desc) >= MIN_DESC:
        text = desc
    else:
        text = (desc if not desc or desc[-1] in "。！？”" else desc + "。") + template(item, months)
        if (
            len(text) < MIN_DESC
        ):  # very short title: one more neutral sentence, still no category words
            text += (
                "承接機構按季度報告服務進展。"
                if item["lang"] == "zh-Hant"
                else "承接机构按季度报告服务进展。"
            )
    assert MIN_DESC <= len(text) <= MAX_DESC, (item["id"], len(text))
    return text


def load_jsonl(path):
    return [
        json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
    ]


def load_streets():
    with STREETS_CSV.open(encoding="utf-8") as f:
        return {r["code"]: r["name"] for r in csv.DictReader(f)}


def main(out):
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    items = load_jsonl(HERE / "items.jsonl")
    streets = load_streets()
    # towns and streets only: codes whose 7th digit is 4 are development zones (../zhuhai/SOURCES.md)
    codes = sorted(c for c in streets if c[6] != "4")
    rng = random.Random(SEED)

    if out.resolve() != ORGS_SRC.parent.resolve():
        shutil.copyfile(ORGS_SRC, out / "organizations.jsonl")
    orgs = load_jsonl(ORGS_SRC)

    needs, labels, qrels = [], [], []
    for i, item in enumerate(items, 1):
        assert item["id"] == f"rd-{i:03d}", item["id"]
        code = rng.choice(codes)
        months = rng.choice([6, 12, 12, 12, 24])
        budget = rng.randrange(50_000, 300_001, 10_000)
        count = rng.randrange(20, 301, 5)
        nid = f"need-{i:03d}"
        needs.append(
            {
                "id": nid,
                "title": item["title"],
                "description": need_description(item, months),
                "street": code,
                "posted_by": posted_by(streets[code]),
                "beneficiaries": item["beneficiaries"],
                "beneficiary_count": count,
                "budget_yuan": budget,
                "months": months,
                "funding": item["funding"],
                "lang": item["lang"],
            }
        )
        if item["prohibited"]:
            labels.append({"need": nid, "category": None, "gap": False, "prohibited": True})
            continue
        grades = grade_need(item["primary"], item["secondary"], code, orgs)
        qrels.extend((nid, oid, g) for oid, g in grades.items())
        labels.append(
            {
                "need": nid,
                "category": item["primary"],
                "gap": not any(g == 2 for g in grades.values()),
                "prohibited": False,
            }
        )

    def dump(name, rows):
        (out / name).write_text(
            "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8"
        )

    dump("needs.jsonl", needs)
    dump("labels.jsonl", labels)
    (out / "qrels.tsv").write_text(
        "need_id\torg_id\tgrade\n" + "".join(f"{a}\t{b}\t{c}\n" for a, b, c in qrels),
        encoding="utf-8",
    )
    print(
        f"seed={SEED} orgs={len(orgs)} needs={len(needs)} qrels={len(qrels)} "
        f"prohibited={sum(l['prohibited'] for l in labels)} gaps={sum(l['gap'] for l in labels)}"
    )


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else HERE)
