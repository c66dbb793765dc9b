"""The catalog's maintenance screens (管理后台).

Every write goes through a catalog service, so the admin's own save and delete are replaced by service
calls, and a refusal (a prerequisite cycle, a published version) reaches the user as an error message
instead of a 500. The reference tables (implementations, licence types, topics …) use reference_save and
reference_delete, which validate, save and audit in one transaction.

One module per subdomain (base, items, groupings, search); importing them registers their admins.
"""

from . import groupings, items, search  # noqa: F401
