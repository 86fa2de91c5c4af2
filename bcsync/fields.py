"""Model fields for secrets at rest."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
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

    # The library annotates model_instance as a Field; Django passes the model instance.
    def clean(  # type: ignore[override]
        self, value: Any, model_instance: models.Model | None
    ) -> Any:
        """Validate the plain text being saved.

        The library's clean() sets a "don't decrypt" flag on the field object, shared by
        every instance and thread, and leaves it set when a validator raises: from then on
        every read returned ciphertext (and a save would encrypt it twice). The value
        cleaned here is already plain text, so no flag and no decryption are needed.
        """
        value = models.CharField.to_python(self, value)
        self.validate(value, model_instance)
        self.run_validators(value)
        return value
