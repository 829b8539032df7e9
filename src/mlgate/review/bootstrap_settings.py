"""`review.bootstrap` as the base revision sets it: when the base's gates judge a pull request,
so do its interval settings, or a PR could widen the intervals (a higher level, another seed)
until its drop is "not significant" under `gates.significance`."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dvc.repo import Repo

    from mlgate.config import BootstrapConfig
    from mlgate.review.revisions import Revision


def base_bootstrap(repo: Repo, base: Revision, params_file: str) -> BootstrapConfig | None:
    """`review.bootstrap` at the base; None when the base's params have none (it predates them,
    and its gates then have no `significance` either)."""
    from mlgate.config import parse_bootstrap
    from mlgate.review.revisions import params_at_base

    raw, origin = params_at_base(repo, base, params_file)
    review = raw.get("review") if isinstance(raw, dict) else None
    if not isinstance(review, dict) or review.get("bootstrap") is None:
        return None
    return parse_bootstrap(review["bootstrap"], origin)
