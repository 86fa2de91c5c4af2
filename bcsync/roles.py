"""Staff roles as Django groups, and the rules of who may do what.

The groups are kept in step on every migrate, so a new permission lands in the role that
needs it without a hand edit in the admin."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group, Permission

SYNC_OPERATOR = "Sync operator"
CATALOG_EDITOR = "Catalog editor"
SETTINGS_ADMIN = "Settings admin"

_CATALOG_MODELS = (
    "item", "variant", "stocklevel", "bundlecomponent", "department", "vendor", "brand",
    "location", "customfielddefinition", "customfieldvalue", "unitofmeasure",
)
# The POS's sales records: kept by the same staff who keep its items and prices; imports
# create them too, so whoever runs or sets up the sync may see them.
_SALES_MODELS = (
    "customer", "customeraddress", "customercontact", "pricelevel", "pricelevelprice",
    "carrier", "salesorder", "salesorderaddress", "salesorderline", "transaction",
    "transactionline",
)
# Stock movements are history written with the level they change: everyone who sees stock
# may read them; nobody edits them (their admin is read only).
_STOCK_HISTORY = ("stockmovement",)
# What the Web View shows of the local copy: whoever runs the sync, keeps the catalog or sets
# the sync up may see what is online.
_LC_VIEWED = ("lcproduct", "lcvariant")
# The inbox: everyone who works with the sync reads the notifications it raises and marks
# them read (a notification addressed to someone else stays theirs: bcsync.inbox).
_NOTIFICATIONS = ["bcsync.view_notification", "bcsync.change_notification"]
# The sync's own records of what it did with orders and stock (each order's import, refunds
# applied, End of Day runs): history, read by everyone who runs or sets up the sync.
_SYNC_HISTORY = ("orderimport", "orderrefundapplied", "endofdayrun")
_BEAT_MODELS = ("periodictask", "intervalschedule", "crontabschedule", "solarschedule",
                "clockedschedule")


def _crud(app: str, models: tuple[str, ...]) -> list[str]:
    return [f"{app}.{verb}_{m}" for m in models for verb in ("add", "change", "delete", "view")]


def _view(app: str, models: tuple[str, ...]) -> list[str]:
    return [f"{app}.view_{m}" for m in models]


ROLE_PERMISSIONS: dict[str, list[str]] = {
    SYNC_OPERATOR: [
        "bcsync.run_sync",
        "bcsync.view_syncsettings",
        "bcsync.view_storeconnection",
        *_NOTIFICATIONS,
        *_view("catalog", _CATALOG_MODELS),
        *_view("orders", _SALES_MODELS),
        *_view("catalog", _STOCK_HISTORY),
        *_view("localcopy", _LC_VIEWED),
        *_view("bcsync", _SYNC_HISTORY),
    ],
    CATALOG_EDITOR: [*_crud("catalog", _CATALOG_MODELS), *_crud("orders", _SALES_MODELS),
                     *_view("catalog", _STOCK_HISTORY), *_view("localcopy", _LC_VIEWED),
                     *_NOTIFICATIONS],
    SETTINGS_ADMIN: [
        "bcsync.view_syncsettings",
        "bcsync.change_syncsettings",
        *_crud("bcsync", ("storeconnection", "fieldmapping")),
        *_crud("django_celery_beat", _BEAT_MODELS),
        *_NOTIFICATIONS,
        *_view("catalog", _CATALOG_MODELS),
        *_view("orders", _SALES_MODELS),
        *_view("catalog", _STOCK_HISTORY),
        *_view("localcopy", _LC_VIEWED),
        *_view("bcsync", _SYNC_HISTORY),
    ],
}


def roles_ensure(extra: dict[str, list[str]] | None = None) -> dict[str, Group]:
    """Create the role groups and give each exactly its permissions (those that exist yet)."""
    wanted = {**ROLE_PERMISSIONS}
    for role, perms in (extra or {}).items():
        wanted[role] = [*wanted.get(role, []), *perms]
    groups = {}
    for role, names in wanted.items():
        group, _ = Group.objects.get_or_create(name=role)
        permissions: list[Permission] = []
        for name in names:
            app_label, codename = name.split(".", 1)
            permissions.extend(
                Permission.objects.filter(content_type__app_label=app_label, codename=codename)
            )
        group.permissions.set(permissions)
        groups[role] = group
    return groups


# ---- who may do what (views check these; templates get them in their context) ------------

RUN_SYNC = "bcsync.run_sync"


def can_run(user: Any) -> bool:
    """Reload and delete the LC: the sync-operator role."""
    return bool(user.has_perm(RUN_SYNC))


def can_switch(user: Any) -> bool:
    """The LC / Web background switches: whoever may change sync settings, or run the sync."""
    return bool(user.has_perm("bcsync.change_syncsettings")) or can_run(user)


def can_register(user: Any) -> bool:
    """(Re)register webhooks: sync operators, or whoever may change store connections."""
    return can_run(user) or bool(user.has_perm("bcsync.change_storeconnection"))


def can_upload(user: Any) -> bool:
    """Upload items to BigCommerce (the push permission): the sync-operator role."""
    return can_run(user)


def can_link_customers(user: Any) -> bool:
    """Create or link a POS customer on BigCommerce (a write online, like an upload): the
    sync-operator role, who may also see customers."""
    return can_upload(user) and bool(user.has_perm("orders.view_customer"))


def can_import(user: Any) -> bool:
    """Import BigCommerce products as POS items (the Web View's Import): whoever runs the
    sync and may add catalog items, as an import creates them."""
    return can_run(user) and bool(user.has_perm("catalog.add_item"))


def can_preview(user: Any) -> bool:
    """See what an upload would change: whoever may upload or edit catalog items."""
    return can_upload(user) or bool(user.has_perm("catalog.change_item"))


def can_view_settings(user: Any) -> bool:
    """The sync settings page, read-only: whoever may view the sync settings (the settings
    admin, and the sync operator, who works under them)."""
    return bool(user.has_perm("bcsync.view_syncsettings")
                or user.has_perm("bcsync.change_syncsettings"))


def can_change_settings(user: Any) -> bool:
    """Change the sync settings page's sections: the settings-admin role."""
    return bool(user.has_perm("bcsync.change_syncsettings"))


def can_change_connection(user: Any) -> bool:
    """Change a store connection's credentials, or send its token in a test."""
    return bool(user.has_perm("bcsync.change_storeconnection"))


def can_view_notifications(user: Any) -> bool:
    """The inbox: every sync role (sync operator, catalog editor, settings admin)."""
    return bool(user.has_perm("bcsync.view_notification"))


def can_mark_notifications_read(user: Any) -> bool:
    """Mark notifications read: whoever reads the inbox (the same roles)."""
    return bool(user.has_perm("bcsync.change_notification"))


def can_view_dashboard(user: Any) -> bool:
    """The dashboard (bcsync's home page): whoever runs the sync, sets it up or reads its
    notifications."""
    return can_run(user) or can_view_settings(user) or can_view_notifications(user)
