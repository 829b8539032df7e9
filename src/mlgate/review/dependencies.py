"""The review's dependencies section: when the runtime pins (reports/environment.json) differ
between base and PR, which packages moved, and whether the model is byte-identical (the md5
each side's dvc.lock records for it) or changed, in which case the metric deltas show how.

Silent when no runtime pin changed, or when the base has no record to compare with.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mlgate.layout import EXTERNAL_DATA, MODEL
from mlgate.locked_environment import PinChange, changed_pins, read_record
from mlgate.lockfile import locked_output
from mlgate.markdown import code_span as _code

if TYPE_CHECKING:
    from mlgate.review.changes import Comparison

UNCHANGED = "model unchanged (byte-identical)"
CHANGED = "model changed"


def recorded_model_md5(lock_text: bytes | str | None) -> str | None:
    """The md5 a dvc.lock body records for the model; None when the body or entry is missing."""
    import yaml

    try:
        body = yaml.safe_load(lock_text) if lock_text is not None else None
    except yaml.YAMLError:
        return None
    found = locked_output(body, MODEL.as_posix())
    md5 = found[1].get("md5") if found is not None else None
    return md5 if isinstance(md5, str) and md5 else None


@dataclass(frozen=True)
class DependencyReview:
    """The changed pins and both sides' model hashes (None where a side records none)."""

    changes: tuple[PinChange, ...]
    base_model: str | None
    head_model: str | None
    other_changes: bool  # the PR also changes params or source data: a model change is not all

    @property
    def model_unchanged(self) -> bool | None:
        if self.base_model is None or self.head_model is None:
            return None
        return self.base_model == self.head_model

    def to_json_dict(self) -> dict[str, Any]:
        """review.json's `dependencies` entry; empty when no pin changed."""
        if not self.changes:
            return {}
        return {
            "dependencies": {
                "changed": [
                    {"name": change.name, "base": change.base, "pr": change.head}
                    for change in self.changes
                ],
                "model_unchanged": self.model_unchanged,
                "model_md5": {"base": self.base_model, "pr": self.head_model},
            }
        }

    def _verdict(self) -> str:
        unchanged = self.model_unchanged
        if unchanged is None:
            side = "the base" if self.base_model is None else "this PR"
            return f"⚪ model not compared: `dvc.lock` at {side} records no hash for `{MODEL}`."
        if unchanged:
            return (
                f"🟢 **{UNCHANGED}**: `{MODEL}` has the md5 the base's `dvc.lock` records "
                f"({_code(self.head_model or '')})."
            )
        also = (
            " This PR also changes params or source data, so not all of it is the packages'."
            if self.other_changes
            else ""
        )
        return (
            f"🟡 **{CHANGED}**: `{MODEL}` md5 {_code(self.base_model or '')} → "
            f"{_code(self.head_model or '')}; "
            f"its impact is in the metric deltas above (Metrics).{also}"
        )

    def markdown(self) -> str:
        """The section; empty when no runtime pin changed."""
        if not self.changes:
            return ""
        rows = [
            f"| {_code(change.name)} | {_code(change.base or '—')} | {_code(change.head or '—')} |"
            for change in self.changes
        ]
        table = "\n".join(["| package | base | PR |", "| :-- | :-- | :-- |", *rows])
        count = len(self.changes)
        intro = (
            f"{count} runtime pin{'s' if count > 1 else ''} changed in `uv.lock` "
            "(the packages the pipeline runs on; `reports/environment.json`):"
        )
        return "\n\n".join(["### Dependencies", intro, table, self._verdict()])


def review_dependencies(
    base_record: Mapping[str, Any] | None,
    head_record: Mapping[str, Any] | None,
    base_lock: bytes | str | None,
    head_lock: bytes | str | None,
    comparison: Comparison | None = None,
) -> DependencyReview:
    """Compare both sides' environment records and dvc.lock model hashes (and note, from the
    comparison, whether params or the source data changed too)."""
    base, head = read_record(base_record), read_record(head_record)
    changes = tuple(changed_pins(base, head)) if base and head else ()
    other = comparison is not None and (
        bool(comparison.params)
        or any(change.path.startswith(EXTERNAL_DATA.as_posix()) for change in comparison.data)
    )
    return DependencyReview(
        changes, recorded_model_md5(base_lock), recorded_model_md5(head_lock), other
    )
