"""YAML for files people edit by hand (rubrics, lab registries, Markdown front matter): safe
loading (no object construction), no key given twice in one mapping (plain YAML keeps the last
silently), and no anchors or aliases (a few nested aliases can expand to billions of nodes)."""
from __future__ import annotations

from typing import Any

import yaml


class StrictYamlError(ValueError):
    """The text is not acceptable YAML; `line` is 1-based, or None when unknown. `unsafe` is
    True when the text is refused for what reading it would cost (an alias, deep nesting)
    rather than for its syntax."""

    def __init__(self, problem: str, line: int | None, unsafe: bool = False):
        super().__init__(f"line {line}: {problem}" if line else problem)
        self.problem, self.line, self.unsafe = problem, line, unsafe


class _AliasRefused(yaml.composer.ComposerError):
    pass


class _Strict:
    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise _AliasRefused(None, None, f"alias *{event.anchor} is not allowed: write the value out", event.start_mark)
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


class _StrictLoader(_Strict, yaml.SafeLoader):
    pass


class _StrictStringLoader(_Strict, yaml.BaseLoader):
    """Every scalar a string, as written (an id such as 27710009.2020 stays as it is)."""


def load(text: str, strings: bool = False) -> Any:
    """Parse `text` (every scalar a string with `strings`), raising StrictYamlError with the
    line of the first problem."""
    try:
        return yaml.load(text, Loader=_StrictStringLoader if strings else _StrictLoader)  # noqa: S506 - safe loaders
    except RecursionError:  # the composer recurses once per level of nesting
        raise StrictYamlError("nested too deeply", None, unsafe=True) from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise StrictYamlError(getattr(error, "problem", None) or str(error), mark.line + 1 if mark else None,
                              unsafe=isinstance(error, _AliasRefused)) from error
