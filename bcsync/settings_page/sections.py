"""The sync settings page is a list of sections, each a small class registered here: its own
form, template, who sees and who changes it, and how it saves. A later feature (import,
orders) adds a section by writing one class and registering it; the page and its view do not
change.

A section saves on its own: its form posts `section=<key>` (and its fields under the prefix
`<key>-`), so one section's error never loses another's input."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar

from django import forms

from ..models import StoreConnection
from ..roles import can_change_settings, can_view_settings


@dataclass
class Saved:
    """What a save reports to the person: the message, and whether it is good news."""

    message: str
    ok: bool = True


class SettingsSection:
    """One section of the page. Subclasses set the class attributes and override `form`,
    `save` (and `extra` for what the section shows besides its form)."""

    key: ClassVar[str]
    title: ClassVar[str]
    order: ClassVar[int] = 100
    template: ClassVar[str] = "bcsync/settings/_form_section.html"
    form_class: ClassVar[type[forms.BaseForm] | None] = None
    # What the section's buttons post as `action`, with their labels; "save" saves the form,
    # others (e.g. the connection's "test") are the section's to handle in `save`.
    actions: ClassVar[tuple[tuple[str, str], ...]] = (("save", "Save"),)
    description: ClassVar[str] = ""

    def visible(self, user: Any) -> bool:
        return can_view_settings(user)

    def editable(self, user: Any) -> bool:
        return can_change_settings(user)

    def form(self, *, connection: StoreConnection, data: Any = None) -> forms.BaseForm | None:
        if self.form_class is None:
            return None
        return self.form_class(data=data, prefix=self.key)

    def save(self, *, connection: StoreConnection, form: forms.BaseForm | None, user: Any,
             action: str = "save") -> Saved | None:
        """Save a valid form. None: the save was refused and the form now carries errors
        naming the fields (the page is shown again with them)."""
        raise NotImplementedError

    def extra(self, *, connection: StoreConnection, user: Any) -> dict[str, Any]:
        """What the section's template shows besides its form (e.g. last run times)."""
        return {}

    def saved_message(self) -> str:
        return f"Saved {self.title[0].lower()}{self.title[1:]}."


_REGISTRY: dict[str, SettingsSection] = {}
S = TypeVar("S", bound=type[SettingsSection])


def register(cls: S) -> S:
    """Class decorator: add a section to the page (one instance serves every request)."""
    if cls.key in _REGISTRY and type(_REGISTRY[cls.key]) is not cls:
        raise ValueError(f"Two settings sections use the key {cls.key!r}.")
    _REGISTRY[cls.key] = cls()
    return cls


def unregister(key: str) -> None:
    _REGISTRY.pop(key, None)


def sections() -> list[SettingsSection]:
    """Every registered section, in page order (the page's own register when the app is
    ready: bcsync.apps)."""
    return sorted(_REGISTRY.values(), key=lambda s: (s.order, s.key))


def section_for(key: str) -> SettingsSection | None:
    return next((s for s in sections() if s.key == key), None)
