"""Fixtures for matching tests: a small catalog built in code, a lexicon-only classifier
(trained once per session), and the labeled dev set in data/dev."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from catalog.db import Database  # noqa: E402
from catalog.models import Category, Need, Organization, OrgArea  # noqa: E402
from catalog.reference_data import load_defaults  # noqa: E402
from matching.channels.classifier import CategoryClassifier, lexicon_corpus, train_classifier  # noqa: E402
from matching.ranking.pipeline import Matcher  # noqa: E402
from matching.records import NeedRecord, OrgRecord  # noqa: E402
from matching.taxonomy import categories, prohibited_types  # noqa: E402
from tests.labeled import labeled_set

REPO = Path(__file__).resolve().parents[2]


def _dev_dir() -> Path:
    return Path(os.environ.get("MATCHING_DEV_DIR") or labeled_set("dev"))


@pytest.fixture(scope="session")
def dev_dir() -> Path:
    return _dev_dir()


@pytest.fixture(scope="session")
def lexicon_classifier() -> CategoryClassifier:
    """Trained on the shipped lexicon only: no labeled needs, so tests don't depend on dev."""
    return train_classifier(lexicon_corpus(categories(), prohibited_types()))


# Streets of Xiangzhou (440402) and Doumen (440403) districts.
S1, S2, S3 = "440402001", "440402002", "440403100"


def make_orgs() -> list[OrgRecord]:
    return [
        OrgRecord(
            "o-elder-s1",
            "颐康长者服务中心",
            "为长者提供助餐配餐、上门探访、助浴助洁和日间照料。",
            ["居家养老"],
            [S1],
            capacity=3,
        ),
        OrgRecord(
            "o-elder-dist",
            "乐龄社工中心",
            "居家养老服务，独居长者探访，适老化改造。",
            ["居家养老", "心理咨询"],
            ["440402"],
            capacity=2,
        ),
        OrgRecord(
            "o-elder-far",
            "斗门长者之家",
            "长者日间照料、助餐和健康监测。",
            ["居家养老"],
            [S3],
            capacity=2,
        ),
        OrgRecord(
            "o-legal-city",
            "明法法律服务社",
            "法律咨询、普法宣传、法律援助申请协助和人民调解。",
            ["法律援助", "矛盾调解"],
            ["440400"],
            capacity=5,
        ),
        OrgRecord(
            "o-youth",
            "青苗儿童成长中心",
            "流动儿童四点半课堂、亲子活动和儿童保护。",
            ["妇女儿童服务", "社区教育"],
            [S2],
            capacity=0,
        ),
    ]


def need(
    nid: str, title: str, desc: str, street: str = S1, category: str | None = None
) -> NeedRecord:
    return NeedRecord(nid, title, desc, street, beneficiaries="居民", category=category)


@pytest.fixture()
def orgs() -> list[OrgRecord]:
    return make_orgs()


def write_tiny_dataset(d: Path) -> Path:
    """An exchange-format folder with the small catalog and one labeled need."""
    from catalog.credit_code import make_credit_code

    d.mkdir(parents=True, exist_ok=True)
    orgs = [
        {
            "id": o.id,
            "name": o.name,
            "credit_code": make_credit_code("52440402", f"MJ{i:06d}"),
            "org_type": "社会服务机构",
            "categories": o.categories,
            "description": o.description,
            "service_areas": o.areas,
            "capacity": o.capacity,
            "staff": 3,
            "social_workers": 1,
            "founded": 2015,
            "rating": None,
            "lang": "zh-Hans",
        }
        for i, o in enumerate(make_orgs())
    ]
    needs = [
        {
            "id": "n1",
            "title": "独居老人吃饭难",
            "description": "辖区独居长者多，子女不在身边，希望有机构为他们送餐并定期上门探访。",
            "street": S1,
            "posted_by": "拱北街道办事处",
            "beneficiaries": "长者",
            "beneficiary_count": 5,
            "budget_yuan": 1,
            "months": 1,
            "funding": "财政资金",
            "lang": "zh-Hans",
        },
    ]
    (d / "organizations.jsonl").write_text(
        "\n".join(json.dumps(o, ensure_ascii=False) for o in orgs)
    )
    (d / "needs.jsonl").write_text("\n".join(json.dumps(n, ensure_ascii=False) for n in needs))
    (d / "qrels.tsv").write_text(
        "need_id\torg_id\tgrade\nn1\to-elder-s1\t2\nn1\to-elder-dist\t2\nn1\to-elder-far\t1\n"
    )
    (d / "labels.jsonl").write_text(
        '{"need": "n1", "category": "居家养老", "gap": false, "prohibited": false}\n'
    )
    return d


@pytest.fixture()
def db(tmp_path):
    d = Database(f"sqlite:///{tmp_path / 'cat.sqlite'}")
    d.create_all()
    with d.session() as s:
        load_defaults(s)
        for i, o in enumerate(make_orgs()):
            org = Organization(
                id=o.id,
                name=o.name,
                credit_code=f"52440402MJ{i:07d}X",
                org_type="社会服务机构",
                description=o.description,
                capacity=o.capacity,
            )
            org.categories = [s.get(Category, c) for c in o.categories]
            org.areas = [OrgArea(region_code=a, position=k) for k, a in enumerate(o.areas)]
            s.add(org)
        for nid, title, street in (
            ("n1", "独居老人吃饭难，想请人送餐探访", S1),
            ("n2", "邻居天天吵架想请人调解", S3),
        ):
            s.add(
                Need(
                    id=nid,
                    title=title,
                    description=title,
                    street_code=street,
                    posted_by="街道",
                    beneficiaries="居民",
                    beneficiary_count=10,
                    budget_yuan=1000,
                    months=6,
                    funding="财政资金",
                    status="listed",
                )
            )
    yield d
    d.dispose()


@pytest.fixture()
def factory(lexicon_classifier):
    def make(session):
        from matching.adapter import load_orgs

        return Matcher(lexicon_classifier).index(load_orgs(session))

    return make


class FakeEncoder:
    """Deterministic bag-of-characters vectors; counts calls to prove the cache works."""

    model_id = "fake:16"
    dim = 16

    def __init__(self):
        self.calls = 0

    def encode(self, texts):
        self.calls += len(texts)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, t in enumerate(texts):
            for ch in t:
                out[i, ord(ch) % self.dim] += 1
            out[i] /= np.linalg.norm(out[i]) or 1
        return out
