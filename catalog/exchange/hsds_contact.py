"""An organization's public contact data in HSDS 3.0 (catalog.exchange.hsds builds the rest):

- `email` and `website` — the organization's own fields;
- `phones` — one phone object (HSDS phone.json): the number, the extension apart, `cell` for a
  mobile and `voice` for a landline (RFC 6350 types, as HSDS asks);
- `locations` — the office, a physical location of the organization (`organization_id` set,
  unlike the gazetteer's regions where services are delivered) with
  - its `addresses`: HSDS requires a postal code, which the platform does not ask for, so the
    structured address goes out only when the address text names one (邮编519000, or six
    digits at its end); otherwise the address text is the location's `description`;
  - its `schedules`: the opening hours as weekly schedules when they read as such
    (catalog.exchange.hsds_hours), each with the whole text as `description`; otherwise one
    schedule carrying only the text (`description`, which HSDS defines as "a free text
    description of the availability").

Not published: the contact person. HSDS `contacts` would name a natural person to anyone on
the internet; the platform shows that name only to offices and reviewers
(catalog.permissions.see_contact_person), so `contacts` stays empty."""

from __future__ import annotations

import re

from catalog.contact import parse_phone
from catalog.exchange.hsds_directory import Directory, Record, hsds_id
from catalog.exchange.hsds_hours import read_opening_hours
from catalog.models import Organization

STATE_PROVINCE = "广东省"  # the gazetteer is Zhuhai's (catalog/data/zhuhai_streets.csv)
COUNTRY = "CN"
UTC_OFFSET = 8  # China Standard Time, no daylight saving
_POSTAL = re.compile(
    r"[\s,，]*[（(]?\s*(?:邮编|邮政编码)\s*[:：]?\s*([0-9]{6})\s*[）)]?\s*$|\s+([0-9]{6})\s*$"
)


def organization_fields(org: Organization) -> Record:
    """The contact fields of the organization record itself (absent when not given)."""
    return {key: getattr(org, key) for key in ("email", "website") if getattr(org, key)}


def phones(org: Organization) -> list[Record]:
    parsed = parse_phone(org.phone) if org.phone else None
    if parsed is None:
        return []
    phone: Record = {
        "id": hsds_id("phone", org.id),
        "organization_id": hsds_id("organization", org.id),
        "number": parsed.number,
        "type": "cell" if parsed.mobile else "voice",
        "description": "联系电话 / phone",
    }
    if parsed.extension is not None:
        phone["extension"] = parsed.extension
    return [phone]


def office_id(org: Organization) -> str:
    return hsds_id("location", "office", org.id)


def split_postal(address: str) -> tuple[str, str | None]:
    """The address without its postal code, and the code (None when the text has none)."""
    found = _POSTAL.search(address)
    if found is None:
        return address, None
    return address[: found.start()].strip(), found.group(1) or found.group(2)


def office_location(directory: Directory, org: Organization) -> Record | None:
    """The office as a location (one-to-one fields); None without address and opening hours."""
    if not org.address and not org.opening_hours:
        return None
    location: Record = {
        "id": office_id(org),
        "location_type": "physical",
        "organization_id": hsds_id("organization", org.id),
        "name": org.name,
        "description": "社会组织办公地点 / the organization's office",
    }
    if org.address and not addresses(directory, org):
        location["description"] = f"地址 / address: {org.address}"
    return location


def office_locations(directory: Directory, org: Organization) -> list[Record]:
    """The office with its address and schedules, as the organization detail nests it."""
    location = office_location(directory, org)
    if location is None:
        return []
    return [{**location, "addresses": addresses(directory, org), "schedules": schedules(org)}]


def addresses(directory: Directory, org: Organization) -> list[Record]:
    city = directory.city()
    if not org.address or city is None:
        return []
    street, postal = split_postal(org.address)
    if postal is None or not street:
        return []
    address: Record = {
        "id": hsds_id("address", org.id),
        "location_id": office_id(org),
        "address_1": street,
        "city": city.name,
        "state_province": STATE_PROVINCE,
        "postal_code": postal,
        "country": COUNTRY,
        "address_type": "physical",
    }
    district = next((r.name for r in directory.districts() if r.name in street), None)
    if district:
        address["region"] = district
    return [address]


def schedules(org: Organization) -> list[Record]:
    if not org.opening_hours:
        return []
    text = org.opening_hours
    base: Record = {"location_id": office_id(org), "description": text}
    openings = read_opening_hours(text)
    if openings is None:
        return [{"id": hsds_id("schedule", org.id, "text"), **base}]
    return [
        {
            "id": hsds_id("schedule", org.id, str(n)),
            **base,
            "freq": "WEEKLY",
            "byday": ",".join(o.days),
            "opens_at": f"{o.opens}+08:00",
            "closes_at": f"{o.closes}+08:00",
            "timezone": UTC_OFFSET,
        }
        for n, o in enumerate(openings)
    ]
