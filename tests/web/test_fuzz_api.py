"""Property-based fuzzing of every operation in the API's own OpenAPI document, through the WSGI
app (no network): whatever schemathesis generates — valid, boundary or hostile values — the API
must never answer 5xx. Bounded (few examples per operation) so it fits in `make test`."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import (
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from tests.web.api_world import World, bearer, build_world, mint_token

MAX_EXAMPLES = 15


def _no_matching(_session):  # type: ignore[no-untyped-def]
    raise RuntimeError("the fuzzer does not exercise the matcher")


@pytest.fixture
def fuzz_app(app):
    app.config["MATCHER_FACTORY"] = _no_matching
    return app, build_world(app)


def _headers_for(fuzz_app, operation):  # type: ignore[no-untyped-def]
    """Call as a role the operation admits (the office when it may, so the sample needs are in
    scope; else admin), so the fuzzer gets past auth and reaches the input handling. Public
    operations are called anonymously. Revoking a token gets a fresh one each time."""
    roles = operation.definition.raw.get("x-roles") or []
    if not roles:
        return lambda: {}
    role = next((r for r in ("office", "admin", "organization") if r in roles), roles[0])
    if operation.method.upper() == "DELETE" and operation.path == "/tokens":
        return lambda: bearer(mint_token(fuzz_app, role))
    token = mint_token(fuzz_app, role)
    return lambda: bearer(token)


# No 5xx, every answer's status documented, every answer's body as the document describes it.
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]


def _real_ids(world: World) -> dict[str, list[object]]:
    return {
        "need_id": list(world.needs.values()),
        "suggestion_id": list(world.suggestions.values()),
        "org_id": ["o1", "o2"],
    }


def _fuzz(operation, headers, real: dict[str, list[object]]) -> None:  # type: ignore[no-untyped-def]
    """Generated cases; about half of them aimed at objects that exist, so bodies and actions
    are exercised against real rows and not only answered with 404."""

    @given(case=operation.as_strategy(), data=st.data())
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case, data):  # type: ignore[no-untyped-def]
        for name in list(case.path_parameters or {}):
            if name in real and data.draw(st.booleans(), label=f"real {name}"):
                case.path_parameters[name] = data.draw(st.sampled_from(real[name]), label=name)
        case.call_and_validate(headers=headers(), checks=CHECKS)

    run()


def test_api_never_answers_5xx(fuzz_app):
    """Every operation of the document, a bounded number of generated cases each. (The
    schemathesis pytest plugin does not run under this pytest, so operations are driven
    directly with hypothesis.)"""
    app, world = fuzz_app
    api_schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    seen = []
    for result in api_schema.get_all_operations():
        operation = result.ok()
        seen.append(f"{operation.method.upper()} {operation.path}")
        _fuzz(operation, _headers_for(app, operation), _real_ids(world))
    assert len(seen) >= 15, seen
