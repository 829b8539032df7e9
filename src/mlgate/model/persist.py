"""Save and load the model with skops: no pickle; on load, the recorded hash, then exact types.

Loading checks, before any object is built, that the bytes are the ones recorded for the file
(`dvc.lock` in the pipeline, the bento's metadata in serving) and that every type the file names
is in `trusted_types`' table for its estimator.

skops names its array files and object ids after `id()`, and stamps zip entries with the
current time, so the same model gives different bytes each run. `canonical_model_bytes`
renumbers both and fixes the timestamps: the same data and params then give the same file,
which keeps `dvc.lock` stable across machines.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from mlgate.errors import ArtifactError
from mlgate.model.trusted_types import DATA_TYPES, REFERENCE_LOADER, allowed, object_types

if TYPE_CHECKING:
    from sklearn.pipeline import Pipeline

SCHEMA_ENTRY = "schema.json"
FIXED_TIMESTAMP = (1980, 1, 1, 0, 0, 0)
MAX_LISTED = 5  # refused types named in the error


class _Renumberer:
    """Maps id()-derived names to their order of first appearance."""

    def __init__(self) -> None:
        self.ids: dict[Any, int] = {}
        self.files: dict[str, str] = {}

    def walk(self, node: Any) -> Any:
        if isinstance(node, list):
            return [self.walk(item) for item in node]
        if not isinstance(node, dict):
            return node
        out: dict[str, Any] = {}
        for key, value in node.items():
            if key == "__id__":
                out[key] = self.ids.setdefault(value, len(self.ids))
            elif key == "file" and isinstance(value, str) and value.endswith(".npy"):
                out[key] = self.files.setdefault(value, f"{len(self.files):06d}.npy")
            else:
                out[key] = self.walk(value)
        return out


def canonical_model_bytes(raw: bytes) -> bytes:
    """Rewrite a skops archive so that identical models give identical bytes."""
    with zipfile.ZipFile(io.BytesIO(raw)) as source:
        schema = json.loads(source.read(SCHEMA_ENTRY))
        renumber = _Renumberer()
        canonical_schema = renumber.walk(schema)
        entries = {SCHEMA_ENTRY: json.dumps(canonical_schema, indent=1, sort_keys=True).encode()}
        for old, new in renumber.files.items():
            entries[new] = source.read(old)
        unreferenced = set(source.namelist()) - set(renumber.files) - {SCHEMA_ENTRY}
        for name in unreferenced:
            entries[name] = source.read(name)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for name in sorted(entries):
            info = zipfile.ZipInfo(name, date_time=FIXED_TIMESTAMP)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, entries[name])
    return buffer.getvalue()


def dump_model(model: Pipeline) -> bytes:
    """The bytes of a fitted pipeline, in canonical skops form."""
    import skops.io as sio

    return canonical_model_bytes(sio.dumps(model))


def _named_types(schema: object) -> set[tuple[str, str]]:
    """(loader, module.Class) of every node in a skops schema, read as data (nothing imported)."""
    found: set[tuple[str, str]] = set()
    stack = [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, dict):
            if "__loader__" in node:
                name = f"{node.get('__module__')}.{node.get('__class__')}"
                found.add((str(node["__loader__"]), name))
            stack.extend(node.values())
    return found


def _read_schema(data: bytes, origin: str) -> Any:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            if len(names) != len(set(names)):
                raise ArtifactError(f"{origin}: a model archive with duplicate entries")
            schema = json.loads(archive.read(SCHEMA_ENTRY))
    except (zipfile.BadZipFile, KeyError, ValueError, RecursionError) as exc:
        raise ArtifactError(f"{origin}: not a skops model file ({_clip(str(exc))})") from None
    return schema


def check_model_types(
    data: bytes, *, origin: str, estimator: str, trusted_types: Iterable[str] = ()
) -> list[str]:
    """Every type the file names, if all are allowed for this estimator (ArtifactError if not).

    Both the file's own nodes (read as data) and skops' audit (which also sees names hidden in
    content, such as a bit generator's) must name only allow-listed types.
    """
    import skops.io as sio
    from skops.io._protocol import PROTOCOL

    schema = _read_schema(data, origin)
    if not isinstance(schema, dict) or schema.get("protocol") != PROTOCOL:
        raise ArtifactError(
            f"{origin}: written with skops protocol {schema.get('protocol')!r} "
            f"(this skops reads {PROTOCOL}); re-run `dvc repro train`"
            if isinstance(schema, dict)
            else f"{origin}: not a skops model file (no schema)"
        )
    objects = object_types(estimator, trusted_types)
    named = _named_types(schema)
    _refuse(
        origin,
        estimator,
        {
            f"{name} ({loader})"
            for loader, name in named
            if loader != REFERENCE_LOADER and not allowed(loader, name, objects)
        },
    )
    try:  # only once every name passed: skops' audit builds its node tree from the file
        audited = set(sio.get_untrusted_types(data=data))
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, RecursionError) as exc:
        raise ArtifactError(f"{origin}: not a skops model file ({_clip(str(exc))})") from None
    _refuse(origin, estimator, {name for name in audited if name not in objects | DATA_TYPES})
    return sorted({name for _, name in named} | audited)


def _refuse(origin: str, estimator: str, refused: set[str]) -> None:
    if refused:
        listed = sorted(refused)
        shown = ", ".join(_clip(name) for name in listed[:MAX_LISTED])
        more = f" and {len(listed) - MAX_LISTED} more" if len(listed) > MAX_LISTED else ""
        raise ArtifactError(
            f"{origin}: refusing to load types outside the allow-list for {estimator}: "
            f"{shown}{more} (if you reviewed them, list them in model.trusted_types)"
        )


def _clip(text: str, limit: int = 120) -> str:
    """A name from the file as one short printable line, whatever the file holds."""
    printable = "".join(c if c.isprintable() else "?" for c in text)
    return printable if len(printable) <= limit else printable[: limit - 1] + "…"


def verify_md5(data: bytes, *, origin: str, expected: str, recorded_in: str) -> None:
    """Refuse a model file whose bytes are not the ones recorded (and reviewed) for it."""
    actual = hashlib.md5(data).hexdigest()
    if actual != expected:
        raise ArtifactError(
            f"{origin}: md5 {actual} is not the md5 {expected} recorded in {recorded_in}; "
            "refusing to load it (`dvc checkout` restores the recorded file)"
        )


def load_model(
    data: bytes,
    *,
    origin: str,
    expected_md5: str,
    recorded_in: str,
    estimator: str,
    trusted_types: Iterable[str] = (),
) -> Pipeline:
    """Load a skops model: its hash first, then its types, before any object is built."""
    import skops.io as sio

    verify_md5(data, origin=origin, expected=expected_md5, recorded_in=recorded_in)
    types = check_model_types(data, origin=origin, estimator=estimator, trusted_types=trusted_types)
    try:
        model: Pipeline = sio.loads(data, trusted=types)
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, AttributeError, OSError) as exc:
        raise ArtifactError(
            f"{origin}: corrupt model file ({_clip(str(exc))}); re-run `dvc repro train`"
        ) from None
    return model
