"""Building blocks of the values file: documented fields, host:port entries and password sources."""

# No ``from __future__ import annotations`` here: pydantic reads each field's type as an object instead of
# compiling its text, a cost every command pays at start-up.

import ipaddress
from collections.abc import Callable
from typing import Annotated, Any, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from .env_vars import HOST_PORT

Name = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$", max_length=253)]
EnvName = Annotated[str, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")]


_NEW_EMPTY: dict[Any, Callable[[], Any]] = {list: lambda: [], dict: lambda: {}}
"""pydantic reads a default factory's signature: a builtin type's is parsed from text, and the tokenizer that
takes costs every start-up milliseconds; a function's is at hand."""


def doc_field(default: Any, description: str, example: Any = None, **constraints: Any) -> Any:
    """A field with its description and example, the one place the docs and the JSON Schema read them."""
    extra = {"example": example} if example is not None else None
    if callable(default):
        factory = _NEW_EMPTY.get(default, default)
        return Field(default_factory=factory, description=description, json_schema_extra=extra, **constraints)
    return Field(default, description=description, json_schema_extra=extra, **constraints)


REQUIRED: Any = ...


class Section(BaseModel):
    """Strict: a value must already have the type the JSON Schema gives (``port: "6379"`` is refused)."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class HostPort(Section):
    """``host:port``, written in a values file as one string, the way Infisical's host lists take it."""

    host: str = Field(pattern=r"^[A-Za-z0-9._-]+$", max_length=253)
    port: int = Field(ge=1, le=65535)

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, value: Any) -> Any:
        if not isinstance(value, str) or not HOST_PORT.match(value):
            raise PydanticCustomError("host_port", "write host:port with a numeric port, no scheme and no IPv6 literal")
        host, port = value.rsplit(":", 1)
        return {"host": host, "port": int(port)}

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema: Any, handler: Any) -> dict[str, Any]:
        """Written as one ``host:port`` string, so that is what editors are told."""
        return {"type": "string", "pattern": HOST_PORT.pattern, "description": "host:port"}

    @property
    def is_ip(self) -> bool:
        try:
            ipaddress.ip_address(self.host)
        except ValueError:
            return False
        return True

    def __str__(self) -> str:
        return f"{self.host}:{self.port}"


class KubeSecretKey(Section):
    name: Name = doc_field(REQUIRED, "Name of the Kubernetes Secret.", "redis-auth")
    key: Name = doc_field(REQUIRED, "Key inside the Secret.", "redis-password")


PLACEHOLDER_PREFIX = "replace-me-with-"
"""Generated files carry ``replace-me-with-...`` where a password goes; `check` and `audit` look for it."""


class PasswordSource(Section):
    """Where a password comes from: exactly one of ``env`` or ``secret``."""

    env: EnvName | None = doc_field(
        None,
        "Environment variable that holds the password (read by `build --resolve-secrets`).",
        "REDIS_PASSWORD",
    )
    secret: KubeSecretKey | None = doc_field(None, "Kubernetes Secret and key that hold the password.")

    @model_validator(mode="after")
    def _exactly_one(self) -> Self:
        if (self.env is None) == (self.secret is None):
            raise PydanticCustomError("password_source", "give exactly one of env or secret")
        return self

    @property
    def placeholder(self) -> str:
        """What generated files carry instead of the password."""
        if self.env is not None:
            return f"{PLACEHOLDER_PREFIX}env-{self.env}"
        assert self.secret is not None
        return f"{PLACEHOLDER_PREFIX}secret-{self.secret.name}-{self.secret.key}"
