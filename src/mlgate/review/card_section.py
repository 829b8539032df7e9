"""The review's model-card section: a link to reports/model_card.md, the worst slice, PR and
base, and the slices that moved most, from each side's reports/slices.json."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from mlgate.layout import MODEL_CARD
from mlgate.markdown import inert_text
from mlgate.model.scores import SCORE_LABELS
from mlgate.review.slice_table import moves_table
from mlgate.review.workspace import slice_report_of

if TYPE_CHECKING:
    from mlgate.review.slice_intervals import SliceIntervalSource


def card_url(sha: str, environ: Mapping[str, str], dirty: bool) -> str | None:
    """The card at the reviewed commit on GitHub, when the review runs in GitHub Actions."""
    server, repository = environ.get("GITHUB_SERVER_URL"), environ.get("GITHUB_REPOSITORY")
    if not server or not repository or dirty:
        return None
    return f"{server}/{repository}/blob/{sha}/{MODEL_CARD}"


def card_section(
    base: Mapping[str, Any] | None,
    head: Mapping[str, Any] | None,
    url: str | None,
    intervals: SliceIntervalSource | None = None,
) -> str:
    """Markdown for the review; empty when the PR has no slice report. The moved slices'
    intervals come from `intervals` (none without it)."""
    report = slice_report_of(head)
    if report is None:
        return ""
    link = f"[`{MODEL_CARD}`]({url})" if url else f"`{MODEL_CARD}` in this branch"
    parts = [
        "### Model card",
        f"The model card: {link} (intended use, training data, metrics per slice, lineage).",
    ]
    label = SCORE_LABELS[report.metric]
    worst = report.worst
    before = slice_report_of(base)
    if worst is None:
        line = f"No slice is ranked (none has {report.min_rows} or more test rows with a {label})."
    else:
        line = (
            f"Worst slice by {label} (slices of {report.min_rows}+ test rows): "
            f"**{inert_text(worst.describe())}**, {worst.value:.4f} on {worst.rows:,} rows"
        )
        was = before.worst_by(report.metric) if before is not None else None
        if was is None:
            line += "; the base has no slice scores."
        else:
            line += f"; base: {inert_text(was.describe())}, {was.value:.4f} on {was.rows:,} rows."
    parts.append(line)
    if before is not None:
        parts.append(moves_table(before, report, intervals=intervals))
    return "\n\n".join(parts)
