"""The Connection section: store hash, API host, token set / not set (never the token), and
Test connection with its light. Validation is the admin form's (bcsync.admin): the token is
bound to its host, so a new API host or store hash needs the token entered again, and new
credentials are tried against the store before anything is saved."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from ..admin import StoreConnectionForm, _secret_status
from ..connections import (
    ConnectionTestFailed,
    connection_move,
    connection_test,
    connection_upsert,
)
from ..models import StoreConnection
from ..roles import can_change_connection
from .sections import Saved, SettingsSection, register

LIGHTS = {True: ("green", "Connected"), False: ("red", "Failed"), None: ("grey", "Not tested")}


class ConnectionForm(StoreConnectionForm):
    access_token = forms.CharField(
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        required=False, strip=False, max_length=200,
        help_text="Leave empty to keep the stored token. A new API host or store hash needs "
                  "it entered again; new credentials are tested before they are saved.",
    )

    class Meta(StoreConnectionForm.Meta):
        fields: tuple[str, ...] = (
            "description", "store_hash", "api_url", "client_id", "access_token")


@register
class ConnectionSection(SettingsSection):
    key = "connection"
    title = "Connection"
    order = 10
    template = "bcsync/settings/connection.html"
    form_class = ConnectionForm
    actions = (("save", "Save"), ("test", "Test connection"))

    def editable(self, user: Any) -> bool:
        return can_change_connection(user)

    def form(self, *, connection: StoreConnection, data: Any = None) -> forms.BaseForm:
        # A fresh copy: the form writes what it validates onto its instance.
        instance = StoreConnection.objects.get(pk=connection.pk)
        return ConnectionForm(data=data, instance=instance, prefix=self.key)

    def extra(self, *, connection: StoreConnection, user: Any) -> dict[str, Any]:
        light, label = LIGHTS[connection.last_test_ok]
        return {"token_status": _secret_status(connection.access_token,
                                               connection.token_set_at),
                "light": light, "light_label": label}

    def save(self, *, connection: StoreConnection, form: forms.BaseForm | None, user: Any,
             action: str = "save") -> Saved | None:
        if action == "test":
            result = connection_test(connection=connection)
            return Saved(f"Test connection: {result.message}", ok=result.ok)
        assert isinstance(form, ConnectionForm)
        edited: StoreConnection = form.instance
        data = form.cleaned_data
        if not getattr(edited, "_token_entered", False):
            # Same host, same token (the model refuses a move without it): no test needed.
            edited.save(update_fields=["description", "client_id"])
            return Saved(self.saved_message())
        try:
            if data["store_hash"] == connection.store_hash:
                connection_upsert(store_hash=data["store_hash"], access_token=data["access_token"],
                                  api_url=data["api_url"], description=data["description"],
                                  client_id=data["client_id"], test_first=True)
            else:
                connection_move(connection=connection, store_hash=data["store_hash"],
                                access_token=data["access_token"], api_url=data["api_url"],
                                description=data["description"], client_id=data["client_id"])
        except ConnectionTestFailed as exc:
            form.add_error("access_token", "The new credentials were not saved: "
                           f"{exc.result.message}")
            return None
        except ValidationError as exc:  # changed by someone else meanwhile
            form.add_error(None, exc)
            return None
        return Saved(f"{self.saved_message()} The new credentials were tested: connected.")
