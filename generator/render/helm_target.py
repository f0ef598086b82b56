"""What a deployment looks like once the Bitnami charts install it on Kubernetes: which chart version and images
run it, which Services the chart creates, and so what Infisical's Secret must point at.

One deployment, one truth: the Secret next to the chart values is derived from the same release name and
namespace as the values, never from the host lists the values file gives for machines or docker compose.
tests/test_helm_render.py renders the real charts and checks every name here against what they create.
"""

from typing import NamedTuple

from generator.render.env import EnvEntry, InfisicalEnv, infisical_env_view
from generator.render.secrets import SecretValues
from generator.schema.charts import (
    BITNAMI_LEGACY,
    INFISICAL_SUBCHART_VERSION,
    LINE_IMAGES,
    REDIS_CLUSTER_CHART_VERSION,
    LineImages,
)
from generator.schema.fields import HostPort
from generator.schema.values import Deployment

REDIS_PORT = 6379
SENTINEL_PORT = 26379


class Image(NamedTuple):
    repository: str
    tag: str

    @property
    def reference(self) -> str:
        return f"{self.repository}:{self.tag}"


class ChartTarget(NamedTuple):
    """The chart (and version) that installs this deployment, and the images its pods run."""

    chart: str
    """``redis`` or ``redis-cluster`` (Bitnami)."""
    version: str
    redis: Image
    """The data nodes' image (``-cluster`` image for redis-cluster)."""
    sentinel: Image | None

    @property
    def bundled_fits(self) -> bool:
        """Whether Infisical's chart, whose subchart is Bitnami `redis` 18.14.1, runs this line as generated."""
        return self.chart == "redis" and self.version == INFISICAL_SUBCHART_VERSION


def line_images(dep: Deployment) -> LineImages | None:
    """The pullable ``bitnamilegacy`` tags of the values file's line, or None when there are none."""
    target = dep.target
    if target.family != "redis":
        return None
    return LINE_IMAGES.get((target.major, target.minor))


def no_chart_reason(dep: Deployment) -> str | None:
    """Why no Bitnami chart can run this deployment's server line (None: one can)."""
    target = dep.target
    images = line_images(dep)
    if dep.mode == "cluster" and images is not None and images.cluster is None:
        return (
            f"the `redis-cluster` chart {REDIS_CLUSTER_CHART_VERSION} writes a default config with directives "
            f"Redis 7.0 introduced (appenddirname, aof-timestamp-enabled, the listpack settings), which "
            f"{target.title} refuses at start: its pods would crash-loop. Run a cluster on Kubernetes with "
            "Redis 7.0 or newer."
        )
    if images is not None:
        return None
    if target.family == "valkey":
        return (
            f"{target.title} is not Redis: the Bitnami `redis` and `redis-cluster` charts run only Bitnami's Redis "
            "images (their start scripts call Redis's own paths), so no values for them are generated. Run "
            "Valkey on Kubernetes with a chart built for it and the generated redis.conf, or choose a Redis "
            f"line ({', '.join(f'{a}.{b}' for a, b in LINE_IMAGES)})."
        )
    return (
        f"{target.title} has no pullable Bitnami image: Bitnami stopped publishing free images in August 2025 "
        f"and {BITNAMI_LEGACY}/* keeps only the tags published before. The Bitnami charts can run Redis "
        f"{', '.join(f'{a}.{b}' for a, b in LINE_IMAGES)}."
    )


def chart_target(dep: Deployment) -> ChartTarget | None:
    """The chart, version and images that run this deployment; None when none can (``no_chart_reason``)."""
    images = line_images(dep)
    if images is None or no_chart_reason(dep) is not None:
        return None
    repository = dep.kubernetes.image_repository
    if dep.mode == "cluster":
        if images.cluster is None:  # no_chart_reason says why
            return None
        return ChartTarget(
            "redis-cluster", REDIS_CLUSTER_CHART_VERSION, Image(f"{repository}-cluster", images.cluster), None
        )
    sentinel = Image(f"{repository}-sentinel", images.sentinel) if dep.mode == "sentinel" else None
    return ChartTarget("redis", images.redis_chart, Image(repository, images.redis), sentinel)


