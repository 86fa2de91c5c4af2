"""The Notifications section: the staff member the sync's notifications are addressed to,
and which kinds also go out by email (bcsync.notifications)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model

from ..models import NotificationSettings, StoreConnection
from ..notifications import email_enabled
from .sections import Saved, SettingsSection, register

KIND_FIELDS = ("email_errors", "email_alerts", "email_elections", "email_warnings")


class RecipientChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        name = obj.get_full_name() or obj.get_username()
        return f"{name} <{obj.email}>" if obj.email else f"{name} (no email address)"


class NotificationsForm(forms.ModelForm):
    recipient = RecipientChoiceField(
        queryset=get_user_model().objects.none(), required=False,
        empty_label="— nobody in particular: every staff member's inbox —",
        help_text="Staff only. Their inbox holds the store's notifications (with those "
                  "addressed to nobody), and email goes to their address.")

    class Meta:
        model = NotificationSettings
        fields = ("recipient", *KIND_FIELDS)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only active staff may receive them: the inbox is a staff page.
        field = self.fields["recipient"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = get_user_model().objects.filter(
            is_staff=True, is_active=True).order_by("username")


@register
class NotificationsSection(SettingsSection):
    key = "notifications"
    title = "Notifications"
    order = 90
    template = "bcsync/settings/notifications.html"
    form_class = NotificationsForm
    description = ("Errors (a request or job failed), Alerts (a person is needed), Elections "
                   "(a rule chose among several candidates) and Warnings (stock below zero, "
                   "a customer over credit) are raised in the inbox; the kinds ticked are "
                   "emailed too.")

    def form(self, *, connection: StoreConnection, data: Any = None) -> forms.BaseForm:
        instance = (NotificationSettings.objects.filter(connection_id=connection.pk).first()
                    or NotificationSettings(connection_id=connection.pk))
        return NotificationsForm(data=data, prefix=self.key, instance=instance)

    def extra(self, *, connection: StoreConnection, user: Any) -> dict[str, Any]:
        return {"email_enabled": email_enabled()}

    def save(self, *, connection: StoreConnection, form: forms.BaseForm | None, user: Any,
             action: str = "save") -> Saved | None:
        assert isinstance(form, NotificationsForm)
        cleaned = form.cleaned_data
        NotificationSettings.objects.update_or_create(
            connection_id=connection.pk,
            defaults={"recipient": cleaned["recipient"],
                      **{name: cleaned[name] for name in KIND_FIELDS}})
        message = self.saved_message()
        if not email_enabled() and any(cleaned[name] for name in KIND_FIELDS):
            message += (" No mail server is configured (EMAIL_HOST): notifications stay in "
                        "the inbox until one is.")
        return Saved(message)
