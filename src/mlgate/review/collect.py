"""Ask DVC what changed between a base revision and the workspace.

Everything here is DVC's own diffing (`dvc metrics diff`, `dvc params diff`, `dvc diff`,
`dvc plots diff` through the Python API, in one process so a review takes seconds).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from mlgate.errors import ArtifactError, ReviewError
from mlgate.review.changes import (
    Comparison,
    DataChange,
    MetricChange,
    ParamChange,
    PlotData,
    RawDataSummary,
    Shape,
)
from mlgate.review.revisions import Revision
from mlgate.vcs.dvc import file_at, translated_errors

if TYPE_CHECKING:
    from dvc.repo import Repo

WORKSPACE = "workspace"


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _raise_unreadable(errors: object, where: str, *, missing_is_fine: bool) -> None:
    """DVC reports one exception per revision, or one per metrics file."""
    if not errors:
        return
    found = sorted(errors.items()) if isinstance(errors, dict) else [("", errors)]
    problems = [
        (path, error)
        for path, error in found
        if not (missing_is_fine and isinstance(error, FileNotFoundError))
    ]
    if not problems:
        return
    if all(isinstance(error, FileNotFoundError) for _, error in problems):
        raise ArtifactError(
            f"no metrics in {where} ({', '.join(p for p, _ in problems) or 'metrics file'} "
            "missing); run `dvc repro` first"
        )
    detail = "; ".join(f"{path}: {error}" if path else str(error) for path, error in problems)
    raise ReviewError(f"DVC could not read the metrics of {where}: {detail}")


def collect_metrics(
    repo: Repo, base: Revision, metrics_file: str, skip: tuple[str, ...] = ()
) -> tuple[MetricChange, ...]:
    """Every numeric metric on either side; the main metrics file's keys are unprefixed.

    `skip` names metrics files the review shows in a section of their own (the drift summary).
    """
    with translated_errors(f"compare metrics with {base.name}"):
        diff = repo.metrics.diff(a_rev=base.sha, b_rev=WORKSPACE, all=True)
    errors = diff.get("errors", {})
    _raise_unreadable(errors.get(WORKSPACE), "this workspace", missing_is_fine=False)
    # A base without metrics is a first PR; a base with corrupt metrics must not silently
    # switch the regression gates off.
    _raise_unreadable(errors.get(base.sha), f"{base.name} ({base.short})", missing_is_fine=True)
    changes = []
    for path, entries in sorted(diff.get("diff", {}).items()):
        if path in skip:
            continue
        for name, values in sorted(entries.items()):
            old, new = values.get("old"), values.get("new")
            if not (_is_number(old) or _is_number(new)):
                continue
            label = name if path == metrics_file else f"{path}:{name}"
            changes.append(
                MetricChange(
                    label,
                    float(old) if _is_number(old) else None,
                    float(new) if _is_number(new) else None,
                )
            )
    return tuple(changes)


def collect_params(repo: Repo, base: Revision) -> tuple[ParamChange, ...]:
    """Only the params whose value differs."""
    with translated_errors(f"compare params with {base.name}"):
        diff = repo.params.diff(a_rev=base.sha, b_rev=WORKSPACE)
    return tuple(
        ParamChange(
            name if path == "params.yaml" else f"{path}:{name}",
            values.get("old"),
            values.get("new"),
        )
        for path, entries in sorted(diff.get("diff", {}).items())
        for name, values in sorted(entries.items())
    )


def _parquet_shape(path: Path) -> Shape | None:
    import pyarrow.parquet as pq

    try:
        metadata = pq.read_metadata(path)
    except (OSError, ValueError):
        return None
    return Shape(metadata.num_rows, metadata.num_columns)


def _shape(repo: Repo, path: str, md5: str | None, side: Literal["base", "head"]) -> Shape | None:
    """Rows × columns of a Parquet output; the base's copy only if it is in the local cache."""
    if not path.endswith(".parquet") or md5 is None or md5.endswith(".dir"):
        return None
    if side == "head":
        local = Path(repo.root_dir) / path
    else:
        local = Path(repo.cache.local.oid_to_path(md5))
    return _parquet_shape(local) if local.is_file() else None


