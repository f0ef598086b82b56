"""The directives `build` writes: right for every server line, and no value can leave its line."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.formats.conf import parse_conf
from generator.render.conf import conf_text
from generator.render.conf_model import conf_files
from generator.render.secrets import PLACEHOLDERS, SecretValues
from generator.schema.values import Deployment
from generator.schema.versions import SUPPORTED_TARGETS

TOPOLOGY = {
    "standalone": {},
    "sentinel": {
        "sentinel": {
            "nodes": ["10.0.0.1:6379", "10.0.0.2:6379"],
            "sentinels": ["10.0.0.1:26379", "10.0.0.2:26379", "10.0.0.3:26379"],
        }
    },
    "cluster": {"cluster": {"nodes": [f"10.0.0.{i}:6379" for i in range(1, 7)]}},
}


def _deployment(mode: str, version: str, **extra: object) -> Deployment:
    return Deployment.model_validate({"mode": mode, "redis_version": version, **TOPOLOGY[mode], **extra})


@pytest.mark.parametrize("target", SUPPORTED_TARGETS, ids=lambda t: t.spelling)
@pytest.mark.parametrize("mode", list(TOPOLOGY))
def test_only_directives_the_target_knows(mode: str, target: object) -> None:
    from generator.schema.versions import ServerTarget

    assert isinstance(target, ServerTarget)
    dep = _deployment(mode, target.spelling, tls={"enabled": True})
    for conf in conf_files(dep, PLACEHOLDERS):
        if conf.role == "sentinel":
            continue
        unknown = [d.name for d in conf.directives() if not target.has_directive(d.name)]
        assert unknown == [], f"{conf.filename} for {target.title}"
        names = [d.name for d in conf.directives()]
        assert ("appenddirname" in names) == (target.redis_level >= (7, 0))


def test_save_pairs_one_per_line_on_every_target() -> None:
    for target in SUPPORTED_TARGETS:
        dep = _deployment("standalone", target.spelling)
        text = conf_text(conf_files(dep, PLACEHOLDERS)[0], "t.yaml")
        saves = [line.args for line in parse_conf(text) if line.name == "save"]
        assert saves == [("3600", "1"), ("300", "100"), ("60", "10000")]


hostile = st.text(min_size=1, max_size=40).filter(lambda s: "\x00" not in s and not s.isspace())


@settings(max_examples=60, deadline=None)
@given(password=hostile, path=hostile)
def test_no_value_can_add_a_directive(password: str, path: str) -> None:
    for mode in TOPOLOGY:
        dep = _deployment(
            mode,
            "7.0",
            persistence={"dir": path},
            tls={"enabled": True, "cert_file": path, "key_file": path, "ca_file": path},
            auth={"password": {"env": "PW"}, "sentinel_password": {"env": "PW"}},
        )
        for conf in conf_files(dep, SecretValues(environ={"PW": password})):
            parsed = parse_conf(conf_text(conf, "t.yaml"))
            assert [(p.name, p.args) for p in parsed] == [(d.name, d.args) for d in conf.directives()]
