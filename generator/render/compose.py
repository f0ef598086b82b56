"""Deployment -> the Redis service for Infisical's docker-compose file (standalone mode).

Infisical's own compose file runs the stock `redis` image with no config, so AOF is off. This service runs the
generated config instead: the official image's entrypoint only fixes ownership of the data directory when the
command starts with the server binary, so the command is the server, the config path and, when the password comes
from the environment, `--requirepass` with compose's `${VAR}` (command-line options override the file's line).
It joins Infisical's `infisical` network, publishes no port and keeps the data on a named volume.
"""

from __future__ import annotations

from typing import NamedTuple

from generator.render.templates import render_template
from generator.schema.env_vars import ENV_VARS
from generator.schema.values import Deployment

COMPOSE_FILE = "docker-compose.redis.yaml"
SERVICE = "redis"
"""The service's name, as in Infisical's own compose file."""
NETWORK = "infisical"
"""The network Infisical's compose file puts `backend` and `redis` on."""
VOLUME = "redis_data"
SERVER_PASSWORD_ENV = "INFISICAL_REDIS_PASSWORD"
"""The variable compose reads the server's password from when the values file's own name starts with `REDIS_`:
Infisical's backend reads the same `.env`, where `REDIS_PASSWORD` means something else to it (it is not applied
with `REDIS_URL`) and any other `REDIS_*` name is a variable Infisical does not know (`check` reports both)."""


class ComposeService(NamedTuple):
    image: str
    server: str
    conf_name: str
    conf_in_container: str
    data_dir: str
    volume: str
    network: str
    password_env: str | None
    """The variable compose reads the password from (`--requirepass ${VAR}`); None when the file must hold it
    (auth off, or an ACL user other than `default`, whose password lives in its `user` line)."""
    port: int
    aliases: tuple[str, ...]
    """Network aliases, so Infisical reaches the service at standalone.host when that is not `redis`."""
    tls_files: tuple[str, ...]
    notes: tuple[str, ...]


def compose_password_env(values_env: str | None) -> str:
    """The variable the compose service takes the password from: the values file's own, unless it is in the
    `REDIS_*` namespace Infisical reads from the same `.env` (then `INFISICAL_REDIS_PASSWORD`)."""
    if values_env is None or values_env.startswith("REDIS_") or values_env in {var.name for var in ENV_VARS}:
        return SERVER_PASSWORD_ENV
    return values_env


def compose_service(dep: Deployment) -> ComposeService:
    target = dep.target
    valkey = target.family == "valkey"
    product = "valkey" if valkey else "redis"
    tls_files = (dep.tls.cert_file, dep.tls.key_file, dep.tls.ca_file) if dep.tls.enabled else ()
    notes = [
        f"Image tag = redis_version ({target.title}). Never run an older server than the one that wrote the "
        "data in the volume: it cannot load a newer RDB file.",
        "Existing data without AOF? Turn AOF on in the running server first (python -m generator migrate-aof): "
        "a server started with appendonly yes on a volume that holds only dump.rdb starts empty.",
    ]
    password_env: str | None = None
    if dep.auth.enabled and dep.auth.username == "default":
        password_env = compose_password_env(dep.auth.password.env)
        notes.append(
            f"The password: compose passes {password_env} from Infisical's .env (next to the compose file) as "
            "--requirepass, which overrides the placeholder line in redis.conf. Render without --resolve-secrets: "
            "no file here holds the password; put it in .env as that variable and in REDIS_URL."
        )
    else:
        notes.append(
            "The image runs the server as uid 999: `build --resolve-secrets` writes redis.conf readable by its "
            "owner only, so `chown 999 redis.conf` before the first start."
        )
    if tls_files:
        notes.append("Mount the certificate, key and CA at the paths redis.conf names (the tls volume lines).")
    return ComposeService(
        image=f"{'valkey/valkey' if valkey else 'redis'}:{target.major}.{target.minor}",
        server=f"{product}-server",
        conf_name="redis.conf",
        conf_in_container=f"/usr/local/etc/{product}/{product}.conf",
        data_dir=dep.persistence.dir,
        volume=VOLUME,
        network=NETWORK,
        password_env=password_env,
        port=dep.endpoint.port,
        aliases=() if dep.endpoint.host == SERVICE else (dep.endpoint.host,),
        tls_files=tls_files,
        notes=tuple(notes),
    )


def compose_files(dep: Deployment) -> dict[str, str]:
    """``docker-compose.redis.yaml`` for a standalone deployment; nothing for the other modes."""
    if dep.mode != "standalone":
        return {}
    return {COMPOSE_FILE: render_template("compose/docker-compose.redis.yaml.j2", v=compose_service(dep))}
