"""A deployed worker compiles its templates when it starts (web.wsgi), not on a visitor's
first request: after `warm_up`, serving pages compiles nothing."""

from __future__ import annotations

from web.platform.warmup import warm_up


def test_after_warm_up_pages_compile_no_template(app, client, monkeypatch):
    warm_up(app)

    def compile_refused(*_args, **_kwargs):  # noqa: ANN002, ANN003
        raise AssertionError("a template was compiled during a request")

    monkeypatch.setattr(app.jinja_env, "compile", compile_refused)
    assert client.get("/login").status_code == 200
    assert client.get("/").status_code == 200


def test_without_warm_up_the_first_page_compiles(app, client, monkeypatch):
    """The test above can fail: a fresh app compiles on its first render."""
    compiled: list[str] = []
    original = app.jinja_env.compile

    def counting(source, name=None, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003
        compiled.append(name)
        return original(source, name, *args, **kwargs)

    monkeypatch.setattr(app.jinja_env, "compile", counting)
    assert client.get("/login").status_code == 200
    assert compiled
