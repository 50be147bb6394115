"""Property-based fuzzing of every HTML form the site accepts: whatever is typed or pasted into
a form's fields — nothing, megabytes, control characters, huge or negative numbers, spreadsheet
formulas, unknown fields — a page never answers 5xx. The routes come from the URL map (the same
list the route × role access test uses), the field names from the form's own page."""

from __future__ import annotations

import html
import re

import pytest
from flask import Flask, url_for
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.web.test_access import RULES, _client, access_app, samples  # noqa: F401 - fixture
from tests.web.test_office import GOOD

MAX_EXAMPLES = 25
ROLE_PREFERENCE = ("office", "reviewer", "organization", "admin", "planner")
GENERIC_FIELDS = ["version", "reason", "note", "q", "page"]
INPUT = re.compile(r"<input\b[^>]*>")
TEXTAREA = re.compile(r'<textarea\b[^>]*\bname="([^"]+)"[^>]*>(.*?)</textarea>', re.S)
SELECT = re.compile(r'<select\b[^>]*\bname="([^"]+)"[^>]*>(.*?)</select>', re.S)
OPTION = re.compile(r'(<option\b[^>]*\bvalue="([^"]*)"[^>]*>)', re.S)
# Forms whose page starts empty: a submission that passes validation, to fuzz from.
VALID_BASE = {
    "office.new_need": GOOD,
    "reviewer.add_credit": {"kind": "warning", "date": "2024-01-15", "source": "珠海市民政局"},
}

HOSTILE = st.one_of(
    st.text(max_size=40),
    st.text(st.characters(codec="utf-8"), min_size=1, max_size=200),
    st.integers().map(str),
    st.sampled_from(
        [
            "",
            " ",
            "x" * 70_000,
            "9" * 40,
            "-1",
            "0",
            "1e309",
            "NaN",
            "\x00",
            "\u202e\u200b",
            '=HYPERLINK("http://x")',
            "<script>alert(1)</script>",
            "' OR 1=1 --",
            "9999-99-99",
            "9999-12-31",
            "0001-01-01",
            "²",
            "①",
            "１２",
            "99999999999999999999",
            "理" * 2001,
        ]
    ),
)

PAGE_POSTS = [(e, r, m) for e, r, m in RULES if m == "POST" and not r.startswith("/api/")]


def _role_for(app: Flask, endpoint: str) -> str:
    allowed = {str(r) for r in getattr(app.view_functions[endpoint], "allowed_roles", ())}
    if "*" in allowed:
        return "anonymous"
    return next(r for r in ROLE_PREFERENCE if r in allowed)


def _attr(tag: str, name: str) -> str | None:
    m = re.search(rf'\b{name}="([^"]*)"', tag)
    return html.unescape(m.group(1)) if m else None


def _page_form(client, url: str, rule_methods: set[str]) -> dict[str, str]:  # noqa: ANN001
    """The form as its page fills it in (inputs' values, textareas, selected options), so the
    fuzzer starts from a submission that passes and reaches the code behind validation."""
    if "GET" not in rule_methods:
        return {}
    page = client.get(url).get_data(as_text=True)
    form: dict[str, str] = {}
    for tag in INPUT.findall(page):
        name, kind = _attr(tag, "name"), (_attr(tag, "type") or "text")
        if not name or name == "csrf_token" or kind in ("submit", "button", "file"):
            continue
        if kind in ("checkbox", "radio") and "checked" not in tag:
            continue
        form[name] = _attr(tag, "value") or ("y" if kind == "checkbox" else "")
    for name, text in TEXTAREA.findall(page):
        form[name] = html.unescape(text)
    for name, body in SELECT.findall(page):
        options = OPTION.findall(body)
        chosen = [v for tag, v in options if "selected" in tag] or [v for _, v in options if v]
        if chosen:
            form[name] = html.unescape(chosen[0])
    return form


def _prepared(prepared_app, endpoint: str):  # noqa: ANN001, ANN202
    """A signed-in client of a role the form admits, the form's URL and a passing submission."""
    app, world = prepared_app
    role = _role_for(app, endpoint)
    values = samples(world, endpoint, role)
    if endpoint == "office.edit_need":
        values["need_id"] = world.needs["draft"]  # a submitted need is not editable: 409 only
    flask_rule = app.url_map._rules_by_endpoint[endpoint][0]
    with app.test_request_context():
        url = url_for(endpoint, **{k: values[k] for k in flask_rule.arguments})
    client, _ = _client(app, world, role, api=False)
    base = {
        **_page_form(client, url, set(flask_rule.methods or ())),
        **VALID_BASE.get(endpoint, {}),
    }
    return client, url, role, base


@pytest.mark.parametrize(
    ("endpoint", "rule"), [(e, r) for e, r, _ in PAGE_POSTS], ids=[r for _, r, _ in PAGE_POSTS]
)
def test_form_never_answers_5xx(access_app, endpoint: str, rule: str):  # noqa: F811
    client, url, role, base = _prepared(access_app, endpoint)
    names = sorted(set(base) | set(GENERIC_FIELDS))
    # Mostly one real field made hostile (deep: the rest of the form passes), sometimes several
    # fields and made-up names at once.
    one_field = st.builds(lambda k, v: {k: v}, st.sampled_from(names), HOSTILE)
    many = st.dictionaries(
        st.one_of(st.sampled_from(names), st.text(min_size=1, max_size=12)), HOSTILE, max_size=4
    )
    overrides = st.one_of(one_field, one_field, many)

    @given(changes=overrides)
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def post(changes: dict[str, str]) -> None:
        data = {**base, **changes}
        r = client.post(url, data=data)
        assert r.status_code < 500, (role, url, data, r.get_data(as_text=True)[:800])

    post()


def test_every_form_is_fuzzed():
    assert len(PAGE_POSTS) >= 10, PAGE_POSTS


@pytest.mark.parametrize(
    ("endpoint", "rule"), [(e, r) for e, r, _ in PAGE_POSTS], ids=[r for _, r, _ in PAGE_POSTS]
)
def test_control_characters_in_any_field_never_5xx(access_app, endpoint: str, rule: str):  # noqa: F811
    """Every field in turn, the rest of the form valid: a NUL byte (PostgreSQL refuses it in
    text), other C0 controls and a lone right-to-left override."""
    client, url, role, base = _prepared(access_app, endpoint)
    for name in sorted(base):
        for bad in ("社区\x00长者", "a\x01\x1b[31mb", "\u202e"):
            r = client.post(url, data={**base, name: bad})
            assert r.status_code < 500, (role, url, name, repr(bad), r.get_data(as_text=True)[:800])


def test_the_refusal_names_the_field(access_app):  # noqa: F811
    client, url, _, base = _prepared(access_app, "office.new_need")
    r = client.post(url, data={**base, "title": "社区\x00长者"})
    assert r.status_code == 400
    assert "title" in r.get_data(as_text=True)
    search = client.get("/?q=a%00b")
    assert search.status_code == 400 and "q" in search.get_data(as_text=True)


def test_the_refusal_speaks_the_readers_language(access_app):  # noqa: F811
    client, url, _, base = _prepared(access_app, "office.new_need")
    page = client.post(url + "?lang=zh_Hans_CN", data={**base, "title": "社区\x00长者"})
    assert "控制字符" in page.get_data(as_text=True)
