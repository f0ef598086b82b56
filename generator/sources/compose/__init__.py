"""Source: docker-compose and docker swarm stack files -> a ``ComposeFile`` (services, ports, mounts, networks),
the effective settings of each Redis / Valkey / Sentinel service (``EffectiveConfig``, judged by the config
rules) and the environment of Infisical's backend (``EnvFacts``, judged by the env rules).

Redis services are found by image (``schema.versions.line_for_image``) or by the server their command runs,
never by name. A service's settings, later ones winning: the image's defaults (Bitnami's variables), a config
file the command names and a bind mount or config brings from next to the compose file (judged in place, at
its own lines, and again at the mount), then the command's ``--flags``. Missing settings are reported at the
service's key. A config file that comes from elsewhere (a volume, the image) is unknown: the rules that
depend on it are not judged for that service, and a note says so."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path
from typing import Any

from generator.schema.secrets import secret_values
from generator.schema.versions import line_for_image
from generator.shapes.compose import (
    ComposeFile,
    ComposeService,
    EnvEntry,
    Mount,
    PasswordState,
    Role,
)
from generator.shapes.config import ConfigKind, EffectiveConfig, Setting
from generator.shapes.env import EnvFacts
from generator.shapes.finding import Location
from generator.shapes.image import ImageReference
from generator.sources.base import Note, SourceResult, read_text
from generator.sources.compose.command import (
    Invocation,
    Word,
    command_words,
    echoed_files,
    expand_shell,
    find_invocation,
    flags_of,
    with_defaults,
)
from generator.sources.compose.env import (
    EnvFile,
    backend_env,
    bitnami_env,
    env_files,
    environment,
    file_entries,
)
from generator.sources.compose.layout import host_file, memory_limit, mounts, networks, ports
from generator.sources.compose.merge import Layer, merge, read_layers
from generator.sources.compose.server import (
    RULE_READS,
    data_dir,
    echoed_settings,
    load_conf,
    loopback_bind,
    monitors,
    overridden,
    parents,
    password_state,
    unknown_reason,
)
from generator.sources.compose.services import extended, password_sent, redis_hosts, with_links

TOP_LEVEL_KEYS = frozenset({"version", "services", "networks", "volumes", "configs", "secrets", "name", "include"})
SERVICE_HINTS = frozenset({"image", "build", "command", "entrypoint", "environment", "ports", "volumes", "deploy"})


def looks_like_compose(data: Any) -> bool:
    """A top-level ``services:`` mapping of service definitions, and only keys compose files have."""
    if not isinstance(data, dict) or not isinstance(data.get("services"), dict) or not data["services"]:
        return False
    if any(not (key in TOP_LEVEL_KEYS or str(key).startswith("x-")) for key in data):
        return False
    services = list(data["services"].values())
    return all(s is None or isinstance(s, dict) for s in services) and any(
        isinstance(s, dict) and SERVICE_HINTS & set(s) for s in services
    )


def compose_router(data: Any, text: str, display: str) -> SourceResult | None:
    """``detect.YAML_KINDS`` entry; ``display`` is the file's path (env files and configs are found next to it)."""
    return compose_from_text(text, display) if looks_like_compose(data) else None


def read_compose(path: Path, display: str) -> SourceResult:
    return compose_from_text(read_text(path, display), display)


def compose_from_text(text: str, display: str) -> SourceResult:
    """A compose file; with its override file when `docker compose` would read both (``merge.project_pair``)."""
    layers, note = read_layers(text, display)
    result = _Reader(layers).read()
    if note is not None:
        result.notes.append(note)
    return result


def _image_kind(image: str) -> tuple[str, bool]:
    """(repository path in lower case, is it one of Bitnami's images)."""
    reference = image.split("@", 1)[0]
    name = reference.rsplit(":", 1)[0] if ":" in reference.rsplit("/", 1)[-1] else reference
    return name.lower(), "bitnami" in name.lower()


