"""The two forms of the account page; each posts to its own URL, so one cannot half-submit
the other."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice

LANGUAGE_NAMES = {"zh_Hans_CN": "简体中文", "zh_Hant_TW": "繁體中文", "en": "English"}
MAX_DISPLAY_NAME = 100


class PasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"))
    new_password = PasswordField(_l("New password"))
    repeat_password = PasswordField(_l("New password again"))


class PreferencesForm(FlaskForm):
    display_name = StringField(_l("Display name"))
    locale = SelectField(
        _l("Language of the pages"),
        choices=[SelectChoice("", _l("As the browser asks"))]
        + [SelectChoice(code, name) for code, name in LANGUAGE_NAMES.items()],
    )
