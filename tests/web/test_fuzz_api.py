"""Property-based testing of every operation in the API's own OpenAPI document with every check
schemathesis has, for every role, through the WSGI app (no network).

Why all checks and not only "no 5xx": the document is a contract integrators generate clients
from. `positive_data_acceptance` fails when the server refuses a request the document allows
(an undeclared rule), `negative_data_rejection` when it accepts one the document forbids (a
declared rule the server does not apply), `status_code_conformance`, `content_type_conformance`,
`response_schema_conformance` and `response_headers_conformance` when an answer is not as
documented, `ignored_auth` when an operation that declares auth answers without it, and the
stateful run (links schemathesis infers: create a need, then read, edit and act on it) adds
`use_after_free` and `ensure_resource_availability`.

Per role (anonymous and one account of each role) and operation, EXAMPLES positive and EXAMPLES
negative cases, each authenticated as that role with a fresh token (POST /tokens: the role's
password); then a short stateful run per role. Derandomized, so CI sees the same cases every
run. (The schemathesis pytest plugin does not run under this pytest, so operations are driven
with hypothesis directly.)"""

from __future__ import annotations

import base64
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.core.failures import Failure, FailureGroup

from tests.web.api_world import ACCOUNTS, GONGBEI, PASSWORD, World, build_world, mint_token

ROLES = ("anonymous", "office", "reviewer", "organization", "planner", "admin")
# Per role, operation and generation mode; FUZZ_EXAMPLES=50 for a deeper run by hand.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "5"))
STATEFUL_EXAMPLES = max(4, EXAMPLES)
STATEFUL_STEPS = 6
MIN_CASES_PER_ROLE = 170  # six roles: over 1,000 generated cases in all
SETTINGS = dict(
    deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck)
)


def _no_matching(_session):  # type: ignore[no-untyped-def]
    raise RuntimeError("the fuzzer does not exercise the matcher")


@dataclass
class Findings:
    """Every failure seen (first example per operation and check), and how many cases ran."""

    cases: int = 0
    failures: dict[tuple[str, str], str] = field(default_factory=dict)

    def validate(self, label: str, validate: Callable[[], Any]) -> None:
        self.cases += 1
        try:
            validate()
        except (FailureGroup, Failure) as exc:
            for failure in getattr(exc, "exceptions", [exc]):
                key = (label, type(failure).__name__)
                self.failures.setdefault(key, str(failure)[:1500])

    def report(self) -> str:
        return "\n\n".join(f"{op} — {check}\n{text}" for (op, check), text in self.failures.items())


def _credentials(app: Flask, role: str) -> type:
    """An auth provider for schemathesis: a fresh Bearer token of the role for every case (so
    revoking one does not starve the next), HTTP Basic with the role's password for POST
    /tokens. Registered as the schema's auth, so schemathesis knows the credentials are real
    (`ignored_auth` then probes without them and with wrong ones)."""
    username = ACCOUNTS[role][0]
    basic = "Basic " + base64.b64encode(f"{username}:{PASSWORD}".encode()).decode()

    class RoleCredentials:
        def get(self, case, ctx):  # type: ignore[no-untyped-def]
            if case.operation.method.upper() == "POST" and case.operation.path == "/tokens":
                return basic
            return "Bearer " + mint_token(app, role)

        def set(self, case, data, ctx):  # type: ignore[no-untyped-def]
            case.headers = dict(case.headers or {})
            case.headers["Authorization"] = data

    return RoleCredentials


def _schema(app: Flask, role: str):  # type: ignore[no-untyped-def]
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    if role != "anonymous":
        schema.auth(refresh_interval=None)(_credentials(app, role))
    return schema


def _real_ids(world: World) -> dict[str, list[Any]]:
    return {
        "need_id": list(world.needs.values()),
        "suggestion_id": list(world.suggestions.values()),
        "org_id": ["o1", "o2"],
    }


