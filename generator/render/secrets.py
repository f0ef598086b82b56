"""What stands where a password goes: the placeholder by default, the real value with --resolve-secrets."""

import os
from collections.abc import Mapping
from typing import NamedTuple

from generator.schema.fields import PasswordSource

PASSWORD_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
"""``string.ascii_letters + string.digits``, written out: the ``string`` module costs start-up time."""
PASSWORD_LENGTH = 40


def generate_password(length: int = PASSWORD_LENGTH) -> str:
    """A password of the recommended kind: letters and digits only, so it needs no escaping anywhere."""
    import secrets  # here, not at the top: hashlib and hmac cost every command start-up time

    return "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(length))


class MissingSecretError(LookupError):
    """An ``env`` password source names a variable that is not set."""


class SecretValues(NamedTuple):
    """Resolves password sources. ``environ`` is None: placeholders. Otherwise env sources are read from it."""

    environ: Mapping[str, str] | None = None

    def password(self, source: PasswordSource) -> str:
        if self.environ is None or source.env is None:
            return source.placeholder
        value = self.environ.get(source.env)
        if not value:
            raise MissingSecretError(f"environment variable {source.env} is not set (named by the values file)")
        return value

    @property
    def resolved(self) -> bool:
        return self.environ is not None

    @classmethod
    def from_process_env(cls) -> "SecretValues":
        return cls(environ=dict(os.environ))


PLACEHOLDERS = SecretValues()
