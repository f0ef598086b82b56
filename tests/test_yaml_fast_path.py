"""The fast YAML path (libyaml's events, generator/formats/yaml_events.py) gives exactly what ruamel's round-trip
loader gives: the same data, in the same key order, with the same line and column for every key and value; and
it hands everything else back to the round-trip path, which words the errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator.formats import yaml as yaml_format
from generator.formats import yaml_events
from generator.formats.yaml_events import FallbackError, parse_events

ROOT = Path(__file__).resolve().parent.parent
SKIP = {".venv", "node_modules", "site", ".git", "test-artifacts"}
REPO_YAML = sorted(
    p for pattern in ("**/*.yaml", "**/*.yml") for p in ROOT.glob(pattern) if not SKIP & set(p.relative_to(ROOT).parts)
)

TRICKY = [
    "",
    "# only a comment\n",
    "~\n",
    "- a\n- b\n",
    "a: &x 1\nb: *x\n",
    "a: &a [1, 2]\nb: *a\n",
    "t: 2001-12-14t21:59:43.10-05:00\nd: 2002-12-14\n",
    "o: 0o17\nh: 0x1F\nu: 1_000\ni: .inf\nn: -.inf\nf: 1.5e3\ng: 012\nb: 0b101\ns: 1:30\n",
    "y: yes\nn: no\non: on\nT: True\nF: FALSE\n",
    "'q': 1\n\"d\": 2\n2: x\n2.5: y\ntrue: z\n~: w\n",
    "{a: 1, b: [1, 2, {c: d}]}\n",
    "a: |\n  l1\n  l2\nb: >\n  f1\n  f2\nc: |+\n  k\n\nd: |-\n  s\n",
    "a:\nb:\n  c:\n  d: 1\n",
    "a: 1\r\nb: 2\r\n",
    "é: ü\n",
    "\ufeffa: 1\n",
    "b: &b {x: 1, y: 2}\no: &o {y: 20, z: 30}\nm:\n  a: 0\n  <<: [*b, *o]\n  x: 5\nn:\n  <<: *b\n",
    "<<: {a: 1}\nb: 2\n",
    "a: 'it''s'\nb: \"esc\\n\\t\"\n",
    "a:\n  - b: 1\n    c: 2\n  - d\n",
    "a: 1 # c\n# x\nb: 2\n",
    "a: -0\nb: +1\nc: 0.\nd: -.5\ne: 1E3\n",
    "- ? a\n  : b\n",
    "a: &x\nb: *x\n",
    "x: =\nk: '<<'\n",
]
REFUSED_OR_UNUSUAL = [
    "a:\t1\n",
    "%YAML 1.1\n---\na: yes\n",
    "a: 1\na: 2\n",
    "a: *nope\n",
    "---\na: 1\n---\nb: 2\n",
    "a: [\n",
    "a: !custom x\n",
    "s: !!str 1\n",
    "? [a, b]\n: c\n",
    "[" * 70 + "]" * 70,
    "c:\n  <<: 1\n",
    "1: x\ntrue: z\n",  # equal in Python: a duplicate to this path, not to ruamel
]


def _round_trip(text: str) -> tuple[str, object, object] | str:
    try:
        document = yaml_format._parse_round_trip(text)
    except yaml_format.YamlLoadError as error:
        return f"error {error.line}:{error.column} {error.reason}"
    return json.dumps(document.data, default=repr), document.positions.keys, document.positions.values


def test_the_compiled_parser_is_there() -> None:
    """ruamel.yaml.clib is a dependency on CPython: without it every file takes the slow path."""
    assert yaml_events.FAST


@pytest.mark.parametrize("path", REPO_YAML, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_yaml_file_of_the_repository_reads_the_same(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    try:
        data, keys, values = parse_events(text, yaml_format.MAX_DEPTH, yaml_format.MAX_NODES)
    except FallbackError:
        return
    assert (json.dumps(data, default=repr), keys, values) == _round_trip(text)


@pytest.mark.parametrize("text", TRICKY)
def test_tricky_yaml_reads_the_same(text: str) -> None:
    data, keys, values = parse_events(text, yaml_format.MAX_DEPTH, yaml_format.MAX_NODES)
    assert (json.dumps(data, default=repr), keys, values) == _round_trip(text)


@pytest.mark.parametrize("text", REFUSED_OR_UNUSUAL)
def test_the_unusual_goes_to_the_round_trip_path(text: str) -> None:
    with pytest.raises(FallbackError):
        parse_events(text, yaml_format.MAX_DEPTH, yaml_format.MAX_NODES)
    try:
        document = yaml_format.parse_yaml(text)
    except yaml_format.YamlLoadError as error:
        assert _round_trip(text) == f"error {error.line}:{error.column} {error.reason}"
    else:
        assert _round_trip(text) == (json.dumps(document.data, default=repr), *document.positions)


def test_nesting_beyond_the_round_trip_path_is_refused_as_it_refuses_it() -> None:
    text = "[" * 1500 + "]" * 1500 + "\n"
    with pytest.raises(yaml_events.TooDeepError):
        parse_events(text, yaml_format.MAX_DEPTH, yaml_format.MAX_NODES)
    with pytest.raises(yaml_format.YamlLoadError) as fast:
        yaml_format.parse_yaml(text)
    assert _round_trip(text) == f"error {fast.value.line}:{fast.value.column} {fast.value.reason}"


def test_most_repository_files_take_the_fast_path() -> None:
    fast = 0
    for path in REPO_YAML:
        try:
            parse_events(path.read_text(encoding="utf-8"), yaml_format.MAX_DEPTH, yaml_format.MAX_NODES)
            fast += 1
        except FallbackError:
            pass
    assert fast >= 0.9 * len(REPO_YAML)
