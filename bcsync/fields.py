"""Model fields for secrets at rest."""

from __future__ import annotations

from django.conf import settings
from django.utils.functional import cached_property
from encrypted_fields.fields import EncryptedCharField


class SecretField(EncryptedCharField):
    """Fernet-encrypted text keyed by FIELD_ENCRYPTION_KEY alone.

    The library derives its key from SECRET_KEY, so rotating the signing key would make every
    stored token unreadable; here the two are independent. FIELD_ENCRYPTION_KEY may list
    several comma-separated keys: the first encrypts, all decrypt (key rotation).
    """

    @cached_property
    def keys(self) -> list[bytes]:
        return [key.strip().encode() for key in settings.FIELD_ENCRYPTION_KEY.split(",")]
