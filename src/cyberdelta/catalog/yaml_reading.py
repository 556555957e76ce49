"""YAML documents read with the safe schema, fast: libyaml parses, plain mappings, sequences and
strings are built directly, everything else by PyYAML's own ``SafeConstructor``.

PyYAML's C loader (``CSafeLoader``, https://pyyaml.org/wiki/PyYAMLDocumentation) scans, parses and
composes in C but still builds every Python object through the generic constructor, which for a
catalog of 1,200 controls takes longer than the parsing. An OSCAL document is almost only
mappings, sequences and strings; those are built here with the result ``yaml.safe_load`` gives
(same keys, same values, a shared node built once). Any other tag (numbers, booleans, null,
timestamps, merge keys ``<<``, YAML 1.1 value keys ``=``) goes to ``SafeConstructor``, so no tag
that builds other Python objects is accepted.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

YAML_LOADER: type[yaml.SafeLoader] | type[yaml.CSafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
STR = "tag:yaml.org,2002:str"
SEQ = "tag:yaml.org,2002:seq"
MAP = "tag:yaml.org,2002:map"
SPECIAL_KEYS = frozenset({"tag:yaml.org,2002:merge", "tag:yaml.org,2002:value"})


class _Builder:
    def __init__(self, loader: yaml.SafeLoader | yaml.CSafeLoader) -> None:
        self.loader = loader
        self.built: dict[int, Any] = {}

    def build(self, node: Node) -> Any:
        known = self.built.get(id(node), self)
        if known is not self:
            return known
        if isinstance(node, ScalarNode) and node.tag == STR:
            return node.value
        if isinstance(node, SequenceNode) and node.tag == SEQ:
            items: list[Any] = []
            self.built[id(node)] = items
            items.extend(self.build(child) for child in node.value)
            return items
        if isinstance(node, MappingNode) and node.tag == MAP:
            pairs: list[tuple[Node, Node]] = node.value
            if not any(key.tag in SPECIAL_KEYS for key, _value in pairs):
                mapping: dict[Any, Any] = {}
                self.built[id(node)] = mapping
                for key_node, value_node in pairs:
                    key = self.build(key_node)
                    if not isinstance(key, Hashable):
                        raise yaml.constructor.ConstructorError(
                            "while constructing a mapping",
                            node.start_mark,
                            "found unhashable key",
                            key_node.start_mark,
                        )
                    mapping[key] = self.build(value_node)
                return mapping
        value = self.loader.construct_object(node, deep=True)
        self.built[id(node)] = value
        return value


def load_yaml(text: str) -> Any:
    """What ``yaml.safe_load(text)`` returns; raises ``yaml.YAMLError`` alike."""
    loader = YAML_LOADER(text)
    try:
        node = loader.get_single_node()
        return None if node is None else _Builder(loader).build(node)
    finally:
        loader.dispose()
