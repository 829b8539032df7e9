"""`mlgate report`'s work: gather the comparison, judge it, render the markdown and its images,
then write them all (nothing is written when any step fails)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from mlgate.layout import (
    CONFUSION_PLOT,
    DRIFT_SUMMARY,
    ENVIRONMENT,
    LOCK,
    METRICS,
    PREDICTED_PLOT,
    PREDICTIONS,
    ROC_PLOT,
    SLICES,
    VALIDATION_REPORT,
)
from mlgate.review.workspace import (
    ReviewSubject,
    json_at_base,
    json_in_workspace,
    judge_workspace,
    review_bootstrap,
    review_intervals,
)

if TYPE_CHECKING:
    from mlgate.config import Params
    from mlgate.review.gate_verdict import GateVerdict
    from mlgate.review.render import PlotsMode


def artifact_url(environ: Mapping[str, str]) -> str | None:
    """The GitHub Actions run page, when running there (its artifacts hold the images)."""
    parts = [
        environ.get(name, "")
        for name in ("GITHUB_SERVER_URL", "GITHUB_REPOSITORY", "GITHUB_RUN_ID")
    ]
    return "{}/{}/actions/runs/{}#artifacts".format(*parts) if all(parts) else None


def write_review(
    subject: ReviewSubject,
    config: Params,
    params: Path,
    *,
    out: Path,
    plots: PlotsMode,
    gates_from: str,
    summary: Path | None = None,
) -> GateVerdict:
    """reports/review.md (or `out`), its images and review.json in a folder beside it; with
    `summary`, the same review with its plots as a link to the run's artifacts there too."""
    from mlgate.files import json_bytes, write_bytes_atomic
    from mlgate.review.card_section import card_section, card_url
    from mlgate.review.collect import PlotTargets, collect_comparison
    from mlgate.review.dependencies import review_dependencies
    from mlgate.review.drift_section import drift_section
    from mlgate.review.interval_section import interval_section
    from mlgate.review.plots import render_confusion_png, render_roc_png
    from mlgate.review.regression_plots import render_predicted_png, render_residuals_png
    from mlgate.review.render import PlotLinks, render_review
    from mlgate.review.serving_cost_input import measure_serving_cost
    from mlgate.review.serving_cost_section import serving_cost_section
    from mlgate.review.slice_intervals import slice_interval_source
    from mlgate.vcs.dvc import file_at

    comparison = collect_comparison(
        subject.repo,
        subject.base,
        subject.head,
        subject.dirty,
        metrics_file=METRICS.as_posix(),
        validation_report=VALIDATION_REPORT.as_posix(),
        plots=PlotTargets(
            roc=ROC_PLOT.as_posix(),
            confusion=CONFUSION_PLOT.as_posix(),
            predicted=PREDICTED_PLOT.as_posix(),
        ),
        skip_metrics=(DRIFT_SUMMARY.as_posix(),),
    )
    # The per-row predictions change with the model; the uncertainty section is their place.
    comparison = replace(
        comparison,
        data=tuple(item for item in comparison.data if item.path != PREDICTIONS.as_posix()),
    )
    intervals = review_intervals(subject, config, params, gates_from)
    serving = (
        measure_serving_cost(subject.repo, subject.base, config, params)
        if config.review.serving_cost.enabled
        else None
    )
    verdict = judge_workspace(
        subject,
        comparison.metrics,
        config,
        params,
        gates_from,
        serving=serving,
        intervals=intervals,
    )
    dependencies = review_dependencies(
        json_at_base(subject, ENVIRONMENT),
        json_in_workspace(ENVIRONMENT),
        file_at(subject.repo, subject.base.sha, LOCK.as_posix()),
        LOCK.read_bytes() if LOCK.is_file() else None,
        comparison,
    )
    folder = out.parent / out.stem
    # What was compared, as data, for tools that read the review (the review artifact).
    review_data = (
        subject.identity()
        | {"gate_passed": verdict.passed, "intervals": intervals.to_json_dict()}
        | dependencies.to_json_dict()
    )
    if serving is not None:
        review_data["serving_cost"] = serving.to_json_dict()
    files: dict[Path, bytes] = {folder / "review.json": json_bytes(review_data)}
    links = PlotLinks(artifact_url=artifact_url(os.environ))
    base_plots, head_plots = comparison.plots
    if head_plots is not None:
        if base_plots is not None and base_plots.is_regression != head_plots.is_regression:
            base_plots = None  # the base was the other task
        if head_plots.is_regression:
            pictures = {
                "predicted.png": render_predicted_png(base_plots, head_plots),
                "residuals.png": render_residuals_png(base_plots, head_plots),
            }
        else:
            pictures = {
                "confusion.png": render_confusion_png(base_plots, head_plots),
                "roc.png": render_roc_png(base_plots, head_plots),
            }
        files.update({folder / name: png for name, png in pictures.items()})
        left, right = (f"{out.stem}/{name}" for name in pictures)
        links = PlotLinks(left_png=left, right_png=right, artifact_url=links.artifact_url)
    drift = drift_section(
        json_at_base(subject, DRIFT_SUMMARY),
        json_in_workspace(DRIFT_SUMMARY),
        f"[this run's artifacts]({links.artifact_url})" if links.artifact_url else None,
    )
    card_part = card_section(
        json_at_base(subject, SLICES),
        json_in_workspace(SLICES),
        card_url(subject.head.sha, os.environ, subject.dirty),
        slice_interval_source(
            subject, config, review_bootstrap(subject, config, params, gates_from), intervals
        ),
    )
    uncertainty = interval_section(intervals, config.gates.max_regression)
    cost_part = serving_cost_section(serving)
    parts = (uncertainty, drift, card_part, cost_part, dependencies.markdown())
    extra = tuple(section for section in parts if section)
    markdown = render_review(comparison, verdict, plots=plots, links=links, extra_sections=extra)
    if summary is not None:
        files[summary] = render_review(
            comparison,
            verdict,
            plots="artifact",
            links=PlotLinks(artifact_url=links.artifact_url),
            extra_sections=extra,
        ).encode()
    for path, data in files.items():
        write_bytes_atomic(path, data)
    write_bytes_atomic(out, markdown.encode())
    return verdict
