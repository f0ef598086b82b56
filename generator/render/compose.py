"""Deployment -> the Redis service for Infisical's docker-compose file (standalone mode).

Infisical's own compose file runs the stock `redis` image with no config, so AOF is off. This service runs the
generated config instead: the official image's entrypoint only fixes ownership of the data directory when the
command starts with the server binary, so the command is the server and the config path, nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass

from generator.render.templates import render_template
from generator.schema.values import Deployment

COMPOSE_FILE = "docker-compose.redis.yaml"
SERVICE = "redis"
"""The service's name, as in Infisical's own compose file."""


@dataclass(frozen=True)
class ComposeService:
    image: str
    server: str
    conf_name: str
    conf_in_container: str
    data_dir: str
    port: int
    aliases: tuple[str, ...]
    """Network aliases, so Infisical reaches the service at standalone.host when that is not `redis`."""
    tls_files: tuple[str, ...]
    notes: tuple[str, ...]


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
        "The image runs the server as uid 999: `build --resolve-secrets` writes redis.conf readable by its "
        "owner only, so `chown 999 redis.conf` before the first start.",
    ]
    if tls_files:
        notes.append("Mount the certificate, key and CA at the paths redis.conf names (the tls volume lines).")
    return ComposeService(
        image=f"{'valkey/valkey' if valkey else 'redis'}:{target.major}.{target.minor}",
        server=f"{product}-server",
        conf_name="redis.conf",
        conf_in_container=f"/usr/local/etc/{product}/{product}.conf",
        data_dir=dep.persistence.dir,
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