def _aim(case, data, real: dict[str, list[Any]], role: str) -> None:  # type: ignore[no-untyped-def]
    """About half of the valid cases aimed at rows that exist, so bodies and actions reach real
    needs and suggestions rather than 404. An admin has no street of its own, so the document
    cannot make `street` required for admins only; the admin's valid posts get one."""
    for name in list(case.path_parameters or {}):
        if name in real and data.draw(st.booleans(), label=f"real {name}"):
            case.path_parameters[name] = data.draw(st.sampled_from(real[name]), label=name)
    _street_for_admin(case, role)


def _street_for_admin(case, role: str) -> None:  # type: ignore[no-untyped-def]
    posting = case.operation.method.upper() == "POST" and case.operation.path == "/needs"
    if role == "admin" and posting and isinstance(case.body, dict):
        case.body.setdefault("street", GONGBEI)


def _fuzz_operation(operation, mode: GenerationMode, role: str, real, findings: Findings) -> None:  # type: ignore[no-untyped-def]
    label = f"{operation.method.upper()} {operation.path} [{role}, {mode.value}]"

    @given(case=operation.as_strategy(generation_mode=mode), data=st.data())
    @settings(max_examples=EXAMPLES, **SETTINGS)
    def run(case, data):  # type: ignore[no-untyped-def]
        if mode == GenerationMode.POSITIVE:
            _aim(case, data, real, role)
        findings.validate(label, case.call_and_validate)

    run()


def _stateful(schema, role: str, findings: Findings) -> None:  # type: ignore[no-untyped-def]
    """Sequences along the links schemathesis infers (POST /needs → GET/PATCH/actions on the new
    need, suggestions → decisions, …), each response checked with the run's recorder, which is
    what `use_after_free` and `ensure_resource_availability` look at."""
    base = schema.as_state_machine()

    class Machine(base):  # type: ignore[misc, valid-type]
        def before_call(self, case):  # type: ignore[no-untyped-def]
            if case.meta is None or case.meta.generation.mode.is_positive:
                _street_for_admin(case, role)

        def validate_response(self, response, case, additional_checks=None, **kwargs):  # type: ignore[no-untyped-def]
            label = f"{case.operation.method.upper()} {case.operation.path} [{role}, stateful]"
            findings.validate(
                label, lambda: super(Machine, self).validate_response(response, case, **kwargs)
            )

    Machine.run(
        settings=settings(
            max_examples=STATEFUL_EXAMPLES, stateful_step_count=STATEFUL_STEPS, **SETTINGS
        )
    )


@pytest.fixture
def fuzz_app(app):
    app.config["MATCHER_FACTORY"] = _no_matching
    return app, build_world(app)


@pytest.mark.parametrize("role", ROLES)
def test_api_keeps_its_contract_for_every_role(fuzz_app, role: str):
    """Every operation, positive and negative cases, all checks; then the stateful run."""
    app, world = fuzz_app
    schema = _schema(app, role)
    findings = Findings()
    operations = [result.ok() for result in schema.get_all_operations()]
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            _fuzz_operation(operation, mode, role, _real_ids(world), findings)
    _stateful(schema, role, findings)
    assert not findings.failures, findings.report()
    assert len(operations) >= 20, [f"{o.method} {o.path}" for o in operations]
    assert findings.cases >= MIN_CASES_PER_ROLE, findings.cases


def test_every_check_is_on():
    """The run above uses schemathesis's default set, which is every built-in check: none is
    switched off by configuration (a future default-off check would show up here)."""
    from schemathesis.checks import CHECKS, load_all_checks

    load_all_checks()
    config = schemathesis.openapi.from_dict(
        {"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {}}
    ).config.checks_config_for(operation=None, phase=None)
    names = {getattr(c, "__name__", type(c).__name__) for c in CHECKS.get_all()}
    off = sorted(n for n in names if not config.get_by_name(name=n).enabled)
    assert not off, off
    for name in (
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_schema_conformance",
        "response_headers_conformance",
        "negative_data_rejection",
        "positive_data_acceptance",
        "use_after_free",
        "ensure_resource_availability",
        "ignored_auth",
    ):
        assert name in names, name
