"""Contract test: the OpenAPI document says what the API really returns.

One scenario walks a small world through every documented operation, called by every role the
document admits (and anonymously where it is public), including the usual refusals. Each answer
is checked against the document: its status must be documented for the operation, and its JSON
must validate against the schema declared for that status (`$ref`s resolved against the
document's components). Objects are checked closed — a key the document does not name fails as
surely as a required key that is missing or a value of another type — and every property of
every component must have been seen with a value at least once, so a field the document
describes but no serializer writes (or a nullable one whose type changed) fails too.
"""

from __future__ import annotations

import base64
import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from jsonschema import Draft4Validator, FormatChecker
from kombu.exceptions import OperationalError as BrokerError

from catalog.models import Suggestion
from tests.web.api_records_contract import read_records
from tests.web.api_world import (
    ACCOUNTS,
    GONGBEI,
    PASSWORD,
    Api,
    World,
    add_outcomes_and_gaps,
    build_world,
)
from web.api.match_schemas import DECISION_FIELDS
from web.api.schemas import WORKFLOW_FIELDS

PREFIX = "/api/v1"
# Keys a serializer writes all together or not at all (the view depends on the caller).
GROUPS = {"Need": set(WORKFLOW_FIELDS), "Suggestion": set(DECISION_FIELDS)}

FORMATS = FormatChecker(formats=())
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


@FORMATS.checks("date", raises=ValueError)
def _is_date(value: object) -> bool:
    return not isinstance(value, str) or bool(_DATE.match(value) and dt.date.fromisoformat(value))


@FORMATS.checks("date-time", raises=ValueError)
def _is_date_time(value: object) -> bool:
    """RFC 3339: a date, a time and an offset (a naive timestamp is ambiguous to a client)."""
    if not isinstance(value, str):
        return True
    return bool(_DATE_TIME.match(value) and dt.datetime.fromisoformat(value.replace("Z", "+00:00")))


def json_schema(node: Any) -> Any:
    """An OpenAPI 3.0 schema as JSON Schema (draft 4): `nullable` becomes a type array, and an
    object with properties is closed unless it says otherwise."""
    if isinstance(node, list):
        return [json_schema(n) for n in node]
    if not isinstance(node, dict):
        return node
    out = {k: json_schema(v) for k, v in node.items() if k != "nullable"}
    if node.get("nullable") is True and "type" in node:
        out["type"] = [node["type"], "null"]
    if "properties" in node and "additionalProperties" not in node:
        out["additionalProperties"] = False
    return out


def component_name(schema: dict[str, Any]) -> str | None:
    target = schema.get("$ref")
    return target.rsplit("/", 1)[1] if isinstance(target, str) else None


def properties_of(schema: dict[str, Any], owner: str) -> Iterator[str]:
    """Every property path a schema declares, not following `$ref` (components count alone)."""
    for key, sub in schema.get("properties", {}).items():
        yield f"{owner}.{key}"
        yield from properties_of(sub, f"{owner}.{key}")
    if isinstance(schema.get("items"), dict):
        yield from properties_of(schema["items"], f"{owner}[]")


def success_status(op: dict[str, Any]) -> str:
    ok = [s for s in op["responses"] if s.startswith("2")]
    assert len(ok) == 1, ok
    return ok[0]


def basic(label: str, password: str = PASSWORD) -> dict[str, str]:
    raw = f"{ACCOUNTS[label][0]}:{password}".encode()
    return {"Authorization": "Basic " + base64.b64encode(raw).decode()}


