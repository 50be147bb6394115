"""The public directory in Open Referral's Human Services Data Specification (HSDS) 3.0: plain
functions from catalog records to HSDS records (dicts), shared by the HSDS API (web/hsds) and
the tabular export (catalog.exchange.hsds_tabular).

The mapping:
- organization — a social organization a person confirmed for a listed need (only those are
  public: catalog.visibility.public_organizations_clause), identified by its unified social
  credit code (organization_identifier);
- service — one per organization × service subcategory it offers, its service areas the
  regions of the organization's profile (from the gazetteer);
- location — one per region of the gazetteer (street, district or the city) where services are
  delivered; service_at_location links a service to each region it serves;
- taxonomy / taxonomy_term — the service taxonomy of the 2021 Zhuhai measures, Art. 8: five
  categories with their 25 subcategories, linked to services by attributes;
- phone, and a location for the office with its address and schedules — the organization's
  public contact data (catalog.exchange.hsds_contact, which says why `contacts` stays empty).

The records it reads, and their ids (name-based UUIDs of the catalog's keys), are
catalog.exchange.hsds_directory's. Nothing non-public goes out: no capacity, staff, rating,
credit entries, outcomes, notes or contact person."""

from __future__ import annotations

from catalog.exchange import hsds_contact
from catalog.exchange.hsds_directory import (
    Directory,
    Record,
    Service,
    hsds_id,
    timestamp,
)
from catalog.models import Category, Organization, Region

HSDS_VERSION = "3.0"
TAXONOMY_KEY = "ZHUHAI-GOV-PURCHASE-ART8"
TAXONOMY_NAME = "珠海市镇（街道）购买社会组织服务目录"
TAXONOMY_DESCRIPTION = (
    "《珠海市镇（街道）购买社会组织服务实施办法》（2021）第八条：五大类服务及其子类。"
    " Services towns and streets may buy from social organizations, Zhuhai measures of 2021, "
    "Art. 8: five categories and their subcategories."
)
CREDIT_CODE = ("CN-USCC", "统一社会信用代码 / unified social credit code")
REGION_CODE_TYPE = "GB/T 2260 行政区划代码 / administrative division code"


# --- taxonomy ----------------------------------------------------------------------------------


def taxonomy() -> Record:
    return {
        "id": hsds_id("taxonomy", TAXONOMY_KEY),
        "name": TAXONOMY_NAME,
        "description": TAXONOMY_DESCRIPTION,
        "version": "2021",
    }


def group_term_id(group: str) -> str:
    return hsds_id("taxonomy_term", "group", group)


def category_term_id(name: str) -> str:
    return hsds_id("taxonomy_term", "category", name)


def _term(term_id: str, code: str, name: str, description: str) -> Record:
    return {
        "id": term_id,
        "code": code,
        "name": name,
        "description": description,
        "taxonomy": TAXONOMY_KEY,
        "taxonomy_id": hsds_id("taxonomy", TAXONOMY_KEY),
        "language": "zh",
    }


def taxonomy_terms(categories: list[Category]) -> list[Record]:
    """The five categories (top level) first, then the subcategories under them."""
    groups: dict[str, Category] = {}
    for c in categories:
        groups.setdefault(c.group, c)
    out = [
        _term(group_term_id(g), g, g, f"{g}（{c.group_en or g}）：第八条服务类别")
        for g, c in groups.items()
    ]
    for c in categories:
        text = c.description or c.name
        if c.description_en:
            text = f"{text} {c.description_en}"
        term = _term(category_term_id(c.name), c.name, c.name, text)
        out.append({**term, "parent_id": group_term_id(c.group)})
    return out


# --- organizations ----------------------------------------------------------------------------


def organization(org: Organization) -> Record:
    """The one-to-one fields (the list shape, compiled/organization_list.json)."""
    return {
        "id": hsds_id("organization", org.id),
        "name": org.name,
        "description": org.description,
        **hsds_contact.organization_fields(org),
        "legal_status": org.org_type,
    }


