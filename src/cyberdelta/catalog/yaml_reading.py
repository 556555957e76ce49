"""YAML documents read with the safe schema, fast: libyaml parses, plain mappings, sequences and
strings are built directly, everything else by PyYAML's own ``SafeConstructor``.

Where the time went (docs/catalog.md, "Import speed"): besides building objects, libyaml's composer
calls the resolver (YAML 1.1 implicit tags, https://yaml.org/type/) in Python for every scalar, and
the cyclic garbage collector ran again and again over the tens of thousands of nodes and marks the
composer creates. The resolver here answers ``str`` at once for a scalar that no implicit resolver
can match (quoted, or a first character none of them starts with) and remembers its answer for
short plain scalars (keys repeat: ``name``, ``id``, ``value``); the others get PyYAML's own answer.
The collector is paused while one document is composed and built: nothing in it can be garbage
before the document is returned.

PyYAML's C loader (``CSafeLoader``, https://pyyaml.org/wiki/PyYAMLDocumentation) scans, parses and
composes in C but still builds every Python object through the generic constructor, which for a
catalog of 1,200 controls takes longer than the parsing. An OSCAL document is almost only
mappings, sequences and strings; those are built here with the result ``yaml.safe_load`` gives
(same keys, same values, a shared node built once). Any other tag (numbers, booleans, null,
timestamps, merge keys ``<<``, YAML 1.1 value keys ``=``) goes to ``SafeConstructor``, so no tag
that builds other Python objects is accepted.
"""

from __future__ import annotations

import gc
from collections.abc import Hashable
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

BASE_LOADER: type[yaml.SafeLoader] | type[yaml.CSafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
STR = "tag:yaml.org,2002:str"
SEQ = "tag:yaml.org,2002:seq"
MAP = "tag:yaml.org,2002:map"
SPECIAL_KEYS = frozenset({"tag:yaml.org,2002:merge", "tag:yaml.org,2002:value"})


REMEMBERED_LENGTH = 64


class FastResolvingLoader(BASE_LOADER):  # type: ignore[misc,valid-type]
    """The safe loader (C when PyYAML has it) with a quicker answer to "which implicit tag?"."""

    _starts = frozenset(key for key in BASE_LOADER.yaml_implicit_resolvers if key)
    _no_wildcards = None not in BASE_LOADER.yaml_implicit_resolvers

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._remembered: dict[str, str] = {}

    def resolve(self, kind: type[Node], value: Any, implicit: tuple[bool, bool]) -> str:
        if kind is ScalarNode and self._no_wildcards and not self.yaml_path_resolvers:
            if not implicit[0] or (value and value[0] not in self._starts):
                return STR
            known = self._remembered.get(value)
            if known is not None:
                return known
            tag: str = super().resolve(kind, value, implicit)
            if len(value) <= REMEMBERED_LENGTH:
                self._remembered[value] = tag
            return tag
        resolved: str = super().resolve(kind, value, implicit)
        return resolved


YAML_LOADER = FastResolvingLoader


class _Builder:
    """Builds the Python value of a node; a string scalar (most nodes) is taken inline."""

    def __init__(self, loader: yaml.SafeLoader | yaml.CSafeLoader) -> None:
        self.loader = loader
        self.built: dict[int, Any] = {}

    def build(self, node: Node) -> Any:
        kind = node.__class__
        if kind is ScalarNode and node.tag == STR:
            return node.value
        known = self.built.get(id(node), self)
        if known is not self:
            return known
        if kind is SequenceNode and node.tag == SEQ:
            items: list[Any] = []
            self.built[id(node)] = items
            for child in node.value:
                items.append(
                    child.value if child.__class__ is ScalarNode and child.tag == STR else self.build(child)
                )
            return items
        if kind is MappingNode and node.tag == MAP:
            pairs: list[tuple[Node, Node]] = node.value
            if SPECIAL_KEYS.isdisjoint([key_node.tag for key_node, _value in pairs]):
                return self._mapping(node, pairs)
        value = self.loader.construct_object(node, deep=True)
        self.built[id(node)] = value
        return value

    def _mapping(self, node: Node, pairs: list[tuple[Node, Node]]) -> dict[Any, Any]:
        mapping: dict[Any, Any] = {}
        self.built[id(node)] = mapping
        for key_node, value_node in pairs:
            if key_node.__class__ is ScalarNode and key_node.tag == STR:
                key = key_node.value
            else:
                key = self.build(key_node)
                if not isinstance(key, Hashable):
                    raise yaml.constructor.ConstructorError(
                        "while constructing a mapping",
                        node.start_mark,
                        "found unhashable key",
                        key_node.start_mark,
                    )
            if value_node.__class__ is ScalarNode and value_node.tag == STR:
                mapping[key] = value_node.value
            else:
                mapping[key] = self.build(value_node)
        return mapping


def load_yaml(text: str) -> Any:
    """What ``yaml.safe_load(text)`` returns; raises ``yaml.YAMLError`` alike."""
    loader = YAML_LOADER(text)
    collecting = gc.isenabled()
    gc.disable()
    try:
        node = loader.get_single_node()
        return None if node is None else _Builder(loader).build(node)
    finally:
        loader.dispose()
        if collecting:
            gc.enable()
