"""Account forms for administrators."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, StringField


class AccountForm(FlaskForm):
    username = StringField(_l("Username"))
    display_name = StringField(_l("Display name"))
    role = SelectField(_l("Role"), choices=[], validate_choice=False)
    scope = StringField(_l("Scope (street or district code, or organization id)"))
    password = PasswordField(_l("Password"))
