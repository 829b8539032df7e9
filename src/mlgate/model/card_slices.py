"""The model card's slice section: every slice's scores, the worst ranked slice marked.

Pure, like the rest of the card: the same slice report gives the same bytes.
"""

from __future__ import annotations

from mlgate.markdown import code_span, table
from mlgate.model.scores import SCORE_LABELS, TASK_SCORES, ScoreName, task_of_score
from mlgate.model.slice_plan import AUTO_QUANTILES, SlicePlan
from mlgate.model.slices import Slice, SliceReport, WorstSlice


def format_score(value: object) -> str:
    """A score to four places, or n/a where it is not defined."""
    return f"{value:.4f}" if isinstance(value, int | float) else "n/a"


def format_value(value: float | None) -> str:
    """A target value as people read it (1,234.57, 12.35, 0.001235), or n/a."""
    if value is None:
        return "n/a"
    return f"{value:,.2f}" if abs(value) >= 1 else f"{value:.4g}"


def slice_label(feature: str, name: str, missing: bool) -> str:
    """`feature` = category, `feature` ≤ 12.3, or `feature` missing, as inert markdown."""
    if missing:
        return f"{code_span(feature)} missing"
    return f"{code_span(feature)} {code_span(name)}"


def _is_worst(item: Slice, worst: WorstSlice | None) -> bool:
    return (
        worst is not None
        and (item.feature, item.name, item.missing) == (worst.feature, worst.name, worst.missing)
        and item.ranked
    )


def _scores(report: SliceReport) -> tuple[ScoreName, ...]:
    """The scores of the report's task (its metric's)."""
    return TASK_SCORES[task_of_score(report.metric) or "classification"]


def _regression(report: SliceReport) -> bool:
    return task_of_score(report.metric) == "regression"


def _slice_row(item: Slice, report: SliceReport) -> list[str]:
    worst = _is_worst(item, report.worst)
    name = "_missing_" if item.missing else code_span(item.name)
    rows = f"{item.rows:,}" + ("" if item.ranked else " (not ranked)")
    if _regression(report):
        balance = format_value(item.target_mean)
    else:
        counts = item.labels.items()
        balance = " · ".join(f"{code_span(label)}: {count}" for label, count in counts) or "—"
    scores = []
    for score in _scores(report):
        cell = format_score(item.scores.get(score))
        scores.append(f"**{cell}**" if worst and score == report.metric else cell)
    return [
        code_span(item.feature),
        f"{name} ⚠️ **worst**" if worst else name,
        rows,
        balance,
        *scores,
    ]


def worst_line(report: SliceReport, overall: float | None, automatic: bool = False) -> str:
    """One sentence on the worst ranked slice (or why there is none)."""
    label = SCORE_LABELS[report.metric]
    worst = report.worst
    if not report.slices:
        numeric = (
            "no numeric one has values to bin"
            if automatic
            else "`card.slices.numeric_bins` bins no numeric one"
        )
        return f"No slices: the data has no categorical feature and {numeric}."
    if worst is None:
        return (
            f"No slice is ranked: none has {report.min_rows} or more test rows with a defined "
            f"{label} (`card.slices.min_rows`)."
        )
    whole = f" (whole test split: {format_score(overall)})" if overall is not None else ""
    return (
        f"**Worst slice by {label}: {slice_label(worst.feature, worst.name, worst.missing)}, "
        f"{label} {format_score(worst.value)} on {worst.rows:,} rows**{whole}."
    )


def _binned(plan: SlicePlan) -> str:
    names = ", ".join(code_span(name) for name in plan.numeric_bins)
    if plan.automatic:
        count = len(plan.numeric_bins)
        which = f"the {count} numeric features" if count != 1 else "the numeric feature"
        chosen = f" ({names})" if names else " (none has values to bin)"
        bins = "quartiles" if AUTO_QUANTILES == 4 else f"{AUTO_QUANTILES} quantile bins"
        return (
            f"the {bins} (of the training split) of {which} the model relies on most by "
            f"permutation importance{chosen}; `card.slices.numeric_bins: auto`"
        )
    return f"each bin of the numeric features in `card.slices.numeric_bins` ({names or 'none'})"


def _undefined(report: SliceReport) -> str:
    if _regression(report):
        return (
            "n/a: not defined on the slice (R² needs true values that vary; MAPE needs no true "
            "value of 0)."
        )
    return (
        "n/a: not defined on the slice (ROC AUC and log loss need every class in it; precision "
        "and recall need a predicted, or an actual, positive)."
    )


def slices_section(report: SliceReport, plan: SlicePlan, overall: float | None) -> str:
    """The card's "Metrics per slice" section: what was sliced, the worst slice, the table."""
    label = SCORE_LABELS[report.metric]
    scores = _scores(report)
    parts = [
        "## Metrics per slice",
        f"The model on slices of the test split ({report.test_rows:,} rows): each category of "
        f"every categorical feature (missing values as a slice of their own) and "
        f"{_binned(plan)}. Slices of at least {report.min_rows} rows are ranked by {label}; "
        f"smaller ones are listed, not ranked. {_undefined(report)}",
        worst_line(report, overall, plan.automatic),
    ]
    if report.slices:
        header = [
            "feature",
            "slice",
            "rows",
            "mean target" if _regression(report) else "label balance",
            *(SCORE_LABELS[score] for score in scores),
        ]
        align = [":--", ":--", "--:", "--:" if _regression(report) else ":--"]
        align += ["--:" for _ in scores]
        parts.append(table(header, align, [_slice_row(item, report) for item in report.slices]))
    return "\n\n".join(parts)
