"""An organization's contact data: address, contact person, phone, e-mail, website and opening
hours (issue 13, issue 15 item 3). The rules for the three that have a syntax live here, each
as one regex that the domain check (catalog.validation) and the API document
(web.api.organizations states it as the field's `pattern`) share, so a client generated from
the document and the platform agree on every number, address and URL.

The regexes use only what Python and ECMAScript (OpenAPI's dialect) read alike: no named
groups, no lookarounds, no \\d (which Python also applies to full-width digits).

- phone: a Chinese mobile number (1[3-9] and nine more digits, +86 optional, groups of 3-4-4
  may be parted by a space or hyphen) or a landline with its area code (0xx or 0xxx, in
  parentheses or not) and a 7–8 digit number (a space or hyphen may part it), with an optional
  extension (after a space, a hyphen, 转 or ext). A number typed with full-width digits or
  brackets is read after NFKC normalization (what Chinese input methods type).
- e-mail: local part @ domain with a letter top-level domain; no quoted or IP-literal forms.
- website: an http or https URL to a named host, every other character one RFC 3986 allows,
  so HSDS consumers can follow it (`format: uri`).

Who may see which field is catalog.permissions.see_contact_person: everything but the contact
person's name is public directory data (it is published in HSDS)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

CONTACT_KEYS = ("address", "contact_person", "phone", "email", "website", "opening_hours")
# The contact person is a natural person (PIPL): signed-in offices and reviewers see the name,
# the public directory never does. The other keys are the organization's own public data.
PRIVATE_CONTACT_KEYS = ("contact_person",)
# Free text: (fewest, most) characters, as catalog.validation.LIMITS counts them.
TEXT_LIMITS = {"address": (4, 200), "contact_person": (2, 50), "opening_hours": (2, 200)}
MAX_PHONE = 40
MAX_EMAIL = 254  # RFC 5321's path limit
MAX_WEBSITE = 300

_AREA = r"(0[1-9][0-9]{1,2}|\(0[1-9][0-9]{1,2}\))"
_LOCAL = r"[2-9][0-9]{2,3}[ -]?[0-9]{4}"
_EXT_SEP = r"( ?(转|ext\.?) ?|[ -])"
_MOBILE = r"(\+86[ -]?)?1[3-9][0-9]([ -]?[0-9]{4}){2}"
_LANDLINE = rf"{_AREA}[ -]?{_LOCAL}({_EXT_SEP}[0-9]{{1,6}})?"
PHONE_PATTERN = rf"^({_MOBILE}|{_LANDLINE})$"
EMAIL_PATTERN = (
    r"^[A-Za-z0-9_%+-]+(\.[A-Za-z0-9_%+-]+)*"
    r"@([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$"
)
_PCHAR = r"([A-Za-z0-9._~!$&'()*+,;=:@-]|%[0-9A-Fa-f]{2})"
_HOST = r"([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}"
WEBSITE_PATTERN = (
    rf"^https?://{_HOST}(:[0-9]{{1,5}})?(/({_PCHAR}|/)*)?"
    rf"(\?({_PCHAR}|[/?])*)?(#({_PCHAR}|[/?])*)?$"
)

_PHONE = re.compile(PHONE_PATTERN)
_MOBILE_ONLY = re.compile(rf"^{_MOBILE}$")
# The landline again with the extension captured, for HSDS's separate `extension` field.
_EXTENSION = re.compile(rf"^({_AREA}[ -]?{_LOCAL})(?:{_EXT_SEP}([0-9]{{1,6}}))?$")
_EMAIL = re.compile(EMAIL_PATTERN)
_WEBSITE = re.compile(WEBSITE_PATTERN)

PHONE_PROBLEM = (
    "电话号码无效：应为手机号码（如 13812345678，可加 +86）或带区号的固定电话"
    "（如 0756-2212345，可加分机号 转801）",
    "phone: not a valid number; give a mobile number (e.g. 13812345678, +86 optional) or a "
    "landline with its area code (e.g. 0756-2212345, extension optional: 0756-2212345-801)",
)
EMAIL_PROBLEM = (
    "电子邮箱格式无效（如 service@example.org）",
    "email: not a valid e-mail address (e.g. service@example.org)",
)
WEBSITE_PROBLEM = (
    "网站地址无效：应以 http:// 或 https:// 开头（如 https://www.example.org）",
    "website: not a valid address; it must start with http:// or https:// "
    "(e.g. https://www.example.org)",
)


def clean_phone(value: str) -> str:
    """The number as stored: NFKC (full-width digits and brackets become ASCII), no blanks
    around it. Validation judges this form, so what is checked is what is kept."""
    return unicodedata.normalize("NFKC", value).strip()


def _too_long(value: str, limit: int, zh: str, en: str) -> tuple[str, str] | None:
    if len(value) > limit:
        return f"{zh}不能超过{limit}个字符", f"{en}: must be at most {limit} characters"
    return None


def phone_problem(value: str) -> tuple[str, str] | None:
    """(Chinese, English) when the text is no phone number the platform accepts."""
    number = clean_phone(value)
    return _too_long(number, MAX_PHONE, "电话号码", "phone") or (
        None if _PHONE.fullmatch(number) else PHONE_PROBLEM
    )


def email_problem(value: str) -> tuple[str, str] | None:
    address = value.strip()
    return _too_long(address, MAX_EMAIL, "电子邮箱", "email") or (
        None if _EMAIL.fullmatch(address) else EMAIL_PROBLEM
    )


def website_problem(value: str) -> tuple[str, str] | None:
    url = value.strip()
    return _too_long(url, MAX_WEBSITE, "网站地址", "website") or (
        None if _WEBSITE.fullmatch(url) else WEBSITE_PROBLEM
    )


SYNTAX_PROBLEMS = {"phone": phone_problem, "email": email_problem, "website": website_problem}


@dataclass(frozen=True)
class Syntax:
    """A field's syntax as a document states it: the pattern, the length, what a value off it
    is told (Chinese, English)."""

    pattern: str
    max_length: int
    problem: tuple[str, str]


SYNTAXES = {
    "phone": Syntax(PHONE_PATTERN, MAX_PHONE, PHONE_PROBLEM),
    "email": Syntax(EMAIL_PATTERN, MAX_EMAIL, EMAIL_PROBLEM),
    "website": Syntax(WEBSITE_PATTERN, MAX_WEBSITE, WEBSITE_PROBLEM),
}


def clean_contact(key: str, value: object) -> object:
    """A validated contact value as stored: phones by `clean_phone`, the rest stripped."""
    if not isinstance(value, str):
        return value
    return clean_phone(value) if key == "phone" else value.strip()


@dataclass(frozen=True)
class Phone:
    """A stored phone number parted as HSDS wants it: the number, the extension apart."""

    number: str
    extension: int | None
    mobile: bool


def parse_phone(value: str) -> Phone | None:
    """The parts of a valid number; None for one `phone_problem` refuses."""
    number = clean_phone(value)
    if _MOBILE_ONLY.fullmatch(number):
        return Phone(number, None, True)
    found = _EXTENSION.fullmatch(number)
    if found is None:
        return None
    extension = found.group(_EXTENSION.groups)  # the last group: the extension's digits
    return Phone(found.group(1), int(extension) if extension else None, False)