def data_node_count(dep: Deployment) -> int:
    """Pods running Redis: one standalone, one per ``sentinel.nodes`` / ``cluster.nodes`` entry."""
    if dep.mode == "sentinel" and dep.sentinel is not None:
        return len(dep.sentinel.nodes)
    if dep.mode == "cluster" and dep.cluster is not None:
        return len(dep.cluster.nodes)
    return 1


def standalone_service(dep: Deployment) -> HostPort:
    """The Bitnami `redis` chart's ``<release>-master`` Service (standalone)."""
    k = dep.kubernetes
    return HostPort.model_validate(f"{k.service_host(f'{k.release}-master')}:{REDIS_PORT}")


def sentinel_hosts(dep: Deployment) -> list[HostPort]:
    """Every Sentinel pod by its stable name under the ``<release>-headless`` Service (port 26379).

    Per-pod names, not the ``<release>`` Service: the chart's generated certificate covers
    ``*.<release>-headless.<namespace>.svc.<domain>`` but not ``<release>.<namespace>.svc.<domain>``, and the
    Sentinels announce these same names; a list also lets Infisical try the next Sentinel when one is down.
    """
    k = dep.kubernetes
    headless = f"{k.release}-headless"
    return [
        HostPort.model_validate(f"{k.service_host(f'{k.release}-node-{i}.{headless}')}:{SENTINEL_PORT}")
        for i in range(data_node_count(dep))
    ]


def cluster_seed(dep: Deployment) -> HostPort:
    """The Bitnami `redis-cluster` chart's ``<release>`` Service: any node answers with the whole cluster map."""
    k = dep.kubernetes
    return HostPort.model_validate(f"{k.service_host(k.release)}:{REDIS_PORT}")


def _on_kubernetes(dep: Deployment) -> Deployment:
    """The same deployment with the in-cluster addresses in place of the machines' ones (for the Secret)."""
    update: dict[str, object] = {"read_replicas": []}
    if dep.mode == "standalone":
        service = standalone_service(dep)
        update["standalone"] = dep.endpoint.model_copy(update={"host": service.host, "port": service.port})
    elif dep.mode == "sentinel" and dep.sentinel is not None:
        update["sentinel"] = dep.sentinel.model_copy(update={"sentinels": sentinel_hosts(dep)})
        # auth.sentinel: the chart gives the Sentinels the data password, or none at all.
        sentinel_password = dep.auth.password if dep.auth.enabled and dep.auth.sentinel_password else None
        update["auth"] = dep.auth.model_copy(update={"sentinel_password": sentinel_password})
    elif dep.cluster is not None:
        update["cluster"] = dep.cluster.model_copy(update={"nodes": [cluster_seed(dep)]})
    return dep.model_copy(update=update)


SOURCE_NOTES: dict[str, str] = {
    "REDIS_URL": "The chart's Service {release}-master (kubernetes.release, kubernetes.namespace), port 6379",
    "REDIS_SENTINEL_HOSTS": "The chart's Sentinel pods under Service {release}-headless (kubernetes.release, "
    "kubernetes.namespace), port 26379.",
    "REDIS_CLUSTER_HOSTS": "The chart's Service {release} (kubernetes.release, kubernetes.namespace): any node "
    "gives Infisical the whole cluster.",
}


def _kubernetes_entry(entry: EnvEntry, dep: Deployment) -> EnvEntry:
    if entry.name in SOURCE_NOTES:
        note = SOURCE_NOTES[entry.name].format(release=dep.kubernetes.release)
        if entry.name == "REDIS_URL":
            note += "; TLS on (rediss://)." if dep.tls.enabled else "."
        return entry._replace(notes=(note, *entry.notes[1:]))
    if entry.name == "REDIS_SENTINEL_PASSWORD":
        return entry._replace(
            notes=(
                "The chart gives the Sentinels the data nodes' password (auth.sentinel), so this is that "
                "password, whatever auth.sentinel_password names.",
                *entry.notes,
            ),
        )
    return entry


def kubernetes_env_view(dep: Deployment, secrets: SecretValues) -> InfisicalEnv:
    """Infisical's variables for the chart-installed deployment: the in-cluster Services, the chart's passwords.

    ``read_replicas`` (machine addresses) are left out: the chart's replicas are behind the same Services.
    """
    env = infisical_env_view(_on_kubernetes(dep), secrets)
    return env._replace(entries=tuple(_kubernetes_entry(e, dep) for e in env.entries))
