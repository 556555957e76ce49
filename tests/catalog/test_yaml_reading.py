"""The fast YAML reader gives what ``yaml.safe_load`` gives (YAML 1.1 safe schema), for every
kind of node a YAML document can hold, and refuses what it refuses."""

from __future__ import annotations

import pytest
import yaml

from cyberdelta.catalog.yaml_reading import load_yaml
from tests.catalog.baselines import full_catalog

DOCUMENTS = {
    "catalog": yaml.safe_dump(full_catalog(3, 2), allow_unicode=True),
    "scalars": "a: 1\nb: 1.5\nc: true\nd: null\ne: ~\nf: 2026-12-03\n"
    "g: 2026-12-03T07:00:00Z\nh: '1'\ni: 0o17\n",
    "japanese": "title: 管理策\nprose: |\n  一行目\n  二行目\n",
    "anchors": "base: &b {x: [1, 2], y: s}\nalias: *b\nlist: [*b, *b]\n",
    "merge": "base: &b {x: 1, y: 2}\nderived:\n  <<: *b\n  y: 3\n",
    "value-key": "a: {=: v}\n",
    "non-string-keys": "1: one\ntrue: yes\n",
    "explicit-tags": "a: !!str 12\nb: !!int '7'\nc: !!binary aGVsbG8=\nd: !!set {x, y}\ne: !!omap [{k: v}]\n",
    "duplicate-keys": "a: 1\na: 2\n",
    "implicit-words": "[yes, Yes, no, NO, on, Off, true, False, y, n, null, Null, nothing, notes, "
    "tomorrow, offset, .inf, .NaN, .5, +1, -2, 0x1f, 1_000, 190:20:30, 1e3, 3.0e+2, '~', ~, '', "
    "'true', \"no\", Y, N, ~x, nan]\n",
    "repeated-words": "- {a: yes, b: no}\n- {a: yes, b: no}\n- {a: 'yes', b: nope}\n",
    "empty": "",
    "scalar": "just text\n",
}


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_same_result_as_safe_load(name: str) -> None:
    assert load_yaml(DOCUMENTS[name]) == yaml.safe_load(DOCUMENTS[name])


def test_a_node_used_twice_is_one_object() -> None:
    loaded = load_yaml(DOCUMENTS["anchors"])
    assert loaded["alias"] is loaded["base"] and loaded["list"][0] is loaded["base"]


def test_a_recursive_alias_is_built_like_safe_load_does() -> None:
    loaded = load_yaml("a: &x [1, *x]\n")
    assert loaded["a"][1] is loaded["a"]


@pytest.mark.parametrize(
    "text",
    [
        "a: !!python/object/apply:os.system ['true']\n",
        "? [a, b]\n: c\n",
        "a: [unclosed\n",
        "--- 1\n--- 2\n",
    ],
)
def test_refuses_what_safe_load_refuses(text: str) -> None:
    with pytest.raises(yaml.YAMLError):
        yaml.safe_load(text)
    with pytest.raises(yaml.YAMLError):
        load_yaml(text)


def test_the_garbage_collector_runs_again_after_reading() -> None:
    """The collector is paused while a document is built, and resumed even when it is refused."""
    import gc

    load_yaml(DOCUMENTS["catalog"])
    assert gc.isenabled()
    with pytest.raises(yaml.YAMLError):
        load_yaml("a: [unclosed\n")
    assert gc.isenabled()
