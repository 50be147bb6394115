"""The daily lists of offices and reviewers: the selected status tab is marked, and no macro a
template imports hides a variable its view passes (the tab bug of issue 13: a macro imported as
`status` made `status == key` compare a macro with a string, so no tab was ever current)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from tests.web.web_world import build_world, login

ROOT = Path(__file__).resolve().parents[2] / "web"
IMPORT = re.compile(r"{%-?\s*from\s+\"([^\"]+)\"\s+import\s+(.+?)\s*-?%}")
INCLUDE = re.compile(r"{%-?\s*(?:include|extends)\s+\"([^\"]+)\"")
CURRENT = re.compile(r'<a href="([^"]*)" aria-current="page">')


@pytest.fixture
def world(app):
    return build_world(app)


def _template(name: str) -> Path:
    for base in (ROOT / "templates", ROOT / "planner" / "templates"):
        if (base / name).exists():
            return base / name
    raise FileNotFoundError(name)


def _imported_names(name: str, seen: set[str] | None = None) -> set[str]:
    """Local names bound by `{% from ... import %}` in a template and everything it includes."""
    seen = seen if seen is not None else set()
    if name in seen:
        return set()
    seen.add(name)
    text = _template(name).read_text("utf-8")
    names = set()
    for _, imports in IMPORT.findall(text):
        for part in imports.split(","):
            names.add(part.split(" as ")[-1].strip())
    for inner in INCLUDE.findall(text):
        names |= _imported_names(inner, seen)
    return names


def _render_calls() -> list[tuple[str, str, set[str]]]:
    """(module, template, keyword names) of every render_template("...", ...) in web/."""
    calls = []
    for path in ROOT.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", None) == "render_template"
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                kwargs = {k.arg for k in node.keywords if k.arg}
                calls.append((str(path.relative_to(ROOT)), node.args[0].value, kwargs))
    return calls


def test_no_imported_macro_hides_a_page_variable(app):
    calls = _render_calls()
    assert len(calls) > 20
    globals_ = set(app.jinja_env.globals)
    clashes = [
        (module, template, sorted(_imported_names(template) & (kwargs | globals_)))
        for module, template, kwargs in calls
        if _imported_names(template) & (kwargs | globals_)
    ]
    assert not clashes, clashes


def test_the_shadow_check_sees_a_clash(tmp_path, monkeypatch):
    """The check itself: an import named like a page variable is found."""
    (tmp_path / "page.html").write_text('{% from "_macros.html" import pager, status %}')
    monkeypatch.setattr(
        "tests.web.test_worklists._template",
        lambda name: tmp_path / name if name == "page.html" else ROOT / "templates" / name,
    )
    assert {"status", "pager"} <= _imported_names("page.html")


@pytest.mark.parametrize(
    ("role", "url", "current"),
    [
        ("office", "/office/", "/office/"),
        ("office", "/office/?status=submitted", "/office/?status=submitted"),
        ("office", "/office/?status=listed", "/office/?status=listed"),
        ("reviewer", "/reviewer/", "/reviewer/?status=submitted"),
        ("reviewer", "/reviewer/?status=listed", "/reviewer/?status=listed"),
    ],
)
def test_the_selected_status_tab_is_marked(client, world, role, url, current):
    login(client, role)
    page = client.get(url).get_data(as_text=True)
    marked = [href.replace("&amp;", "&") for href in CURRENT.findall(page)]
    assert marked == [current], marked


def _uncategorize(app, need_id: str) -> None:
    from catalog.models import Need

    with app.extensions["db"].session() as s:
        need = s.get(Need, need_id)
        need.category_name, need.category_source = None, None
        s.commit()


def test_approve_form_asks_for_a_category_the_need_lacks(app, client, world):
    _uncategorize(app, "n-submitted")
    login(client, "reviewer")
    client.get("/?lang=zh_Hans_CN")
    page = client.get("/reviewer/needs/n-submitted").get_data(as_text=True)
    select = re.search(
        r'<select id="approve-category" name="category" required>(.*?)</select>', page, re.S
    )
    assert select, "the category list is required and has its own id"
    first = re.search(r"<option[^>]*>([^<]*)</option>", select.group(1))
    assert first and first.group(1) == "请选择" and 'value=""' in first.group(0)
    assert 'for="approve-category"' in page


def test_approving_without_a_category_is_refused_naming_the_field(app, client, world):
    from catalog.models import Need

    _uncategorize(app, "n-submitted")
    login(client, "reviewer")
    client.get("/?lang=zh_Hans_CN")
    r = client.post("/reviewer/needs/n-submitted/action/approve", data={"category": ""})
    assert r.status_code == 302
    assert "服务类别" in client.get(r.headers["Location"]).get_data(as_text=True)
    with app.extensions["db"].session() as s:
        assert s.get(Need, "n-submitted").status == "submitted"
    client.post("/reviewer/needs/n-submitted/action/approve", data={"category": "居家养老"})
    with app.extensions["db"].session() as s:
        assert s.get(Need, "n-submitted").status == "approved"


def test_a_need_with_a_category_keeps_it_selected(client, world):
    login(client, "reviewer")
    page = client.get("/reviewer/needs/n-submitted").get_data(as_text=True)
    assert '<option value="居家养老" selected>' in page and "请选择" not in page


def test_no_two_elements_share_an_id_on_any_signed_in_page(app, client):
    """A label points at one control (`for` = its id): a second element with that id (the
    approve form's list beside the need's category) leaves the label pointing elsewhere."""
    from tests.web.test_translations import PAGES
    from tests.web.test_translations import world as translation_world

    urls = translation_world.__wrapped__(app)
    duplicates = {}
    for role, pages in PAGES.items():
        client.post("/logout")
        if role:
            login(client, role)
        for url in pages:
            html = client.get(url.format(**urls)).get_data(as_text=True)
            ids = re.findall(r'\sid="([^"]+)"', html)
            repeated = sorted({i for i in ids if ids.count(i) > 1})
            if repeated:
                duplicates[f"{role}:{url}"] = repeated
    assert not duplicates, duplicates
