"""What Django's error reports (the DEBUG page, the mail to ADMINS) may show."""

from __future__ import annotations

from django.http import HttpRequest, QueryDict
from django.views.debug import SafeExceptionReporterFilter


class SecretsHiddenFilter(SafeExceptionReporterFilter):
    """Django's filter, active with DEBUG on as well (Django's own stands down then), and
    masking every POST field named like a secret (access_token, password, ...) even where a
    view forgot `sensitive_post_parameters`: a development server is still reached with real
    store tokens."""

    def is_active(self, request: HttpRequest | None) -> bool:
        return True

    def get_post_parameters(self, request: HttpRequest | None) -> QueryDict | dict:
        params = super().get_post_parameters(request)
        if request is None or not any(self.hidden_settings.search(k) for k in params):
            return params
        cleansed = params.copy()
        for key in cleansed:
            if self.hidden_settings.search(key):
                cleansed[key] = self.cleansed_substitute
        return cleansed
