"""The review's uncertainty section: for each gated score, base, PR, the difference and its
bootstrap interval, and whether the change is more than the test rows' noise."""

from __future__ import annotations

from collections.abc import Iterable

from mlgate.markdown import table
from mlgate.model.scores import SCORE_LABELS
from mlgate.review.bootstrap import DeltaInterval
from mlgate.review.intervals import ScoreIntervals

HEADING = "### Uncertainty (PR − base)"


def _signed(value: float) -> str:
    return f"{value:+.4f}".replace("-", "−")


def _row(interval: DeltaInterval) -> list[str]:
    if interval.significantly_worse:
        verdict = "**yes, worse**"
    elif interval.significant:
        verdict = "yes, better"
    else:
        verdict = "no"
    return [
        SCORE_LABELS.get(interval.metric, interval.metric),
        f"{interval.base:.4f}",
        f"{interval.head:.4f}",
        _signed(interval.delta),
        f"[{_signed(interval.low)}, {_signed(interval.high)}]",
        "paired" if interval.paired else "unpaired",
        verdict,
    ]


def _how(intervals: ScoreIntervals, level: float, resamples: int) -> str:
    base_rows, head_rows = intervals.rows
    if intervals.paired:
        rows = f"both models on the same {head_rows:,} test rows, resampled together (paired)"
    else:
        rows = (
            f"the test rows differ ({base_rows:,} at the base, {head_rows:,} here: the data or "
            "the split changed), so each side is resampled on its own (unpaired, wider)"
        )
    return (
        f"{level:.0%} bootstrap intervals of each gated score's difference, {resamples:,} "
        f"resamples: {rows}. A change is significant when its interval excludes 0."
    )


def interval_section(intervals: ScoreIntervals, gated: Iterable[str]) -> str:
    """Markdown for the review: a table of the gated scores' intervals, or one line saying why
    there is none; empty when no score is gated."""
    names = list(dict.fromkeys(gated))
    if not names:
        return ""
    if intervals.unavailable is not None:
        return f"{HEADING}\n\nNo intervals: {intervals.unavailable}."
    drawn = [intervals.intervals[name] for name in names if name in intervals.intervals]
    undefined = [
        f"{SCORE_LABELS.get(name, name)}: {intervals.reasons[name]}."
        for name in names
        if name in intervals.reasons
    ]
    if not drawn and not undefined:
        return ""  # the gated scores are the other task's
    parts = [HEADING]
    if drawn:
        parts.append(_how(intervals, drawn[0].level, drawn[0].resamples))
        header = [
            "metric",
            "base",
            "PR",
            "Δ",
            f"{drawn[0].level:.0%} interval",
            "resampling",
            "significant",
        ]
        parts.append(
            table(
                header, ["---", "--:", "--:", "--:", "---", "---", "---"], [_row(i) for i in drawn]
            )
        )
    parts.extend(undefined)
    return "\n\n".join(parts)
