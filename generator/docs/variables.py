"""The environment variables page: every variable Infisical reads, precedence and host-list rules."""

from __future__ import annotations

from dataclasses import dataclass

from generator.docs.views import anchor, cell
from generator.schema.env_vars import CONNECTION_VARS, ENV_VARS, HOST_PORT, EnvVar

PRECEDENCE: tuple[str, ...] = ("REDIS_URL", "REDIS_CLUSTER_HOSTS", "REDIS_SENTINEL_HOSTS")
"""Which connection variable wins when several are set (derived from Infisical's code)."""
assert set(PRECEDENCE) == set(CONNECTION_VARS)

HOST_LIST_RULES: tuple[str, ...] = (
    "Entries are separated by commas, each written `host:port`.",
    "The port is required and numeric: an entry without one stops Infisical at start-up.",
    "No scheme: `redis://` and `rediss://` belong in `REDIS_URL` only; TLS has its own variables.",
    "No IPv6 literals: use a host name that resolves to the address instead.",
)


@dataclass(frozen=True)
class VariableRow:
    name: str
    anchor: str
    accepted: str
    default: str
    required: str
    modes: str
    example: str
    description: str
    secret: str


@dataclass(frozen=True)
class VariablesView:
    variables: tuple[VariableRow, ...]
    secrets: tuple[str, ...]
    precedence: tuple[str, ...]
    host_lists: tuple[str, ...]
    host_list_rules: tuple[str, ...]
    host_pattern: str


def variables_view() -> VariablesView:
    def row(var: EnvVar) -> VariableRow:
        return VariableRow(
            name=var.name,
            anchor=anchor(var.name),
            accepted=cell(var.accepted),
            default=f"`{var.default}`" if var.default is not None else "none",
            required=cell(var.required),
            modes=", ".join(var.modes),
            example=var.example,
            description=var.description,
            secret="yes" if var.secret else "no",
        )

    return VariablesView(
        variables=tuple(row(var) for var in ENV_VARS),
        secrets=tuple(var.name for var in ENV_VARS if var.secret),
        precedence=PRECEDENCE,
        host_lists=tuple(var.name for var in ENV_VARS if var.kind == "host-list"),
        host_list_rules=HOST_LIST_RULES,
        host_pattern=HOST_PORT.pattern,
    )