def collect_data(repo: Repo, base: Revision) -> tuple[DataChange, ...]:
    """DVC-tracked files and folders whose content hash changed (`dvc diff`)."""
    with translated_errors(f"compare DVC-tracked data with {base.name}"):
        diff = repo.diff(a_rev=base.sha)
    changes = []
    kinds: tuple[Literal["added", "deleted", "modified", "renamed"], ...] = (
        "added",
        "deleted",
        "modified",
        "renamed",
    )
    for kind in kinds:
        for entry in diff.get(kind, []):
            path = entry["path"]
            if isinstance(path, dict):  # renamed: {"old": ..., "new": ...}
                path = f"{path['old']} → {path['new']}"
                shape_path = path.rpartition(" → ")[2]
            else:
                shape_path = path
            hashes = entry.get("hash")
            old = (
                hashes.get("old")
                if isinstance(hashes, dict)
                else (None if kind == "added" else hashes)
            )
            new = (
                hashes.get("new")
                if isinstance(hashes, dict)
                else (None if kind == "deleted" else hashes)
            )
            changes.append(
                DataChange(
                    path,
                    kind,
                    old,
                    new,
                    _shape(repo, shape_path, old, "base"),
                    _shape(repo, shape_path, new, "head"),
                )
            )
    return tuple(sorted(changes, key=lambda change: change.path))


def _raw_summary(body: bytes | None) -> RawDataSummary | None:
    """Rows and columns from a validation report; None when absent or not one."""
    if body is None:
        return None
    try:
        report = json.loads(body)
        schema = report["schema"] or {}
        columns = [*schema.get("numeric", []), *schema.get("categorical", [])]
        if schema.get("target"):
            columns.append(schema["target"])
        return RawDataSummary(int(report["rows"]), tuple(sorted(columns)))
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


def collect_raw_data(
    repo: Repo, base: Revision, report: str
) -> tuple[RawDataSummary | None, RawDataSummary | None]:
    """The validated raw data's shape at the base and now (the reports are in git, so this works
    even when the base's data is not in the local cache)."""
    here = Path(repo.root_dir) / report
    return (
        _raw_summary(file_at(repo, base.sha, report)),
        _raw_summary(here.read_bytes() if here.is_file() else None),
    )


def _plot_data(sources: Mapping[str, Any], targets: PlotTargets) -> PlotData | None:
    """A classifier's ROC points and confusion pairs, or a regressor's predictions."""
    try:
        if "data" in sources.get(targets.predicted, {}):
            rows = sources[targets.predicted]["data"]
            pairs = tuple((float(row["actual"]), float(row["predicted"])) for row in rows)
            return PlotData(predicted=pairs)
        roc_rows = sources[targets.roc]["data"]
        confusion_rows = sources[targets.confusion]["data"]
        return PlotData(
            tuple((float(row["fpr"]), float(row["tpr"])) for row in roc_rows),
            tuple((str(row["actual"]), str(row["predicted"])) for row in confusion_rows),
        )
    except (KeyError, TypeError, ValueError):
        return None


@dataclass(frozen=True)
class PlotTargets:
    """The plot files the review reads, as dvc.yaml names them."""

    roc: str
    confusion: str
    predicted: str


def collect_plots(
    repo: Repo, base: Revision, targets: PlotTargets
) -> tuple[PlotData | None, PlotData | None]:
    """Both revisions' plot data (`dvc plots diff`'s): a revision holds one task's files."""
    paths = [targets.roc, targets.confusion, targets.predicted]
    with translated_errors(f"read plots at {base.name}"):
        shown = repo.plots.show(revs=[base.sha, WORKSPACE], targets=paths)
    sides = []
    for rev in (base.sha, WORKSPACE):
        sources = shown.get(rev, {}).get("sources", {}).get("data", {})
        sides.append(_plot_data(sources, targets))
    return sides[0], sides[1]


def collect_comparison(
    repo: Repo,
    base: Revision,
    head: Revision,
    workspace_dirty: bool,
    *,
    metrics_file: str,
    validation_report: str,
    plots: PlotTargets,
    skip_metrics: tuple[str, ...] = (),
) -> Comparison:
    """Everything the review shows, gathered in one pass over the repository."""
    return Comparison(
        base=base,
        head=head,
        workspace_dirty=workspace_dirty,
        metrics=collect_metrics(repo, base, metrics_file, skip=skip_metrics),
        params=collect_params(repo, base),
        data=collect_data(repo, base),
        raw_data=collect_raw_data(repo, base, validation_report),
        plots=collect_plots(repo, base, plots),
    )
