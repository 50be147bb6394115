"""The need form. Fields carry the exchange-format names so catalog.validation judges the
form exactly as it judges an import or an API call; WTForms only renders and guards CSRF."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField

from catalog.validation import FUNDING
from web.platform.input_guard import number_or_text

NUMBER_FIELDS = ("beneficiary_count", "budget_yuan", "months")


class NeedForm(FlaskForm):
    title = StringField(_l("Title"))
    description = TextAreaField(_l("Description of the need"))
    beneficiaries = StringField(_l("Beneficiaries"))
    beneficiary_count = StringField(_l("Number of beneficiaries"))
    budget_yuan = StringField(_l("Budget (yuan)"))
    months = StringField(_l("Duration (months)"))
    funding = SelectField(_l("Funding"), choices=[], validate_choice=False)
    category = SelectField(_l("Service category"), choices=[], validate_choice=False)
    street = SelectField(_l("Street / town"), choices=[], validate_choice=False)

    def record(self) -> dict[str, Any]:
        """The form as an exchange-format record: numbers parsed when they parse, left as
        text otherwise so the validator reports "must be a whole number"."""
        data: dict[str, Any] = {
            "title": (self.title.data or "").strip(),
            "description": (self.description.data or "").strip(),
            "beneficiaries": (self.beneficiaries.data or "").strip(),
            "funding": self.funding.data or None,
            "category": self.category.data or None,
            "street": self.street.data or None,
        }
        for name in NUMBER_FIELDS:
            data[name] = number_or_text(getattr(self, name).data)
        return data


def funding_choices() -> list[tuple[str, str]]:
    from web.pages.display import FUNDING_LABELS

    return [(f, str(FUNDING_LABELS.get(f, f))) for f in FUNDING]
