"""YAML for files people edit by hand (rubrics, lab registries): safe loading (no object
construction), no key given twice in one mapping (plain YAML keeps the last silently), and
no anchors or aliases (a few nested aliases can expand to billions of nodes)."""
from __future__ import annotations

from typing import Any

import yaml


class StrictYamlError(ValueError):
    """The text is not acceptable YAML; `line` is 1-based, or None when unknown."""

    def __init__(self, problem: str, line: int | None):
        super().__init__(f"line {line}: {problem}" if line else problem)
        self.problem, self.line = problem, line


class _StrictLoader(yaml.SafeLoader):
    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None, None, f"alias *{event.anchor} is not allowed: write the value out", event.start_mark)
        return super().compose_node(parent, index)

    def construct_mapping(self, node, deep=False):
        seen: set = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                duplicate = key in seen
                seen.add(key)
            except TypeError:  # an unhashable key: the constructor below reports it
                continue
            if duplicate:
                raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
        return super().construct_mapping(node, deep)


def load(text: str) -> Any:
    """Parse `text`, raising StrictYamlError with the line of the first problem."""
    try:
        return yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise StrictYamlError(getattr(error, "problem", None) or str(error), mark.line + 1 if mark else None) from error