@dataclass
class Contract:
    """Calls operations by their documented path and checks each answer against the document."""

    api: Api
    document: dict[str, Any]
    problems: list[str] = field(default_factory=list)
    calls: set[tuple[str, str, str, str | None]] = field(default_factory=set)
    seen: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.components = self.document["components"]["schemas"]
        self.converted = json_schema(self.components)

    def call(
        self,
        who: str | None,
        method: str,
        template: str,
        expect: int,
        *,
        query: str = "",
        headers: dict[str, str] | None = None,
        **params_and_kw: Any,
    ):  # type: ignore[no-untyped-def]
        """`who` is an api_world account label (None: anonymous); path parameters by name."""
        names = re.findall(r"{(\w+)}", template)
        params = {n: params_and_kw.pop(n) for n in names}
        url = PREFIX + template.format(**params) + (f"?{query}" if query else "")
        op = self.document["paths"].get(template, {}).get(method.lower())
        assert op is not None, f"{method} {template} is not in the document"
        response = self.api.client.open(
            url,
            method=method,
            headers={**self.api.headers(who), **(headers or {})},
            **params_and_kw,
        )
        assert response.status_code == expect, (
            f"{method} {url} as {who}: {response.status_code} (expected {expect}) "
            f"{response.get_data(as_text=True)[:500]}"
        )
        role = ACCOUNTS[who][1] if who is not None else None
        self.calls.add((method.lower(), template, str(expect), role))
        self.check(f"{method} {url} as {who}", op, response)
        return response

    def check(self, where: str, op: dict[str, Any], response) -> None:  # type: ignore[no-untyped-def]
        documented = op["responses"].get(str(response.status_code))
        if documented is None:
            self.problems.append(f"{where}: status {response.status_code} is not documented")
            return
        content = documented.get("content", {}).get("application/json")
        if content is None:
            if response.get_data():
                self.problems.append(f"{where}: documented without a body, but one came")
            return
        if response.mimetype != "application/json":
            self.problems.append(f"{where}: {response.mimetype}, documented JSON")
            return
        body = response.get_json()
        root = {
            "allOf": [json_schema(content["schema"])],
            "components": {"schemas": self.converted},
        }
        validator = Draft4Validator(root, format_checker=FORMATS)
        for error in sorted(validator.iter_errors(body), key=lambda e: list(e.absolute_path)):
            path = "/".join(map(str, error.absolute_path)) or "(root)"
            self.problems.append(f"{where}: at {path}: {error.message[:300]}")
        self.observe(where, content["schema"], body, "response")

    def observe(self, where: str, schema: dict[str, Any], value: Any, owner: str) -> None:
        """Note which properties came with a value, and that grouped keys come all together."""
        name = component_name(schema)
        if name is not None:
            self.observe(where, self.components[name], value, name)
            return
        if isinstance(value, dict):
            props = schema.get("properties", {})
            for key, item in value.items():
                if key in props and item is not None:
                    self.seen.add(f"{owner}.{key}")
                    self.observe(where, props[key], item, f"{owner}.{key}")
            group = GROUPS.get(owner, set())
            present = group & set(value)
            if present and present != group:
                self.problems.append(f"{where}: {owner} lacks {sorted(group - present)}")
        elif isinstance(value, list) and isinstance(schema.get("items"), dict):
            for item in value:
                self.observe(where, schema["items"], item, f"{owner}[]")


# ------------------------------------------------------------------ the world


