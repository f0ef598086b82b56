"""ConfFile views as redis.conf / sentinel.conf text."""

from __future__ import annotations

from generator.render.conf_model import ConfFile
from generator.render.templates import render_template


def conf_text(conf: ConfFile, source: str, header: tuple[str, ...] = ()) -> str:
    """A whole config file, with its header (comments: line breaks in them are escaped)."""
    return render_template(
        "redis/redis.conf.j2", conf=conf, source=_one_line(source), header=tuple(_one_line(h) for h in header)
    )


def _one_line(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\r", "\\r").replace("\n", "\\n")


def conf_body(conf: ConfFile) -> str:
    """Only the sections: for embedding in Helm values (`commonConfiguration`, `redis.configmap`)."""
    return render_template("redis/_sections.conf.j2", conf=conf)
