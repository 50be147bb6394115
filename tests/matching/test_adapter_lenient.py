"""The evaluation loader's lenient fallback (a dataset the catalog's import refuses) still writes
through the catalog's commands: a new profile is version 1, and every need is screened."""

from __future__ import annotations

import json

from catalog.models import Need, Organization
from matching.adapter import import_exchange_dir

ORG = {
    "id": "o-x",
    "name": "测试组织",
    "credit_code": "BAD",  # refused by the importer: the lenient path runs
    "org_type": "社会服务机构",
    "categories": ["居家养老", "没有这个类别"],
    "description": "为长者提供助餐和探访服务的社区组织。",
    "service_areas": ["440402005", "440499"],
    "capacity": 2,
}
NEED = {
    "id": "n-x",
    "title": "村道维修",
    "description": "北山村几条村道坑坑洼洼，想请人把路面修补一下。",
    "street": "440402005",
    "posted_by": "拱北街道办事处",
    "beneficiaries": "居民",
    "beneficiary_count": 10,
    "budget_yuan": 1000,
    "months": 3,
    "funding": "财政资金",
}


def test_lenient_load_writes_through_the_commands(session, tmp_path, capsys):
    for name, rec in (("organizations", ORG), ("needs", NEED)):
        (tmp_path / f"{name}.jsonl").write_text(json.dumps(rec, ensure_ascii=False) + "\n")
    import_exchange_dir(session, tmp_path)
    assert "loading leniently" in capsys.readouterr().err
    org, need = session.get(Organization, "o-x"), session.get(Need, "n-x")
    assert org.profile_version == 1 and org.category_names == ["居家养老"]
    assert org.area_codes == ["440402005", "440499"]
    assert need.status == "approved" and need.prohibited_rule == "municipal_maintenance"