@pytest.fixture
def contract(app, client, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr("web.tasks.update_org_index.delay", lambda _org_id: None)
    world = build_world(app)
    add_outcomes_and_gaps(app)
    api = Api(app, client)
    document = client.get(f"{PREFIX}/openapi.json").get_json()
    return Contract(api, document), world, app


@pytest.fixture
def document(client):  # type: ignore[no-untyped-def]
    return client.get(f"{PREFIX}/openapi.json").get_json()


# ------------------------------------------------------------------ the document itself


def test_every_operation_documents_its_responses(document):
    components = document["components"]["schemas"]
    used: set[str] = set()

    def refs(node: Any) -> Iterator[str]:
        if isinstance(node, dict):
            name = component_name(node)
            if name is not None:
                yield name
            for value in node.values():
                yield from refs(value)
        elif isinstance(node, list):
            for value in node:
                yield from refs(value)

    for path, ops in document["paths"].items():
        for method, op in ops.items():
            where = f"{method.upper()} {path}"
            ok = success_status(op)
            content = op["responses"][ok].get("content")
            if ok == "204":
                assert content is None, where
            else:
                schema = content["application/json"]["schema"]
                target = components.get(component_name(schema) or "", schema)
                assert "properties" in target or "$ref" in target.get("items", {}), (
                    f"{where}: {ok} has no precise schema: {schema}"
                )
            for status, response in op["responses"].items():
                if status == "default" or status.startswith("4"):
                    assert response["content"]["application/json"]["schema"] == {
                        "$ref": "#/components/schemas/Error"
                    }, f"{where} {status}"
            used.update(refs(op))
    todo = list(used)
    while todo:  # what the operations' schemas refer to, transitively
        for name in set(refs(components[todo.pop()])) - used:
            used.add(name)
            todo.append(name)
    assert set(components) == used, f"components no operation uses: {set(components) - used}"
    for name, schema in components.items():
        Draft4Validator.check_schema(json_schema(schema))
        for prop in schema.get("required", []):
            assert prop in schema["properties"], f"{name}.{prop} required but not described"


# ------------------------------------------------------------------ the scenario


def _read_everything(c: Contract, world: World, app) -> None:  # type: ignore[no-untyped-def]
    n = world.needs
    c.call(None, "GET", "/openapi.json", 200)
    for label in ("office", "reviewer", "organization", "planner", "admin"):
        c.call(None, "POST", "/tokens", 201, headers=basic(label))
    c.call(None, "POST", "/tokens", 401, headers=basic("office", "wrong-password-1"))

    for label in ACCOUNTS:
        c.call(label, "GET", "/needs", 200)
        c.call(label, "GET", "/organizations", 200)
        c.call(label, "GET", "/organizations/{org_id}", 200, org_id="o2")
        c.call(label, "GET", "/public/needs", 200)
    c.call("office", "GET", "/needs", 200, query="status=listed&limit=2&offset=0")
    c.call("office", "GET", "/needs", 200, query="q=%E5%85%BB%E8%80%81&sort=title&dir=desc")
    c.call("reviewer", "GET", "/needs", 200, query="from=2024-01-01&to=2099-12-31&sort=updated")
    c.call("office", "GET", "/needs", 422, query="sort=password")
    c.call("office", "GET", "/organizations", 200, query="category=社区矫正&limit=1")
    for label, need in (
        ("office", n["draft"]),
        ("office", "n-closed"),
        ("office_out", n["listed"]),
        ("reviewer", n["submitted"]),
        ("reviewer", "n-failed"),
        ("organization", n["listed"]),
        ("planner", n["approved"]),
        ("admin", "n-gap"),
    ):
        c.call(label, "GET", "/needs/{need_id}", 200, need_id=need)
    for label, need in (
        ("office", n["approved"]),
        ("office_out", n["listed"]),
        ("reviewer", n["listed"]),
        ("organization", n["listed"]),
        ("planner", n["approved"]),
        ("admin", "n-closed"),
    ):
        c.call(label, "GET", "/needs/{need_id}/suggestions", 200, need_id=need)

    c.call(None, "GET", "/public/needs", 200, query="district=440402&limit=1")
    for need in ("n-closed", n["listed"]):
        c.call(None, "GET", "/public/needs/{need_id}", 200, need_id=need)
    for label in ("planner", "admin"):
        c.call(label, "GET", "/gaps", 200)
        c.call(label, "GET", "/gaps/needs", 200)
    c.call("planner", "GET", "/gaps", 200, query="level=district&status=all")
    c.call("admin", "GET", "/gaps/needs", 200, query=f"street={GONGBEI}&since=2024-01-01")

    body = c.call("organization", "GET", "/opportunities", 200).get_json()
    assert body["items"], "matching's results should be this organization's opportunities"
    c.call("organization", "GET", "/opportunities", 200, query="limit=1&offset=1")


def _change_things(c: Contract, world: World) -> None:
    n, s = world.needs, world.suggestions
    listed = n["listed"]
    c.call(
        "organization",
        "POST",
        "/needs/{need_id}/interest",
        200,
        need_id=listed,
        json={"note": "有送餐车"},
    )
    for label in ("office", "reviewer", "admin"):
        c.call(label, "GET", "/needs/{need_id}/interests", 200, need_id=listed)
    c.call("organization", "DELETE", "/needs/{need_id}/interest", 204, need_id=listed)
    c.call("office", "GET", "/needs/{need_id}/interests", 200, need_id=listed)  # withdrawn_at
    c.call("organization", "POST", "/needs/{need_id}/interest", 200, need_id=listed)

    record = {
        "title": "社区长者助餐",
        "description": "辖区独居长者吃饭难，需要送餐上门服务。",
        "beneficiaries": "独居长者",
        "beneficiary_count": 30,
        "budget_yuan": 50_000,
        "months": 12,
        "funding": "财政资金",
    }
    new = c.call("office", "POST", "/needs", 201, json=record).get_json()["id"]
    c.call("admin", "POST", "/needs", 201, json={**record, "street": GONGBEI, "lang": "zh-Hans"})
    thin = {**record, "title": "“邻里同心”计划", "description": "拟通过购买服务实施本计划。"}
    c.call("office", "POST", "/needs", 201, json=thin)  # answered with `text_prompt`
    c.call("office", "PATCH", "/needs/{need_id}", 200, need_id=new, json={"months": 6})
    c.call("admin", "PATCH", "/needs/{need_id}", 200, need_id=new, json={"category": "居家养老"})

    def act(label: str, need: str, action: str, reason: str | None = None) -> None:
        body: dict | None = {"reason": reason} if reason else None
        if action == "close":
            body = {**(body or {}), "confirm": True}
        c.call(
            label, "POST", "/needs/{need_id}/{action}", 200, need_id=need, action=action, json=body
        )

    act("office", new, "submit")
    act("reviewer", new, "return", "请补充服务时间")
    act("office", new, "submit")
    act("reviewer", new, "approve")  # the matcher runs inline

    decisions = (
        ("office", "confirm", s["approved_o1"], None),
        ("admin", "reject", s["approved_o2"], "覆盖范围不足"),
    )
    failed = {sug.org_id: sug.id for sug in _suggestions_of(c, "n-failed")}
    decisions += (
        ("admin", "confirm", failed["o1"], None),
        ("office", "reject", failed["o2"], "已有其他安排"),
    )
    for label, decision, suggestion, reason in decisions:
        body = {"version": 1, **({"reason": reason} if reason else {})}
        path = f"/suggestions/{{suggestion_id}}/{decision}"
        c.call(label, "POST", path, 200, suggestion_id=suggestion, json=body)
    act("office", n["approved"], "list")
    act("office", n["approved"], "match")
    _objections(c, n["approved"])
    act("reviewer", n["approved"], "close", "服务已完成")
    act("admin", n["draft"], "withdraw", "不再需要")

    c.call(
        "organization",
        "PATCH",
        "/organizations/{org_id}",
        200,
        org_id="o1",
        json={
            "founded": 2012,
            "social_workers": 6,
            "capacity": 4,
            "address": "珠海市香洲区拱北街道迎宾南路1号",
            "contact_person": "陈敏",
            "phone": "0756-2212345转801",
            "email": "service@o1.example.org",
            "website": "https://o1.example.org/",
            "opening_hours": "周一至周五 9:00-17:30",
        },
    )
    c.call("admin", "PATCH", "/organizations/{org_id}", 200, org_id="o2", json={"staff": 12})


def _objections(c: Contract, need: str) -> None:
    """Issue 13: anyone objects to a result notice; the reviewer and an admin answer."""
    body = {"name": "居民", "contact": "13800138000", "text": "请核实承接组织的资质"}
    path = "/public/needs/{need_id}/objections"
    first = c.call(None, "POST", path, 201, need_id=need, json=body).get_json()["id"]
    second = c.call(None, "POST", path, 201, need_id=need, json={**body, "name": None})
    for label, objection, public in (
        ("reviewer", first, True),
        ("admin", second.get_json()["id"], False),
    ):
        c.call(
            label,
            "POST",
            "/objections/{objection_id}/answer",
            200,
            objection_id=objection,
            json={"answer": "已核实", "public": public},
        )
    c.call(None, "GET", "/public/needs/{need_id}/result-notice", 200, need_id=need)
    for label in ("office", "reviewer", "admin"):
        c.call(label, "GET", "/needs/{need_id}/objections", 200, need_id=need)
        c.call(label, "GET", "/needs/{need_id}/timeline", 200, need_id=need)


def _broker_away(c: Contract, world) -> None:  # type: ignore[no-untyped-def]
    """The queue unreachable: the change is saved and the answer carries its notice."""

    def away(*_args: object) -> None:
        raise BrokerError("Error 111 connecting to 127.0.0.1:1. Connection refused.")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("web.tasks.match_need.delay", away)
        patch.setattr("web.tasks.update_org_index.delay", away)
        need = world.needs["submitted"]
        path = "/needs/{need_id}/{action}"
        r = c.call("reviewer", "POST", path, 200, need_id=need, action="approve")
        assert r.get_json()["notice"]["code"] == "matching_deferred"
        body = {"capacity": 5}
        r = c.call("organization", "PATCH", "/organizations/{org_id}", 200, org_id="o1", json=body)
        assert r.get_json()["notice"]["message_zh"] == "匹配将稍后进行。"


def _suggestions_of(c: Contract, need_id: str) -> list[Suggestion]:
    with c.api.app.extensions["db"].session() as session:
        return list(session.query(Suggestion).filter_by(need_id=need_id))


def _refusals(c: Contract, world: World) -> None:
    n, s = world.needs, world.suggestions
    c.call(None, "GET", "/needs", 401)
    c.call("organization", "POST", "/needs", 403, json={})
    c.call("organization", "GET", "/gaps", 403)
    c.call("office", "GET", "/needs/{need_id}", 404, need_id="no-such-need")
    c.call(None, "GET", "/public/needs/{need_id}", 404, need_id=n["submitted"])
    c.call("office", "GET", "/needs", 422, query="limit=0")
    c.call("office", "POST", "/needs", 422, json={"title": 5})
    c.call("office", "POST", "/needs", 415, data="title=x", content_type="text/plain")
    c.call("office", "POST", "/needs", 400, data="{", content_type="application/json")
    c.call("office", "POST", "/needs", 413, json={"title": "x" * 300_000})
    c.call("office", "POST", "/needs/{need_id}/{action}", 409, need_id=n["listed"], action="submit")
    c.call(
        "office",
        "POST",
        "/suggestions/{suggestion_id}/confirm",
        409,
        suggestion_id=s["listed_o2"],
        json={"version": 1},
    )


def _planner_actions(c: Contract, app) -> None:  # type: ignore[no-untyped-def]
    """Issue 16: every kind of action and a red flag naming an organization and an office."""
    from tests.planner.planning_world import add_contract_gaps

    add_contract_gaps(app)
    for label in ("planner", "reviewer", "admin"):
        body = c.call(label, "GET", "/planner/actions", 200).get_json()
        kinds = {a["kind"] for a in body["items"]}
        if label != "reviewer":  # the reviewer's 香洲 holds only the bundle
            assert kinds == {"extend_coverage", "incubate", "bundle"}, (label, kinds)
        c.call(label, "GET", "/planner/red-flags", 200)
    c.call("admin", "GET", "/planner/actions", 200, query="district=440403&since=2024-01-01")
    c.call("office", "GET", "/planner/red-flags", 403)


def _notifications(c: Contract, world: World, app) -> None:  # type: ignore[no-untyped-def]
    """Issue 13: each role reads its inbox, marks one notification read, then all. Planners
    and administrators receive no kind yet, so every role's entries are written directly."""
    from catalog.audit import now
    from catalog.models import Notification

    with app.extensions["db"].session() as session:
        for label in ("office", "reviewer", "organization", "planner", "admin"):
            for _ in range(2):
                session.add(
                    Notification(
                        account_id=world.account_ids[label],
                        kind="need_approved",
                        need_id=world.needs["approved"],
                        text_zh="需求已通过审核",
                        text_en="approved",
                        created_at=now(),
                    )
                )
    for label in ("office", "reviewer", "organization", "planner", "admin"):
        items = c.call(label, "GET", "/notifications", 200).get_json()["items"]
        c.call(
            label,
            "POST",
            "/notifications/{notification_id}/read",
            200,
            notification_id=items[0]["id"],
        )
        c.call(label, "POST", "/notifications/read-all", 200)


def test_every_answer_matches_the_document(contract):
    c, world, app = contract
    _read_everything(c, world, app)
    read_records(c, app)
    _planner_actions(c, app)
    _notifications(c, world, app)
    _change_things(c, world)
    _broker_away(c, world)
    _refusals(c, world)
    for label in ("office", "reviewer", "organization", "planner", "admin"):
        c.call(label, "DELETE", "/tokens", 204)

    shown = c.problems[:40] + [f"… and {len(c.problems) - 40} more"] * (len(c.problems) > 40)
    assert not c.problems, "answers that do not match the document:\n" + "\n".join(shown)

    missing = []
    for path, ops in c.document["paths"].items():
        for method, op in ops.items():
            for role in op.get("x-roles") or [None]:
                if (method, path, success_status(op), role) not in c.calls:
                    missing.append(f"{method.upper()} {path} as {role or 'anyone'}")
    assert not missing, "operations the scenario never called successfully:\n" + "\n".join(missing)

    declared = {p for name, schema in c.components.items() for p in properties_of(schema, name)}
    unseen = sorted(declared - c.seen)
    assert not unseen, f"properties never seen with a value in any answer: {unseen}"
