"""The review as GitHub markdown: one comment a reviewer can read top to bottom.

Pure: takes the comparison and the gate verdict, returns text. Tables are plain GFM tables
so that tests (and people) can parse them.

Each section is its own module (`metric_sections`, `input_sections`, `plot_section`); this one
puts them in order.
"""

from __future__ import annotations

from collections.abc import Sequence

from mlgate.markdown import code_span as _code
from mlgate.review.changes import Comparison
from mlgate.review.gate_verdict import GateVerdict
from mlgate.review.input_sections import data_section, params_section
from mlgate.review.metric_sections import gate_section, headline, metrics_section
from mlgate.review.plot_section import PlotLinks, PlotsMode, plots_section

# `mlgate report` imports PlotLinks from here, where it was defined first.
__all__ = ["TITLE", "PlotLinks", "PlotsMode", "footer", "render_review"]

TITLE = "mlgate model review"


def footer(comparison: Comparison) -> str:
    base, head = comparison.base, comparison.head
    dirty = " + uncommitted changes" if comparison.workspace_dirty else ""
    command = f"git checkout {head.short} && make run && mlgate report --base {base.short}"
    return (
        "---\n"
        f"<sub>Base {_code(base.name)} @ `{base.short}` · head `{head.short}`{dirty} · "
        f"reproduce locally: `{command}`</sub>"
    )


def render_review(
    comparison: Comparison,
    verdict: GateVerdict,
    *,
    plots: PlotsMode,
    links: PlotLinks,
    extra_sections: Sequence[str] = (),
) -> str:
    """The whole comment. `extra_sections` is where later checks (drift) add their part."""
    unchanged = (
        comparison.base_has_metrics
        and not comparison.metrics_changed()
        and not comparison.params
        and not comparison.data
    )
    sections = [
        f"## {TITLE}",
        headline(comparison, verdict),
        (
            "No changes: metrics, params and DVC-tracked data are identical to the base."
            if unchanged
            else ""
        ),
        metrics_section(comparison, verdict),
        gate_section(verdict),
        params_section(comparison),
        data_section(comparison),
        plots_section(comparison, plots, links),
        *extra_sections,
        footer(comparison),
    ]
    return "\n\n".join(section for section in sections if section) + "\n"
