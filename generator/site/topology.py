"""A deployment as an SVG topology diagram: Infisical, the Sentinels, the Redis nodes, their volumes and whether
the links are TLS. Drawn from the example values files when the site is built (no diagram service, no script)."""

from __future__ import annotations

from dataclasses import dataclass

from generator.schema.fields import HostPort
from generator.schema.values import Deployment
from generator.site.svg import INK, MUTED, attrs, document, rect, text

WIDTH = 760
BOX_H = 46
INFISICAL = "#5e35b1"
NODE = "#c62828"
SENTINEL = "#00838f"
VOLUME = "#78909c"
TLS_ON = "#2e7d32"


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    w: float
    h: float = BOX_H

    @property
    def top(self) -> tuple[float, float]:
        return (self.x + self.w / 2, self.y)

    @property
    def bottom(self) -> tuple[float, float]:
        return (self.x + self.w / 2, self.y + self.h)


def _box(box: Box, colour: str, title: str, subtitle: str = "") -> list[str]:
    parts = [rect(box.x, box.y, box.w, box.h, colour, rx=6)]
    middle = box.x + box.w / 2
    parts.append(text(middle, box.y + (18 if subtitle else 28), title, 13, "middle", fill="#fff", font_weight="700"))
    if subtitle:
        parts.append(text(box.x + box.w / 2, box.y + 35, subtitle, 11, "middle", fill="#fff"))
    return parts


def _volume(cx: float, y: float, label: str = "") -> list[str]:
    w, h, ry = 56, 30, 6
    x = cx - w / 2
    body = f"M{x} {y + ry} v{h - ry} a{w / 2} {ry} 0 0 0 {w} 0 v{-(h - ry)}"
    return [
        f"<path{attrs(d=body, fill=VOLUME)}/>",
        f"<ellipse{attrs(cx=cx, cy=y + ry, rx=w / 2, ry=ry, fill='#b0bec5')}/>",
        *([text(cx, y + h + 16, label, 10, "middle", fill=MUTED)] if label else []),
    ]


def _arrow(start: tuple[float, float], end: tuple[float, float], colour: str, dashed: bool = False) -> str:
    extra = {"stroke_dasharray": "5 4"} if dashed else {}
    line = attrs(x1=start[0], y1=start[1], x2=end[0], y2=end[1], stroke=colour, stroke_width=2, **extra)
    return f"<line{line} marker-end='url(#arrow)'/>"


def _row(count: int, y: float, width: float) -> list[Box]:
    gap = 14.0
    w = min(width, (WIDTH - 40 - gap * (count - 1)) / count)
    start = (WIDTH - (w * count + gap * (count - 1))) / 2
    return [Box(start + i * (w + gap), y, w) for i in range(count)]


def _addr(node: HostPort) -> str:
    return f"{node.host}:{node.port}"


def _link_label(dep: Deployment) -> tuple[str, str]:
    if dep.tls.enabled:
        return "TLS only (plain-text port off)", TLS_ON
    return "plain text: keep it on a private network", MUTED


def topology_svg(dep: Deployment, name: str) -> str:
    """The diagram of one deployment; ``name`` is the example's name, for the title."""
    body: list[str] = [
        "<defs><marker id='arrow' viewBox='0 0 10 10' refX='9' refY='5' markerWidth='7' markerHeight='7' "
        f"orient='auto-start-reverse'><path d='M0 0L10 5L0 10z' fill='{INK}'/></marker></defs>"
    ]
    infisical = Box((WIDTH - 260) / 2, 20, 260)
    variables = {"standalone": "REDIS_URL", "sentinel": "REDIS_SENTINEL_HOSTS", "cluster": "REDIS_CLUSTER_HOSTS"}
    body += _box(infisical, INFISICAL, "Infisical (BullMQ, ioredis)", variables[dep.mode])
    label, colour = _link_label(dep)
    body.append(text(infisical.x + infisical.w + 14, infisical.y + 28, label, 11, fill=colour))
    volume = f"AOF {dep.persistence.appendfsync} + RDB" if dep.persistence.aof else "no AOF"
    volume_label = f"{volume}, {dep.volume_bytes // 1024**3} GiB"
    y = 130.0
    if dep.mode == "standalone":
        node = Box((WIDTH - 220) / 2, y, 220)
        body.append(_arrow(infisical.bottom, node.top, colour))
        body += _box(node, NODE, "Redis", f"{dep.endpoint.host}:{dep.endpoint.port}")
        body += _volume(node.bottom[0], node.bottom[1] + 12, volume_label)
        bottom = node.bottom[1] + 70
    elif dep.mode == "sentinel" and dep.sentinel is not None:
        sentinels = _row(len(dep.sentinel.sentinels), y, 180)
        for box, address in zip(sentinels, dep.sentinel.sentinels, strict=True):
            body.append(_arrow(infisical.bottom, box.top, SENTINEL, dashed=True))
            body += _box(box, SENTINEL, "Sentinel", _addr(address))
        body.append(text(20, y - 12, f"1. ask a Sentinel for '{dep.sentinel.master_name}'", 11, fill=SENTINEL))
        quorum = f"quorum {dep.sentinel.quorum}: that many must agree to fail over"
        body.append(text(20, y + BOX_H + 18, quorum, 11, fill=MUTED))
        nodes = _row(len(dep.sentinel.nodes), y + 110, 180)
        for i, (box, address) in enumerate(zip(nodes, dep.sentinel.nodes, strict=True)):
            role = "master (at start)" if i == 0 else "replica"
            body += _box(box, NODE, f"Redis {role}", _addr(address))
            body += _volume(box.bottom[0], box.bottom[1] + 12, volume_label)
        body.append(text(WIDTH - 20, y + 96, "2. connect to the master the Sentinels name", 11, "end", fill=INK))
        replication = "replicas copy the master; the Sentinels promote one when the master fails"
        body.append(text(WIDTH / 2, nodes[0].bottom[1] + 80, replication, 11, "middle", fill=MUTED))
        bottom = nodes[0].bottom[1] + 96
    elif dep.cluster is not None:
        nodes = _row(len(dep.cluster.nodes), y, 150)
        masters = len(dep.cluster.nodes) // (dep.cluster.replicas_per_master + 1)
        for box, address in zip(nodes, dep.cluster.nodes, strict=True):
            body.append(_arrow(infisical.bottom, box.top, colour))
            body += _box(box, NODE, "cluster node", _addr(address))
            body += _volume(box.bottom[0], box.bottom[1] + 12)
        replicas = dep.cluster.replicas_per_master
        body.append(text(WIDTH / 2, nodes[0].bottom[1] + 62, f"each node: {volume_label}", 10, "middle", fill=MUTED))
        summary = f"{masters} masters with {replicas} replica(s) each share the 16384 slots; each queue's {{hash-tag}}"
        body.append(
            text(WIDTH / 2, nodes[0].bottom[1] + 84, summary + " keeps it in one slot", 11, "middle", fill=MUTED)
        )
        bottom = nodes[0].bottom[1] + 100
    else:  # pragma: no cover - a validated deployment always has its mode's section
        raise ValueError(f"{name}: no {dep.mode} section")
    height = int(bottom + 24)
    body.append(text(20, height - 10, f"{name}: {dep.target.title}, size {dep.size}", 11, fill=MUTED))
    title = f"Topology of the {name} example ({dep.mode})"
    description = (
        f"{dep.mode} deployment: Infisical connects with {variables[dep.mode]}; {label}; data on {volume_label}."
    )
    return document(WIDTH, height, title, description, body)
