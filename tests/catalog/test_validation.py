"""Validation of each field of organizations and needs: required, types, ranges, limits, and
references to regions and categories that must exist. Errors name the field in zh and en."""

import pytest

from catalog.validation import validate_need, validate_organization


def fields(errors):
    return {e.field for e in errors}


def test_valid_records_pass(ref, org_rec, need_rec):
    assert validate_organization(org_rec(), ref) == []
    assert validate_need(need_rec(), ref) == []


def test_errors_are_bilingual_and_name_the_field(ref, need_rec):
    (error,) = validate_need(need_rec(budget_yuan=-1), ref)
    assert error.field == "budget_yuan"
    assert "不能小于0" in error.zh and "less than 0" in error.en
    assert str(error).startswith("budget_yuan: ")


@pytest.mark.parametrize(
    "field",
    [
        "id",
        "name",
        "credit_code",
        "org_type",
        "description",
        "categories",
        "service_areas",
        "capacity",
    ],
)
def test_organization_required_fields(ref, org_rec, field):
    data = org_rec()
    del data[field]
    assert field in fields(validate_organization(data, ref))
    data[field] = None
    assert field in fields(validate_organization(data, ref))


@pytest.mark.parametrize("field", ["staff", "social_workers", "founded", "rating", "lang"])
def test_organization_optional_fields(ref, org_rec, field):
    data = org_rec()
    del data[field]
    assert validate_organization(data, ref) == []


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", 123),
        ("name", "x"),
        ("name", "名" * 121),
        ("description", "太短"),
        ("description", "长" * 2001),
        ("credit_code", "52440402MJL123456X"),
        ("org_type", "公司"),
        ("categories", []),
        ("categories", "居家养老"),
        ("categories", ["居家养老", "居家养老"]),
        ("categories", ["养猪"]),
        ("service_areas", []),
        ("service_areas", ["440499999"]),
        ("service_areas", ["110000"]),
        ("capacity", -1),
        ("capacity", 1001),
        ("capacity", 2.5),
        ("capacity", "3"),
        ("capacity", True),
        ("staff", -3),
        ("social_workers", "five"),
        ("founded", 1800),
        ("founded", 2101),
        ("rating", "AAAAAA"),
        ("rating", "优秀"),
        ("lang", "fr"),
    ],
)
def test_organization_bad_values(ref, org_rec, field, value):
    errors = validate_organization(org_rec(**{field: value}), ref)
    assert fields(errors) == {field}, errors


def test_service_area_levels_street_district_city(ref, org_rec):
    for areas in (["440402005"], ["440403"], ["440400"], ["440402005", "440404"]):
        assert validate_organization(org_rec(service_areas=areas), ref) == []


def test_unknown_values_are_named_in_the_message(ref, org_rec, need_rec):
    (error,) = validate_organization(org_rec(categories=["居家养老", "养猪"]), ref)
    assert "养猪" in error.zh and "养猪" in error.en
    (error,) = validate_need(need_rec(street="440402999"), ref)
    assert error.field == "street" and "440402999" in error.en


@pytest.mark.parametrize(
    "field",
    [
        "id",
        "title",
        "description",
        "street",
        "posted_by",
        "beneficiaries",
        "beneficiary_count",
        "budget_yuan",
        "months",
        "funding",
    ],
)
def test_need_required_fields(ref, need_rec, field):
    data = need_rec()
    del data[field]
    assert field in fields(validate_need(data, ref))


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("budget_yuan", -1),
        ("budget_yuan", 100_000_001),
        ("budget_yuan", "十万"),
        ("months", 0),
        ("months", 37),
        ("months", 12.5),
        ("beneficiary_count", 0),
        ("title", "长" * 121),
        ("title", ""),
        ("description", "太短了"),
        ("description", "长" * 2001),
        ("posted_by", "x"),
        ("beneficiaries", ""),
        ("street", "440402"),  # a district is not a street
        ("street", "440402999"),
        ("funding", "银行贷款"),
        ("lang", "de"),
        ("status", "published"),
        ("category", "养猪"),
    ],
)
def test_need_bad_values(ref, need_rec, field, value):
    errors = validate_need(need_rec(**{field: value}), ref)
    assert fields(errors) == {field}, errors


@pytest.mark.parametrize(("field", "value"), [("months", 1), ("months", 36), ("budget_yuan", 0)])
def test_need_range_edges_are_allowed(ref, need_rec, field, value):
    assert validate_need(need_rec(**{field: value}), ref) == []


def test_several_problems_are_all_reported(ref, need_rec):
    errors = validate_need(need_rec(months=0, budget_yuan=-5, street="999"), ref)
    assert fields(errors) == {"months", "budget_yuan", "street"}


@pytest.mark.parametrize("bad", ["社区\x00长者", "a\x1bb", "x\x7fy"])
def test_control_characters_in_text_are_refused(ref, need_rec, bad):
    """A NUL would make PostgreSQL refuse the whole import with a database error; the record is
    refused by name instead. Tabs and line breaks stay allowed in descriptions."""
    errors = validate_need(need_rec(title=bad), ref)
    assert [(e.field, e.en) for e in errors] == [("title", "must not contain control characters")]
    assert validate_need(need_rec(description="第一行\n第二行\t含制表符，描述足够长。"), ref) == []
