"""The chart key trees in schema/chart_keys.py against the charts' own values.yaml (in ../shared/reference when
it is there; skipped cleanly without it): every key a chart's file has is known, and no key is invented."""

from __future__ import annotations

from typing import Any

import pytest

from generator.formats.yaml import parse_yaml
from generator.schema.charts import KeyTree, key_tree
from tests.support import ROOT

REFERENCE = ROOT.parent / "shared" / "reference"


def _load(relative: str) -> Any:
    path = REFERENCE / relative
    if not path.is_file():
        pytest.skip(f"{path} is not here")
    return parse_yaml(path.read_text()).data


def _paths(data: Any, prefix: tuple[str, ...] = ()) -> set[tuple[str, ...]]:
    found: set[tuple[str, ...]] = set()
    if isinstance(data, dict):
        for key, value in data.items():
            here = (*prefix, str(key))
            found.add(here)
            if key != "global":
                found |= _paths(value, here)
    return found


def _tree_paths(tree: KeyTree, prefix: tuple[str, ...] = ()) -> set[tuple[str, ...]]:
    found: set[tuple[str, ...]] = set()
    for key, node in tree.items():
        if key != "*":
            found.add((*prefix, key))
            found |= _tree_paths(node, (*prefix, key))
    return found


@pytest.mark.parametrize(
    ("tree", "files"),
    [
        ("bitnami-redis", ["bitnami-redis-18.14.0/values.yaml", "bitnami-redis-23.1.1/values.yaml"]),
        ("infisical-redis", ["bitnami-redis-18.14.0/values.yaml", "charts/bitnami-redis-18.14.1/values.yaml"]),
        ("bitnami-redis-cluster", ["bitnami-redis-cluster-13.0.5/values.yaml"]),
    ],
)
def test_key_tree_is_the_charts_own(tree: str, files: list[str]) -> None:
    reference: set[tuple[str, ...]] = set()
    for relative in files:
        reference |= _paths(_load(relative))
    ours = _tree_paths(key_tree(tree)) - {("enabled",), ("name",)}  # Infisical's own keys in its redis section
    assert reference - ours == set()
    assert ours - reference == set()


def test_infisical_tree_has_the_charts_top_level_and_infisical_keys() -> None:
    values = _load("charts/infisical-standalone-1.7.5/values.yaml")
    tree = key_tree("infisical")
    assert set(values) <= set(tree)
    assert _paths(values["infisical"]) <= _tree_paths(tree["infisical"])
    assert {"env", "extraVolumes", "extraVolumeMounts"} <= set(tree["infisical"])
    assert "extraEnv" not in tree["infisical"]


def test_valkey_tree_has_primary_not_master() -> None:
    tree = key_tree("bitnami-valkey")
    assert "primary" in tree and "master" not in tree
    assert "persistence" in tree["primary"]
