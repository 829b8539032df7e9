"""Edit a params file the way a person would: ruamel's round trip keeps comments and layout.

Used where mlgate writes params.yaml for the user (retraining, rollback). Regular expressions on
YAML text break on quoting and on `#` inside values; the YAML parser does not.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

from mlgate.errors import ConfigError


def set_params(text: str, values: Mapping[str, Any], origin: str) -> str:
    """A params file with each dotted key set to its value; other lines kept byte for byte."""
    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap

    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)  # block lists as params.yaml writes them
    yaml.representer.add_representer(type(None), _null)  # `key: null`, as people write it
    document = yaml.load(text)
    if not isinstance(document, CommentedMap):
        raise ConfigError(f"{origin}: not a mapping")
    for dotted, value in values.items():
        *parents, leaf = dotted.split(".")
        node = document
        for part in parents:
            child = node.get(part)
            if not isinstance(child, CommentedMap):
                child = CommentedMap()
                node[part] = child
            node = child
        _set(node, leaf, value)
    stream = io.StringIO()
    yaml.dump(document, stream)
    return stream.getvalue()


def _null(representer: Any, _: None) -> Any:
    return representer.represent_scalar("tag:yaml.org,2002:null", "null")


def _set(node: Any, key: str, value: Any) -> None:
    """Set node[key] = value, editing nested mappings in place so their comments survive."""
    from ruamel.yaml.comments import CommentedMap

    current = node.get(key) if key in node else _ABSENT
    if isinstance(value, dict) and isinstance(current, CommentedMap):
        for inner in [k for k in current if k not in value]:
            del current[inner]
        for inner, item in value.items():
            _set(current, inner, item)
    elif (
        current is _ABSENT
        or current != value
        or isinstance(current, bool) != isinstance(value, bool)  # True == 1 in Python
    ):
        node[key] = value


_ABSENT = object()
