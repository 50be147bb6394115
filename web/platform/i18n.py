"""Locale selection: ?lang= (remembered in the session), else the user's setting, else
Accept-Language. Babel's names are zh_Hans_CN / zh_Hant_TW; <html lang> uses zh-Hans / zh-Hant."""

from __future__ import annotations

from flask import Flask, current_app, request, session
from flask_babel import Babel, get_locale
from flask_login import current_user

HTML_LANG = {"zh_Hans_CN": "zh-Hans", "zh_Hant_TW": "zh-Hant", "en": "en"}
ACCEPT_MAP = {
    "zh": "zh_Hans_CN",
    "zh-cn": "zh_Hans_CN",
    "zh-hans": "zh_Hans_CN",
    "zh-sg": "zh_Hans_CN",
    "zh-tw": "zh_Hant_TW",
    "zh-hk": "zh_Hant_TW",
    "zh-mo": "zh_Hant_TW",
    "zh-hant": "zh_Hant_TW",
    "en": "en",
}


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    asked = request.args.get("lang")
    if asked in languages:
        session["lang"] = asked
        return asked
    if session.get("lang") in languages:
        return session["lang"]
    if getattr(current_user, "is_authenticated", False) and current_user.locale in languages:
        return current_user.locale
    for lang, _q in request.accept_languages:
        mapped = ACCEPT_MAP.get(lang.lower()) or ACCEPT_MAP.get(lang.lower().split("-")[0])
        if mapped:
            return mapped
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def html_lang() -> str:
    return HTML_LANG.get(str(get_locale()), "zh-Hans")


def init_babel(app: Flask, babel: Babel) -> None:
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.globals["html_lang"] = html_lang
