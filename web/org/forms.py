"""Registration and profile forms. Validation of the organization itself is catalog.validation's
(same rules as the importer and the API); these forms add only the account's own checks."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, SelectMultipleField, StringField, TextAreaField

from catalog.contact import CONTACT_KEYS
from web.platform.input_guard import number_or_text

OPTIONAL_NUMBERS = ("staff", "social_workers")


def _number(raw: str | None) -> int | str | None:
    return number_or_text(raw)


class ProfileForm(FlaskForm):
    name = StringField(_l("Organization name"))
    org_type = SelectField(_l("Type of organization"), choices=[], validate_choice=False)
    description = TextAreaField(_l("What the organization does"))
    categories = SelectMultipleField(_l("Service categories"), choices=[], validate_choice=False)
    service_areas = SelectMultipleField(_l("Service area"), choices=[], validate_choice=False)
    capacity = StringField(_l("Capacity (projects at the same time)"))
    staff = StringField(_l("Staff (optional)"))
    social_workers = StringField(_l("Licensed social workers (optional)"))

    def record(self) -> dict[str, Any]:
        """The profile as an exchange-format organization record (without id/credit code); a
        blank contact field is None, which clears it."""
        data: dict[str, Any] = {
            "name": (self.name.data or "").strip(),
            "org_type": self.org_type.data or None,
            "description": (self.description.data or "").strip(),
            "categories": list(dict.fromkeys(self.categories.data or [])),
            "service_areas": list(dict.fromkeys(self.service_areas.data or [])),
            "capacity": _number(self.capacity.data),
        }
        for name in OPTIONAL_NUMBERS:
            value = _number(getattr(self, name).data)
            if value is not None:
                data[name] = value
        for key in CONTACT_KEYS:
            data[key] = (getattr(self, key).data or "").strip() or None
        return data


# Contact data (catalog.contact), all optional: one text field per key of the record, named as
# the key, so `record` and the profile page's `ProfileForm(obj=org)` need no list of their own.
CONTACT_LABELS = {
    "address": _l("Address"),
    "contact_person": _l("Contact person"),
    "phone": _l("Phone"),
    "email": _l("E-mail"),
    "website": _l("Website"),
    "opening_hours": _l("Opening hours"),
}
for _key in CONTACT_KEYS:
    setattr(ProfileForm, _key, StringField(CONTACT_LABELS[_key]))


class RegistrationForm(ProfileForm):
    credit_code = StringField(_l("Unified social credit code"))
    username = StringField(_l("Username for signing in"))
    password = PasswordField(_l("Password"))
    password2 = PasswordField(_l("Password again"))
