"""The model card's slice section: every slice's scores, the worst ranked slice marked.

Pure, like the rest of the card: the same slice report gives the same bytes.
"""

from __future__ import annotations

from collections.abc import Iterable

from mlgate.markdown import code_span, table
from mlgate.model.scores import SCORE_LABELS
from mlgate.model.slices import SCORES, Slice, SliceReport, WorstSlice


def format_score(value: object) -> str:
    """A score to four places, or n/a where it is not defined."""
    return f"{value:.4f}" if isinstance(value, int | float) else "n/a"


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


def _slice_row(item: Slice, report: SliceReport) -> list[str]:
    worst = _is_worst(item, report.worst)
    name = "_missing_" if item.missing else code_span(item.name)
    rows = f"{item.rows:,}" + ("" if item.ranked else " (not ranked)")
    balance = " · ".join(f"{code_span(label)}: {count}" for label, count in item.labels.items())
    scores = []
    for score in SCORES:
        cell = format_score(item.scores.get(score))
        scores.append(f"**{cell}**" if worst and score == report.metric else cell)
    return [
        code_span(item.feature),
        f"{name} ⚠️ **worst**" if worst else name,
        rows,
        balance or "—",
        *scores,
    ]


def worst_line(report: SliceReport, overall: float | None) -> str:
    """One sentence on the worst ranked slice (or why there is none)."""
    label = SCORE_LABELS[report.metric]
    worst = report.worst
    if not report.slices:
        return (
            "No slices: the data has no categorical feature and `card.slices.numeric_bins` "
            "bins no numeric one."
        )
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


def slices_section(report: SliceReport, numeric_bins: Iterable[str], overall: float | None) -> str:
    """The card's "Metrics per slice" section: what was sliced, the worst slice, the table."""
    label = SCORE_LABELS[report.metric]
    binned = ", ".join(code_span(name) for name in numeric_bins) or "none"
    parts = [
        "## Metrics per slice",
        f"The model on slices of the test split ({report.test_rows:,} rows): each category of "
        f"every categorical feature (missing values as a slice of their own) and each bin of "
        f"the numeric features in `card.slices.numeric_bins` ({binned}). Slices of at least "
        f"{report.min_rows} rows are ranked by {label}; smaller ones are listed, not ranked. "
        "n/a: not defined on the slice (ROC AUC and log loss need every class in it; precision "
        "and recall need a predicted, or an actual, positive).",
        worst_line(report, overall),
    ]
    if report.slices:
        header = [
            "feature",
            "slice",
            "rows",
            "label balance",
            *(SCORE_LABELS[score] for score in SCORES),
        ]
        align = [":--", ":--", "--:", ":--", *("--:" for _ in SCORES)]
        parts.append(table(header, align, [_slice_row(item, report) for item in report.slices]))
    return "\n\n".join(parts)
