"""The page's own sections, imported when the app is ready (bcsync.apps); importing a module
registers its sections. A later feature's section module is imported here too."""

from . import (  # noqa: F401  importing a module registers its sections
    categories,
    connection,
    customers,
    end_of_day,
    imports,
    locations,
    matching,
    notifications,
    orders,
    policies,
    switches,
)