class _Reader:
    def __init__(self, layers: list[Layer]) -> None:
        self.layers = layers
        self.merged = merge(layers[0].document, layers[1].document) if len(layers) > 1 else None
        self.data: dict[str, Any] = layers[0].document.data if self.merged is None else self.merged.data
        self.display = layers[0].display
        self.base = Path(self.display).parent
        self.result = SourceResult(ignored=set().union(*(layer.ignored for layer in layers)))
        configs = self.data.get("configs")
        self.configs: dict[str, Any] = configs if isinstance(configs, dict) else {}
        self.backend_env: dict[str, EnvFacts] = {}

    def written(self, path: tuple[str | int, ...]) -> tuple[Layer, tuple[str | int, ...]]:
        """The file that writes the value at ``path`` of the (merged) data, and its path there."""
        if self.merged is None:
            return self.layers[0], path
        origin, cut = self.merged.origin(path)
        return self.layers[origin.layer], (*origin.path, *path[len(path) - cut :])

    def at(self, path: tuple[str | int, ...], *, key: bool = False) -> Location:
        layer, written = self.written(path)
        positions = layer.document.positions
        found = positions.of_key(written) if key else positions.of_value(written)
        return Location(layer.display, *(found or (1, 1)))

    def read(self) -> SourceResult:
        services = self.data["services"]
        built = [self._service(str(name), extended(spec, services)) for name, spec in services.items()]
        built = [self._follow_network_mode(s, built) for s in built]
        built = with_links(built, services)
        self._server_auth_judged_there(built)
        volumes = self.data.get("volumes")
        declared = self.data.get("networks")
        external = frozenset(
            str(name)
            for name, spec in (declared.items() if isinstance(declared, dict) else [])
            if isinstance(spec, dict) and spec.get("external") not in (None, False)
        )
        compose = ComposeFile(
            self.display,
            Location(self.display, 1, 1),
            tuple(built),
            tuple(str(v) for v in volumes) if isinstance(volumes, dict) else (),
            self.at(("volumes",), key=True) if isinstance(volumes, dict) else None,
            external_networks=external,
            swarm=any(isinstance(spec, dict) and "deploy" in spec for spec in services.values()),
        )
        self.result.subjects.insert(0, compose)
        return self.result

    def _server_auth_judged_there(self, built: list[ComposeService]) -> None:
        """A backend sent to a Redis service of this file: whether that Redis needs a password is judged on the
        service itself (auth.required there), not again on the backend's REDIS_URL."""
        names = {name for s in built if s.role in ("redis", "sentinel") for name in s.names}
        for backend in built:
            facts = self.backend_env.get(backend.name)
            if facts is not None and backend.redis_hosts and all(h in names for h, _ in backend.redis_hosts):
                index = next(i for i, subject in enumerate(self.result.subjects) if subject is facts)
                self.result.subjects[index] = replace(facts, not_judged=facts.not_judged | {"auth.required"})

    def _follow_network_mode(self, service: ComposeService, all_services: list[ComposeService]) -> ComposeService:
        mode = service.network_mode
        if mode.startswith("service:"):
            other = next((s for s in all_services if s.name == mode[len("service:") :]), None)
            if other is not None:
                return replace(service, networks=other.networks)
        return service

    def _words(self, name: str, spec: dict[str, Any], key: str) -> list[Word]:
        value = spec.get(key)
        if value is None:
            return []
        layer, path = self.written(("services", name, key))
        positions = layer.document.positions
        if isinstance(value, list):
            places = [positions.of_value((*path, i)) or (1, 1) for i in range(len(value))]
        else:
            places = [positions.of_value(path) or (1, 1)]
        return command_words(value, places, layer.cursor)

    def _service(self, name: str, spec: dict[str, Any]) -> ComposeService:
        def at(path: tuple[str | int, ...]) -> Location:
            return self.at(("services", name, *path), key=path[:1] == ("environment",) and len(path) == 2)

        where = self.at(("services", name), key=True)
        image = spec.get("image") if isinstance(spec.get("image"), str) else ""
        repository, bitnami = _image_kind(str(image))
        line = line_for_image(with_defaults(str(image)).rstrip(":")) if image else None
        if line is not None and "$" in str(image):  # the tag is chosen at run time: its default judges it
            line = line._replace(floating=False)
        image_at = self.at(("services", name, "image")) if image else where
        nets, aliases, networks_at = networks(spec, at)
        names = frozenset({name, *aliases} | ({str(spec["container_name"])} if spec.get("container_name") else set()))
        env = environment(spec.get("environment"), at)
        service = ComposeService(
            name,
            where,
            "other",
            str(image),
            image_at,
            line,
            nets,
            networks_at,
            names,
            str(spec.get("network_mode") or ""),
            tuple(ports(spec.get("ports"), at)),
            tuple(mounts(spec, self.configs, self.base, at)),
            tuple(env),
        )
        deploy = spec.get("deploy")
        count = deploy.get("replicas") if isinstance(deploy, dict) else None
        key: tuple[str | int, ...] = ("deploy", "replicas")
        if not isinstance(count, int):
            count, key = spec.get("scale"), ("scale",)
        if isinstance(count, int) and not isinstance(count, bool) and count > 1:
            service = replace(service, scaled=(count, at(key)))
        limit = memory_limit(spec, at)
        if limit is not None:
            service = replace(service, memory_limit=limit)
        files = env_files(spec.get("env_file"), self.base, at)
        if repository.endswith(("infisical/infisical", "infisical/backend")) or "infisical/infisical-" in repository:
            return self._backend(service, files)
        written = [*self._words(name, spec, "entrypoint"), *self._words(name, spec, "command")]
        script_from = "command" if spec.get("command") is not None else "entrypoint"
        words = expand_shell(written, self.written(("services", name, script_from))[0].cursor)
        shell = words is not written
        if bitnami and words and words[0].text.rsplit("/", 1)[-1] == "run.sh":
            words = words[1:]
        family = line.line.family if line is not None and line.line is not None else "redis"
        sentinel_image = "sentinel" in repository.rsplit("/", 1)[-1]
        implicit = f"{family}-sentinel" if sentinel_image else f"{family}-server"
        invocation = find_invocation(words, implicit if line is not None and "entrypoint" not in spec else None)
        if invocation is None and line is None:
            return service
        role: Role = "sentinel" if sentinel_image or (invocation is not None and invocation.sentinel) else "redis"
        from_files, env_unknown = file_entries(files, self.result.notes)
        service = replace(service, role=role, env=(*from_files, *service.env))
        return self._server(service, spec, invocation, words, bitnami, family, env_unknown, shell)

    def _backend(self, service: ComposeService, files: list[EnvFile]) -> ComposeService:
        found = backend_env(list(service.env), files, service.where, self.result.notes)
        if found is None:
            return replace(service, role="infisical")
        self.result.subjects.append(found.facts)
        self.backend_env[service.name] = found.facts
        self.result.secrets |= found.secrets
        for variable in ("REDIS_URL", "REDIS_CLUSTER_HOSTS", "REDIS_SENTINEL_HOSTS"):  # the first set wins
            if variable in found.written and found.written[variable][0].strip():
                named = redis_hosts(variable, *found.written[variable])
                hosts = tuple((host, where) for host, where, _ in named)
                sent, value = password_sent(variable, found.written)
                sentinel_sent = bool(found.written.get("REDIS_SENTINEL_PASSWORD", ("",))[0].strip())
                return replace(
                    service,
                    role="infisical",
                    redis_hosts=hosts,
                    redis_ports=tuple(port for _, _, port in named),
                    redis_mode=variable,
                    password_sent=sent,
                    password_value=value,
                    sentinel_password_sent=sentinel_sent if variable == "REDIS_SENTINEL_HOSTS" else None,
                    redis_env_known=True,
                )
        return replace(service, role="infisical", redis_env_known=True)

    def _server(
        self,
        service: ComposeService,
        spec: dict[str, Any],
        invocation: Invocation | None,
        words: list[Word],
        bitnami: bool,
        family: str,
        env_unknown: bool,
        shell: bool,
    ) -> ComposeService:
        sentinel = service.role == "sentinel"
        settings: list[Setting] = []
        unknown: set[str] = set()
        whole_unknown = invocation is None and bool(words)  # a command that runs some script of its own
        conf: tuple[Mount, str] | None = None
        if invocation is not None and invocation.config_file is not None:
            conf = self._config_file(service, invocation.config_file, settings)
            echoed = echoed_files(words).get(invocation.config_file.text) if conf is None else None
            if echoed is not None:  # the command writes the file itself: `echo "..." > FILE && redis-sentinel FILE`
                settings += echoed_settings(echoed, unknown)
            whole_unknown = conf is None and echoed is None
        password_given = False
        port = 26379 if sentinel else 6379
        replicaof: str | None = None
        if bitnami:
            found = bitnami_env(list(service.env), family, sentinel, service.image_at or service.where)
            settings = [*overridden(settings, found.unknown), *found.settings]
            unknown |= found.unknown
            extra = found.extra_flags
            if extra is not None and extra.value is None:
                whole_unknown = True  # any flag at all may come from the environment
            elif extra is not None and extra.value:
                flags = flags_of(extra.value, extra.where)
                settings = [*overridden(settings, flags.unknown), *flags.settings]
                unknown |= flags.unknown
            password_given = found.password is None
            if env_unknown:  # an env_file that cannot be read may set any of the image's variables
                unknown |= {"requirepass", "appendonly", "save"}
            port = found.port or port
            replicaof = found.replicaof
        # redis-stack reads REDIS_ARGS before the command; the official valkey image appends VALKEY_EXTRA_FLAGS
        stack_args = service.env_entry("REDIS_ARGS") if "redis-stack" in service.image else None
        direct = family == "valkey" and not bitnami and not shell  # through a shell they go to the shell
        extra = service.env_entry("VALKEY_EXTRA_FLAGS") if direct else None
        for layer in (stack_args, invocation, extra):
            given: Invocation | EnvEntry | None = layer
            if isinstance(layer, EnvEntry):
                whole_unknown = whole_unknown or layer.value is None  # any flag at all may come from there
                given = flags_of(layer.value, layer.where) if layer.value else None
            if isinstance(given, Invocation):
                settings = [*overridden(settings, given.unknown), *given.settings]
                unknown |= given.unknown
        if invocation is not None:
            for include in [s for s in invocation.settings if s.name == "include"]:
                found_file = host_file(list(service.mounts), include.value)
                loaded = None if found_file is None else load_conf(service, found_file[1], self.result, 1)
                if loaded is None:
                    whole_unknown = True
                else:
                    at_include = settings.index(include)
                    settings[at_include + 1 : at_include + 1] = loaded
        if whole_unknown:
            self.result.notes.append(Note(service.where, unknown_reason(service, invocation)))
        known = {s.name for s in settings}
        not_judged = {
            rule
            for rule, reads in RULE_READS.items()
            if unknown & set(reads) or (whole_unknown and not known & set(reads))
        }
        not_judged.add("network.exposed")  # the images run with protected mode off: network.published judges it
        target = service.line.line if service.line is not None else None
        kind: ConfigKind = "sentinel" if sentinel else "redis"
        absent_at = {"requirepass": service.where} if sentinel and conf is None else {}
        cfg = EffectiveConfig.of(
            settings, service.where, target=target, not_judged=not_judged, kind=kind, absent_at=absent_at
        )
        self.result.subjects.append(cfg)
        if service.image and service.image_at is not None and "$" not in service.image and "@" not in service.image:
            self.result.subjects.append(ImageReference(service.image, service.image_at))
        if conf is not None:  # the mounted file's findings again at the mount, in the compose file
            mount, host = conf
            shown = os.path.normpath(host)
            moved = [s._replace(where=mount.where) if s.where.file == shown else s for s in settings]
            self.result.subjects.append(replace(cfg, settings=tuple(moved), _index={}))
        self.result.secrets |= {value for s in settings for value in secret_values(s.name, s.args)}
        password = password_state(cfg, unknown, whole_unknown, password_given, env_unknown)
        last_port = cfg.last("port")
        if last_port is not None and last_port.value.isdigit():
            port = int(last_port.value)
        master_password: PasswordState = "set" if cfg.value("masterauth") or cfg.value("primaryauth") else "none"
        if master_password == "none" and {"masterauth", "primaryauth"} & unknown:
            master_password = "given"
        elif master_password == "none" and (whole_unknown or env_unknown or (bitnami and replicaof is None)):
            master_password = "unknown"  # Bitnami's master may set it from its own variables
        replica_of = cfg.last("replicaof") or cfg.last("slaveof")
        if replica_of is not None and replica_of.args:
            replicaof = (replica_of.args[0].split() or [""])[0] or None  # "host port" as one argument too
        directory, directory_at = data_dir(service, cfg, unknown, whole_unknown, bitnami, family, spec)
        watched = monitors(cfg, conf) if sentinel else ()
        config_file = invocation.config_file.text if invocation is not None and invocation.config_file else ""
        config_mount = next(
            (m for m in service.mounts if config_file and m.target.rstrip("/") in parents(config_file)), None
        )
        return replace(
            service,
            config=cfg,
            password=password,
            server_port=port,
            data_dir=None if sentinel else directory,
            data_dir_at=directory_at,
            replicaof=replicaof,
            replicaof_at=replica_of.where if replica_of is not None else None,
            masterauth=master_password,
            monitors=watched,
            config_file=config_file,
            config_mount=config_mount,
            started_at=invocation.program_at if invocation is not None and not bitnami else None,
            loopback_bind=loopback_bind(cfg),
        )

    def _config_file(self, service: ComposeService, word: Word, settings: list[Setting]) -> tuple[Mount, str] | None:
        """Loads the config file ``word`` names into ``settings`` when a mount brings it from next to the compose
        file (its includes likewise); None when it, or a file it includes, cannot be read here."""
        found = host_file(list(service.mounts), word.text)
        if found is None:
            return None
        mount, host = found
        loaded = load_conf(service, host, self.result)
        if loaded is None:
            return None
        settings += loaded
        return mount, host


__all__ = ["compose_from_text", "compose_router", "looks_like_compose", "read_compose"]
