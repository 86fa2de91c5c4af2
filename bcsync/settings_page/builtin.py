"""The page's own sections; importing a module registers its sections. A later feature's
section module is imported here too."""

from . import categories, connection, imports, locations, matching, policies, switches  # noqa: F401
