"""Every HTML page of the app, per role, read from the app's URL map (so a new page is checked
without anyone remembering to add it), with its URL parameters filled from the test world;
and the two checks each page must pass in a phone-sized Chromium: no sideways scrolling and no
serious or critical axe-core finding."""

from __future__ import annotations

from flask import Flask

PUBLIC = "*"
ROLES = ("office", "reviewer", "organization", "planner", "admin")
# Not pages: machine formats and the API (its reference page excepted), assets, the health probe.
NOT_PAGES = ("/api/", "/hsds/", "/health", "/static/", "/planner/static/")
PAGES_UNDER_API = ("/api/v1/docs",)
# Each URL parameter and the values of the test world to fill it with (several where the page
# looks different: a need in each state). `account_id` and `draw_id` come from the world.
NEEDS = ("n-draft", "n-submitted", "n-approved", "n-listed", "n-gap", "n-matched", "n-closed")
VALUES: dict[str, tuple[str, ...]] = {"need_id": NEEDS, "org_id": ("org-elder", "org-meal")}
SERIOUS = ("serious", "critical")


def is_page(rule: str) -> bool:
    """An HTML page: not the API or a machine format (a last segment with a dot: .csv, .json)."""
    if rule.startswith(PAGES_UNDER_API):
        return "<" not in rule
    return not rule.startswith(NOT_PAGES) and "." not in rule.rsplit("/", 1)[-1]


def _roles(view) -> set[str]:
    return {str(getattr(r, "value", r)) for r in getattr(view, "allowed_roles", ()) or ()}


def page_urls(app: Flask, role: str | None, values: dict[str, tuple[str, ...]]) -> list[str]:
    """The GET pages `role` may open (None: the public, signed out), every parameter filled.
    A parameter the world cannot fill fails loudly, so a new kind of page is not skipped."""
    urls: list[str] = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if "GET" not in (rule.methods or ()) or not is_page(rule.rule):
            continue
        roles = _roles(app.view_functions[rule.endpoint])
        if (PUBLIC in roles) != (role is None) or (role is not None and role not in roles):
            continue
        combos: list[dict[str, str]] = [{}]
        for arg in sorted(rule.arguments):
            if arg not in values:
                raise AssertionError(f"{rule.rule}: no test value for <{arg}>; add it to VALUES")
            combos = [dict(c, **{arg: v}) for c in combos for v in values[arg]]
        with app.test_request_context():
            from flask import url_for

            urls += [url_for(rule.endpoint, **c) for c in combos]
    return urls


OVERFLOW_JS = """
const width = window.innerWidth, doc = document.documentElement.scrollWidth;
if (doc <= width) return null;
const wide = [];
for (const el of document.querySelectorAll('body *')) {
  const r = el.getBoundingClientRect();
  if (r.right > width + 1 && r.width > 0) {
    wide.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
      (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '') +
      ' ' + Math.round(r.right));
  }
}
return doc + ' px in ' + width + ': ' + wide.slice(0, 6).join(', ');
"""


SMALL_TARGETS_JS = """
const small = [];
for (const el of document.querySelectorAll('main button, main .btn, main input[type=submit]')) {
  if (el.closest('.swagger-ui')) continue;  // Swagger UI's own widgets
  const r = el.getBoundingClientRect();
  if (r.width > 0 && (r.height < 44 || r.width < 44)) {
    small.push((el.id ? '#' + el.id : el.tagName.toLowerCase()) + ' ' + Math.round(r.width) + 'x' + Math.round(r.height));
  }
}
return small.slice(0, 6);
"""


def small_targets(driver) -> list[str]:
    """Buttons smaller than 44×44 px (WCAG 2.5.5), to be checked at phone width."""
    return driver.execute_script(SMALL_TARGETS_JS)


def overflow(driver) -> str | None:
    """None when the page fits the window; else how wide it is and the widest elements."""
    return driver.execute_script(OVERFLOW_JS)


# axe-core 3.1 (the one axe-selenium-python bundles) predates HTML 5.2's <div> groups inside
# <dl> (<dl><div><dt/><dd/></div></dl>) and flags them; later axe-core versions accept them.
AXE_OPTIONS = '{"rules": {"dlitem": {"enabled": false}}}'
AXE_RUN = "var done = arguments[arguments.length - 1]; axe.run(document, %s).then(done);"


def axe_findings(driver) -> list[str]:
    """The serious and critical axe-core violations of the page, one line per rule."""
    from axe_selenium_python import Axe

    Axe(driver).inject()
    results = driver.execute_async_script(AXE_RUN % AXE_OPTIONS)
    return [
        f"{v['id']} ({v['impact']}): " + "; ".join(" ".join(n["target"]) for n in v["nodes"][:4])
        for v in results["violations"]
        if v.get("impact") in SERIOUS
    ]


def phone(driver, width: int = 390, height: int = 844) -> None:
    """An exact phone-sized viewport (a window size would include the browser's own frame).
    Not emulated as "mobile": a mobile viewport zooms out to fit a too-wide page, and the page
    would then seem to fit."""
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
    )


def desktop(driver, width: int = 1366, height: int = 900) -> None:
    phone_off = {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False}
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", phone_off)
