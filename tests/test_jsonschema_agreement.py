"""The JSON Schema that `schema` prints and `build` writes agrees with `validate` wherever a JSON Schema can:
a real validator (the `jsonschema` package) accepts every valid example and rejects every file `validate`
finds a shape problem in. Rules a JSON Schema cannot express (topology, versions, generated directives) are
`validate`'s alone."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from generator.formats.yaml import YamlLoadError, parse_yaml
from generator.judge import validate_file
from generator.render.jsonschema import values_json_schema
from tests.support import ROOT

SHAPE_RULES = frozenset(
    {"schema.unknown-key", "schema.type", "schema.missing", "mode.supported", "auth.literal-password"}
)
"""Findings a JSON Schema can give too: the file's keys, types, allowed values, and password sources."""

VALID = sorted([*(ROOT / "tests/examples/valid").glob("*.yaml"), *(ROOT / "examples").glob("*.yaml")])
INVALID = sorted((ROOT / "tests/examples/invalid").glob("*.yaml"))


@pytest.fixture(scope="module")
def validator() -> jsonschema.protocols.Validator:
    schema = json.loads(values_json_schema())
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def _data(path: Path) -> Any:
    return parse_yaml(path.read_text(encoding="utf-8")).data


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.name)
def test_json_schema_accepts_every_valid_example(path: Path, validator: jsonschema.protocols.Validator) -> None:
    errors = [e.message for e in validator.iter_errors(_data(path))]
    assert errors == []


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.name)
def test_json_schema_and_validate_agree_on_the_shape(path: Path, validator: jsonschema.protocols.Validator) -> None:
    try:
        data = _data(path)
    except YamlLoadError:
        pytest.skip("not YAML: neither validator gets to the shape")
    found = {f.rule_id for f in validate_file(path).findings}
    json_errors = [e.message for e in validator.iter_errors(data)]
    assert bool(json_errors) == bool(found & SHAPE_RULES), (sorted(found), json_errors)


def test_the_schema_describes_host_lists_as_strings(validator: jsonschema.protocols.Validator) -> None:
    sentinel: dict[str, Any] = {
        "mode": "sentinel",
        "redis_version": "7.0",
        "sentinel": {"nodes": ["10.0.0.11:6379"], "sentinels": ["10.0.0.11:26379"]},
    }
    assert list(validator.iter_errors(sentinel)) == []
    sentinel["sentinel"]["nodes"] = [{"host": "10.0.0.11", "port": 6379}]
    assert list(validator.iter_errors(sentinel))