def organization_identifier(org: Organization) -> Record:
    scheme, kind = CREDIT_CODE
    return {
        "id": hsds_id("organization_identifier", org.id),
        "organization_id": hsds_id("organization", org.id),
        "identifier_scheme": scheme,
        "identifier_type": kind,
        "identifier": org.credit_code,
    }


def organization_detail(directory: Directory, org: Organization) -> Record:
    """An organization with its identifier, phone, office and services (one-to-one fields of
    each service)."""
    services = [service(Service(org, c)) for c in org.categories]
    return {
        **organization(org),
        "phones": hsds_contact.phones(org),
        "locations": hsds_contact.office_locations(directory, org),
        "organization_identifiers": [organization_identifier(org)],
        "services": services,
    }


# --- services, locations, areas ---------------------------------------------------------------


def service(ref: Service) -> Record:
    """The one-to-one fields of a service (compiled/service_list.json without `organization`)."""
    return {
        "id": ref.id,
        "organization_id": hsds_id("organization", ref.org.id),
        "name": ref.category.name,
        "alternate_name": ref.category.name_en or ref.category.name,
        "description": ref.org.description,
        "status": "active",
        "last_modified": timestamp(ref.org.updated_at),
    }


def service_item(ref: Service) -> Record:
    """A service as the paginated list shows it: with its organization."""
    return {**service(ref), "organization": organization(ref.org)}


def attribute(ref: Service) -> Record:
    """The link from a service to its subcategory's taxonomy term."""
    term_id = category_term_id(ref.category.name)
    return {
        "id": hsds_id("attribute", ref.org.id, ref.category.name),
        "link_id": ref.id,
        "taxonomy_term_id": term_id,
        "link_type": "service_category",
        "link_entity": "service",
        "value": ref.category.name,
    }


def location(directory: Directory, region: Region) -> Record:
    """A region of the gazetteer as the place where services are delivered (in the community:
    at home, in community centres of that street or district)."""
    return {
        "id": hsds_id("location", region.code),
        "location_type": "physical",
        "name": region.name,
        "description": f"{directory.region_path(region)}辖区（服务在辖区内提供）",
        "external_identifier": region.code,
        "external_identifier_type": REGION_CODE_TYPE,
    }


def service_area(directory: Directory, ref: Service, region: Region) -> Record:
    return {
        "id": hsds_id("service_area", ref.org.id, ref.category.name, region.code),
        "service_id": ref.id,
        "name": region.name,
        "description": f"{directory.region_path(region)}（行政区划代码 {region.code}）",
    }


def service_at_location(directory: Directory, ref: Service, region: Region) -> Record:
    """The link of a service to one region it serves (one-to-one fields)."""
    return {
        "id": hsds_id("service_at_location", ref.org.id, ref.category.name, region.code),
        "service_id": ref.id,
        "location_id": hsds_id("location", region.code),
        "description": f"{ref.org.name}在{directory.region_path(region)}提供{ref.category.name}服务",
    }


def service_at_location_item(directory: Directory, ref: Service, region: Region) -> Record:
    """The list shape (compiled/service_at_location_list.json): with location and service."""
    return {
        **service_at_location(directory, ref, region),
        "location": location(directory, region),
        "service": service_item(ref),
    }


def service_at_location_detail(directory: Directory, ref: Service, region: Region) -> Record:
    return {
        **service_at_location(directory, ref, region),
        "location": location(directory, region),
    }


def service_detail(directory: Directory, ref: Service) -> Record:
    """A fully nested service: organization, service areas, where it is delivered, taxonomy."""
    areas = directory.areas(ref.org)
    return {
        **service_item(ref),
        "service_areas": [service_area(directory, ref, r) for r in areas],
        "service_at_locations": [service_at_location_detail(directory, ref, r) for r in areas],
        "attributes": [attribute(ref)],
    }
