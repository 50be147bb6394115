"""Domain commands: each rule that changes the catalog has one home here, and the office pages,
the JSON API, the importer and background tasks all call it (CKAN's `package_create`, called by
its views and its API alike). A command checks its permission (catalog.permissions), validates
(catalog.validation), writes, audits and flushes; the caller commits, and does after the commit
whatever the command returned for it (e.g. enqueue matching).

- `needs`: post and edit a need (one id scheme, one signature, screening and category
  suggestion always), approve it (with an optional category override).
- `organizations`: register an organization and write its profile (one versioning rule).
- `accounts`: create an account (never over an existing one) and update one, explicitly.

Submodules are not imported here, so `catalog.exchange` can use them without an import cycle.
"""
