"""Bulk exchange of the catalog: the "hub exchange" JSONL format of FORMAT.md (organizations.jsonl,
needs.jsonl) and organization registers as .xlsx/.csv. Imports are all-or-nothing and audited."""

from catalog.exchange.errors import ImportRefused, RowError
from catalog.exchange.exporter import export_directory
from catalog.exchange.import_report import ImportReport
from catalog.exchange.importer import (
    import_dir,
    import_directory,
    import_path,
    import_rows,
)
from catalog.exchange.spreadsheet import (
    export_organizations_table,
    import_organizations_table,
    safe_cell,
)

__all__ = [
    "ImportRefused",
    "ImportReport",
    "RowError",
    "export_directory",
    "export_organizations_table",
    "import_dir",
    "import_directory",
    "import_organizations_table",
    "import_path",
    "import_rows",
    "safe_cell",
]
