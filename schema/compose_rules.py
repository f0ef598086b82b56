"""Rules about docker-compose and docker swarm stack files: how a Redis / Valkey service is run there (image,
published ports, volumes, networks) and how Infisical's backend and a Sentinel set-up find it.

Declared here and added to ``RULES`` in ``schema/rules.py``; their predicates are in
``generator/rules/compose.py`` and judge a ``ComposeFile`` (``generator/shapes/compose.py``). The server
settings of each Redis service are judged by the config rules, the backend's variables by the env rules."""

from __future__ import annotations

from .rule import Rule, Scope, Severity

_CHECK = frozenset({Scope.CONF})

COMPOSE_RULES: tuple[Rule, ...] = (
    Rule(
        id="network.published",
        severity=Severity.ERROR,
        summary="A Redis port published on the host must require a password",
        why="The official `redis` and `valkey` images start the server with protected mode off. A published "
        "port (`6379:6379`) listens on every interface of the host, and Docker's port forwarding bypasses "
        "host firewalls such as ufw: anyone who reaches the host reads Infisical's sessions and job payloads "
        "or empties its queues. Infisical reaches Redis over the compose network and needs no published port.",
        fix="Remove the `ports:` entry (or publish on 127.0.0.1 only: `127.0.0.1:6379:6379`), and set a password "
        "(`--requirepass` in the command, then `REDIS_URL=redis://:<password>@redis:6379`).",
        scopes=_CHECK,
    ),
    Rule(
        id="persistence.volume",
        severity=Severity.ERROR,
        summary="Redis's data directory must be on a mounted volume",
        why="Without a named volume or bind mount on the data directory (`/data` in the official images, "
        "`/bitnami/redis/data` in Bitnami's, or what `dir` says), the AOF and snapshots live in the "
        "container: `docker compose down`, a re-created container or a rescheduled swarm task starts Redis "
        "empty, and Infisical's queued jobs are gone. A stack that declares volumes but never mounts them "
        "in the service is the same.",
        fix="volumes: [redis_data:/data] in the service, and redis_data: under the top-level volumes:",
        scopes=_CHECK,
    ),
    Rule(
        id="network.redis-host",
        severity=Severity.ERROR,
        summary="The Redis hosts Infisical is given must be services of the compose file, of the right kind",
        why="Inside a container, `localhost` is the container itself, and a host name that is no service, "
        "container name or network alias of the project does not resolve: Infisical retries the connection "
        "forever and queues nothing; so does a port the service does not listen on. In Sentinel mode every "
        "entry of `REDIS_SENTINEL_HOSTS` is asked for the master, so it must be a Sentinel; `REDIS_URL` and the "
        "cluster hosts must be data nodes.",
        fix="REDIS_URL=redis://:<password>@<redis service name>:6379",
        scopes=_CHECK,
    ),
    Rule(
        id="network.shared",
        severity=Severity.ERROR,
        summary="The Redis service must share a network with Infisical's backend",
        why="Compose services resolve each other's names only on a network they share. Infisical's own compose "
        "file puts its services on an `infisical` network; a replacement `redis` service left on `default` "
        "cannot be resolved by the backend.",
        fix="networks: [infisical] on the Redis service (the same network as the backend)",
        scopes=_CHECK,
    ),
    Rule(
        id="sentinel.resolve-hostnames",
        severity=Severity.ERROR,
        summary="A Sentinel that monitors a host name needs `sentinel resolve-hostnames yes`",
        why="Without it (Redis 6.2+) Sentinel reads the master's address as an IP address and refuses a host "
        "name such as a compose service name: the Sentinel does not start, and there is no failover.",
        fix="sentinel resolve-hostnames yes (before the sentinel monitor line)",
        scopes=_CHECK,
    ),
    Rule(
        id="sentinel.monitor-replica",
        severity=Severity.ERROR,
        summary="`sentinel monitor` must name the master, not a replica",
        why="Sentinel asks the host it monitors for its replicas; a replica named as the master reports itself "
        "as a replica, Sentinel follows it to its master or marks the set as broken, and Infisical is sent to "
        "a server that refuses writes (READONLY).",
        fix="sentinel monitor <name> <master service> 6379 2",
        scopes=_CHECK,
    ),
    Rule(
        id="sentinel.replicas",
        severity=Severity.ERROR,
        summary="A Sentinel set-up needs at least one replica to fail over to",
        why="Sentinel fails over by promoting a replica. With no service replicating from the monitored master, "
        "Sentinel only watches the master go down: no failover ever happens, while Infisical is configured "
        "for one.",
        fix="Add a Redis service started with --replicaof <master service> 6379 (and --masterauth <password>)",
        scopes=_CHECK,
    ),
    Rule(
        id="sentinel.config-mount",
        severity=Severity.ERROR,
        summary="A Sentinel needs its own writable config file, in a directory mounted into the container",
        why="Sentinel rewrites its own config file (its id, the epochs, the replicas and Sentinels it found, and "
        "the new master after a failover) by writing a new file beside it and renaming it over the old one. "
        "Started without a config file (its settings as flags only) it exits at start; a "
        "read-only file (`:ro`, a compose or swarm `configs:` entry) makes Sentinel exit at start; a single file "
        "bind-mounted into the container cannot be renamed over, so every rewrite fails and, after a restart, "
        "the Sentinels forget the failover and send Infisical to the old master.",
        fix="Mount the directory that holds sentinel.conf, writable: volumes: [./sentinel:/etc/redis-sentinel] "
        "and command: redis-sentinel /etc/redis-sentinel/sentinel.conf (one directory per Sentinel).",
        scopes=_CHECK,
    ),
    Rule(
        id="network.container-bind",
        severity=Severity.ERROR,
        summary="A Redis in a container must not bind to loopback only",
        why="Inside a container, `bind 127.0.0.1 -::1` (the stock redis.conf's line) listens on the container's "
        "own loopback: no other container, Infisical's backend included, can connect, and Infisical retries "
        "forever with nothing queued.",
        fix="bind * -::* (reach is limited by the compose network; require a password)",
        scopes=_CHECK,
    ),
    Rule(
        id="topology.scaled-service",
        severity=Severity.ERROR,
        summary="A Redis master service must run a single container",
        why="`deploy.replicas` (or `scale`) above 1 on a Redis that replicates from no one starts that many "
        "independent servers behind one service name: each of Infisical's connections lands on any of them, "
        "so jobs, locks and caches are split between servers that know nothing of each other, and a job "
        "queued on one is never seen by a worker on another.",
        fix="deploy: {replicas: 1}; for high availability, a master, replicas started with --replicaof and "
        "Sentinels (each its own service)",
        scopes=_CHECK,
    ),
    Rule(
        id="auth.infisical-password",
        severity=Severity.ERROR,
        summary="Infisical must be given the password its Redis requires",
        why="When the Redis service requires a password and Infisical's `REDIS_URL` carries none (or another "
        "one), or in Sentinel mode `REDIS_PASSWORD` / `REDIS_SENTINEL_PASSWORD` is missing, every command "
        "Infisical sends fails with `NOAUTH` (or `WRONGPASS`): it starts, but queues nothing.",
        fix="REDIS_URL=redis://:<the same password>@redis:6379 (percent-encode reserved characters); in Sentinel "
        "mode REDIS_PASSWORD and REDIS_SENTINEL_PASSWORD",
        scopes=_CHECK,
    ),
    Rule(
        id="auth.masterauth",
        severity=Severity.ERROR,
        summary="A replica of a password-protected master must authenticate (`masterauth`)",
        why="A replica without `masterauth` cannot sync from a master that requires a password: it keeps "
        "retrying and holds no copy of Infisical's queues. Under Sentinel the master itself needs it too: "
        "after a failover it rejoins as a replica of the promoted node and stays out of sync.",
        fix="masterauth <the master's password> (--masterauth in the command) on every data node",
        scopes=_CHECK,
    ),
    Rule(
        id="version.image-pull",
        severity=Severity.ERROR,
        summary="A Redis image must still pull",
        why="Bitnami moved its free images: the versioned tags of `docker.io/bitnami/redis` (and "
        "`redis-sentinel`, `valkey`) are gone, so the next pull or a new swarm node fails and the service never "
        "starts. Infisical's own swarm example uses such tags. The old images live on as `bitnamilegacy/*`.",
        fix="image: bitnamilegacy/redis:<the same tag> (or an image you mirror yourself)",
        scopes=_CHECK,
    ),
    Rule(
        id="memory.container-limit",
        severity=Severity.ERROR,
        summary="`maxmemory` must stay below the container's memory limit",
        why="A container is killed when it crosses its memory limit (`mem_limit`, `deploy.resources.limits."
        "memory`). With `maxmemory` at or above that limit Redis never reaches its own limit: the kernel kills "
        "it first, and everything written since the last fsync is lost. The fork of an AOF rewrite needs room "
        "on top of the dataset too.",
        fix="maxmemory at most about half the container's limit (mem_limit 2g -> maxmemory 1gb)",
        scopes=_CHECK,
    ),
)
