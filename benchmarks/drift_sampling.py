"""How many rows the drift check must compare: per-column distances and verdicts on seeded samples
of a few sizes against the same on all rows.

`benchmarks/scaling.py` runs it on its 1M-row project (`make bench`; --drift-sampling-at), or run it
alone on a project that has run the pipeline on large data: its training split (reference), test
split (current) and validated schema, and params.yaml's drift settings. For each
sample size (rows per side) and seed, `check_drift` runs on the unshifted current split and on one
with every numeric feature moved by `--shift` of its standard deviation; the error of each column's
statistic against all rows, and whether any column's verdict or the data's verdict differs, are
written as JSON and markdown.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

import pandas as pd

DEFAULT_SIZES = "2000,5000,10000,20000,50000"


def summaries(
    reference: pd.DataFrame, current: pd.DataFrame, schema: Any, config: Any, size: int, seed: int
) -> tuple[Any, float]:
    from mlgate.monitor.drift_check import check_drift

    sampling = config.sampling.model_copy(
        update={"max_reference_rows": size, "max_current_rows": size, "seed": seed}
    )
    started = time.perf_counter()
    summary = check_drift(
        reference, current, schema, config.model_copy(update={"sampling": sampling})
    )
    return summary, time.perf_counter() - started


def compare(full: Any, sampled: Any) -> dict[str, Any]:
    exact = {c.column: c for c in full.columns}
    errors = [abs(c.statistic - exact[c.column].statistic) for c in sampled.columns]
    return {
        "max_abs_error": round(max(errors), 4),
        "verdicts_differ": sorted(
            c.column for c in sampled.columns if c.drifted != exact[c.column].drifted
        ),
        "drifted": sampled.drifted,
        "drifted_columns": len(sampled.drifted_columns),
        "min_statistic": round(min(c.statistic for c in sampled.columns), 4),
        "max_statistic": round(max(c.statistic for c in sampled.columns), 4),
    }


def sampling_report(project: Path, sizes: list[int], seeds: int, shift: float) -> dict[str, Any]:
    """Per case (unshifted, shifted) and sample size: each seed's errors and verdicts."""
    from mlgate.config.loading import load_params
    from mlgate.stages.schema_input import validated_schema

    config = load_params(project / "params.yaml").drift
    schema = validated_schema(project / "reports" / "data_validation.json")
    reference = pd.read_parquet(project / "data" / "processed" / "train.parquet")
    current = pd.read_parquet(project / "data" / "processed" / "test.parquet")
    shifted = current.assign(**{n: current[n] + shift * reference[n].std() for n in schema.numeric})
    cases = {"unshifted": current, f"shifted_{shift}_std": shifted}
    everything = max(len(reference), len(current))
    document: dict[str, Any] = {
        "description": (__doc__ or "").split("\n\n")[0].replace("\n", " "),
        "reference_rows": len(reference),
        "current_rows": len(current),
        "methods": {"numeric": config.num_method, "categorical": config.cat_method},
        "thresholds": {"numeric": config.num_threshold, "categorical": config.cat_threshold},
        "cases": {},
    }
    for case, frame in cases.items():
        full, seconds = summaries(reference, frame, schema, config, everything, 0)
        rows: dict[str, Any] = {}
        for size in sizes:
            runs = []
            for seed in range(seeds):
                sampled, took = summaries(reference, frame, schema, config, size, seed)
                runs.append({"seed": seed, "seconds": round(took, 2), **compare(full, sampled)})
            rows[str(size)] = runs
            print(case, size, [r["max_abs_error"] for r in runs], flush=True)
        document["cases"][case] = {
            "all_rows": {
                "seconds": round(seconds, 2),
                "drifted": full.drifted,
                "drifted_columns": len(full.drifted_columns),
                "min_statistic": round(min(c.statistic for c in full.columns), 4),
                "max_statistic": round(max(c.statistic for c in full.columns), 4),
            },
            "samples": rows,
        }
    return document


def write_report(document: dict[str, Any], out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(document, indent=2) + "\n")
    out.with_suffix(".md").write_text(markdown(document))
    print(f"written to {out}, {out.with_suffix('.md')}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--project", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True, help="the JSON file")
    parser.add_argument("--sizes", default=DEFAULT_SIZES)
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--shift", type=float, default=0.5, help="in standard deviations")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    write_report(sampling_report(args.project, sizes, args.seeds, args.shift), args.out)


def markdown(document: dict[str, Any]) -> str:
    lines = [
        "# Drift check: sampled against all rows",
        "",
        f"Written by `benchmarks/drift_sampling.py`. Reference {document['reference_rows']:,} "
        f"rows, current {document['current_rows']:,}; methods {document['methods']}, thresholds "
        f"{document['thresholds']}. Per sample size (rows per side), over seeds: the largest "
        "error of any column's statistic against all rows, and the columns whose verdict "
        "differs from all rows'.",
        "",
        "| case | rows per side | max abs error (worst seed) | verdicts differing | data drifted "
        "| drifted columns | check time (s) |",
        "|---|---:|---:|---|---|---|---:|",
    ]
    for case, body in document["cases"].items():
        full = body["all_rows"]
        lines.append(
            f"| {case} | all | 0 | - | {full['drifted']} | {full['drifted_columns']} "
            f"| {full['seconds']:.2f} |"
        )
        for size, runs in body["samples"].items():
            differing = sorted({c for r in runs for c in r["verdicts_differ"]})
            lines.append(
                f"| {case} | {int(size):,} | {max(r['max_abs_error'] for r in runs):.4f} "
                f"| {', '.join(differing) or 'none'} | {sorted({r['drifted'] for r in runs})} "
                f"| {sorted({r['drifted_columns'] for r in runs})} "
                f"| {max(r['seconds'] for r in runs):.2f} |"
            )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
