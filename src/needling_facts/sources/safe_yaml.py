"""YAML for untrusted front matter: plain data only, bounded, and every failure located.

Claim files arrive as pull requests from strangers. PyYAML's safe loader already refuses
Python objects, but it still expands aliases (a 340-byte "billion laughs" file takes gigabytes),
lets a duplicate key silently win and raises plain ``ValueError`` on ``2024-02-30`` or
``!!int abc``. Here:

- anchors and aliases are refused (claim files need none), before anything is built;
- the text size and the nesting depth are bounded;
- a key set twice in one mapping is refused;
- every failure is a `YamlRefusedError` with the 0-based line and column it is about.
"""

from __future__ import annotations

import math
from typing import Any

import yaml

from needling_facts.diagnostics import CodeInfo, Severity, declare_code
from needling_facts.errors import NeedlingFactsError

__all__ = ["MAX_DEPTH", "MAX_SIZE", "YamlRefusedError", "compose", "load"]

CLAIM_INVALID_YAML = declare_code(
    "claim.invalid-yaml",
    Severity.ERROR,
    "The front matter is not valid YAML, or not a mapping.",
    "title: [unclosed",
)

CLAIM_INVALID_VALUE = declare_code(
    "claim.invalid-value",
    Severity.ERROR,
    "A field's value has the wrong type or is not one of the allowed values.",
    "certainty: strong",
)

CLAIM_DUPLICATE_KEY = declare_code(
    "claim.duplicate-key",
    Severity.ERROR,
    "A key is set twice in one mapping; YAML would silently keep only one value.",
    "certainty: low\ncertainty: high",
)

CLAIM_YAML_ALIAS = declare_code(
    "claim.yaml-alias",
    Severity.ERROR,
    "The front matter uses a YAML anchor or alias; claim files need none, and aliases can "
    "expand without bound, so they are refused.",
    "a: &x [1]\nb: *x",
)

CLAIM_YAML_LIMIT = declare_code(
    "claim.yaml-limit",
    Severity.ERROR,
    "The front matter is larger than 256 KiB or nests deeper than 20 levels.",
    "a: [[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]",
)

MAX_SIZE = 256 * 1024
"""Characters of YAML accepted; the largest real claim's front matter is about 10 KB."""
MAX_DEPTH = 20
"""Nesting of mappings and lists; the claim format uses at most five levels."""

_BASE: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class YamlRefusedError(NeedlingFactsError):
    """YAML that is refused, with where (0-based line and column) and a diagnostic code."""

    def __init__(self, line: int, col: int, code: CodeInfo, message: str) -> None:
        self.line = line
        self.col = col
        self.code = code
        self.message = message
        super().__init__(f"line {line + 1}, column {col + 1}: {message}")


def _at(mark: Any, code: CodeInfo, message: str) -> YamlRefusedError:
    if mark is None:
        return YamlRefusedError(0, 0, code, message)
    return YamlRefusedError(mark.line, mark.column, code, message)


def _from_yaml_error(error: yaml.YAMLError) -> YamlRefusedError:
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    reason = getattr(error, "problem", None) or str(error).splitlines()[0]
    context = getattr(error, "context", None)
    if context and getattr(error, "context_mark", None) not in (None, mark):
        reason = f"{reason} ({context})"
    return _at(mark, CLAIM_INVALID_YAML, str(reason))


class _Loader(_BASE):  # type: ignore[valid-type,misc]
    """The safe loader, with duplicate keys refused and bad typed scalars located."""

    line_offset = 0
    """Added to lines quoted in messages (the front matter starts below the file's ``---``)."""

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        try:
            value = super().construct_object(node, deep)
        except (YamlRefusedError, yaml.YAMLError):
            raise
        except Exception as error:
            # 2024-02-30 (ValueError), !!int abc (ValueError), !!bool maybe (KeyError),
            # !!timestamp x (AttributeError): a value the tag cannot hold.
            value = str(node.value) if isinstance(node, yaml.ScalarNode) else ""
            shown = value if len(value) <= 40 else value[:37] + "..."
            tag = node.tag.rsplit(":", 1)[-1]
            why = f": {error}" if isinstance(error, ValueError) else ""
            raise _at(
                node.start_mark, CLAIM_INVALID_YAML, f"{shown!r} is not a valid {tag}{why}"
            ) from None
        if isinstance(value, float) and not math.isfinite(value):
            # .inf / .nan pass pydantic's float fields and export JSON our schema refuses.
            raise _at(
                node.start_mark, CLAIM_INVALID_VALUE, f"{node.value!r} is not a finite number"
            )
        return value

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> Any:
        if isinstance(node, yaml.MappingNode):
            seen: dict[Any, int] = {}
            for key_node, _ in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    continue  # unhashable keys are refused by the base constructor
                key = self.construct_object(key_node, deep=True)
                if key in seen:
                    raise _at(
                        key_node.start_mark,
                        CLAIM_DUPLICATE_KEY,
                        f"key {key!r} is set again (first at line "
                        f"{seen[key] + 1 + self.line_offset}); "
                        "remove one of them",
                    )
                seen[key] = key_node.start_mark.line
        return super().construct_mapping(node, deep)


def _screen(text: str) -> None:
    """Refuse what must not reach the composer: oversize text, aliases, deep nesting."""
    if len(text) > MAX_SIZE:
        raise YamlRefusedError(
            0, 0, CLAIM_YAML_LIMIT, f"front matter is larger than {MAX_SIZE // 1024} KiB"
        )
    depth = 0
    try:
        for event in yaml.parse(text, Loader=_BASE):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                raise _at(
                    event.start_mark,
                    CLAIM_YAML_ALIAS,
                    "anchors and aliases (&name, *name) are not allowed in claim files; "
                    "write the value out",
                )
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    raise _at(
                        event.start_mark,
                        CLAIM_YAML_LIMIT,
                        f"front matter nests deeper than {MAX_DEPTH} levels",
                    )
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError as error:
        raise _from_yaml_error(error) from None


def load(text: str, line_offset: int = 0) -> Any:
    """The plain data in ``text``; `YamlRefusedError` for anything refused or invalid.

    ``line_offset``: lines before ``text`` in its file, for line numbers quoted in messages.
    """
    _screen(text)
    loader = _Loader(text)
    loader.line_offset = line_offset
    try:
        return loader.get_single_data()
    except yaml.YAMLError as error:
        raise _from_yaml_error(error) from None
    except RecursionError:
        raise YamlRefusedError(0, 0, CLAIM_YAML_LIMIT, "front matter nests too deeply") from None
    finally:
        loader.dispose()


def compose(text: str) -> yaml.Node | None:
    """The node tree of ``text`` (positions for diagnostics); only call after `load` passed."""
    _screen(text)
    try:
        return yaml.compose(text, Loader=_BASE)
    except yaml.YAMLError as error:
        raise _from_yaml_error(error) from None
