"""A regression gate's verdict with its bootstrap interval: the detail always states whether the
move is significant, and `gates.significance` lets a non-significant move pass."""

from __future__ import annotations

from mlgate.review.bootstrap import DeltaInterval


def significance_judged(
    within_tolerance: bool, detail: str, interval: DeltaInterval | str, *, significance: bool
) -> tuple[bool, str]:
    """The detail with the interval and whether the move is significant; with `significance`
    on, a move beyond the tolerance passes unless its interval is wholly on the worse side (an
    unknown significance is judged on the tolerance alone)."""
    if isinstance(interval, str):
        alone = "; judged on the tolerance alone" if significance else ""
        return within_tolerance, f"{detail}; significance unknown: {interval}{alone}"
    detail = f"{detail}; {interval.describe()}"
    if not significance or within_tolerance:
        return within_tolerance, detail
    if interval.significantly_worse:
        return False, detail
    return True, f"{detail}, so it passes (gates.significance)"
