"""The `mlgate` command: parse arguments, load config once, call one function, write outputs.

Heavy libraries are imported inside the commands so that `mlgate --help` stays instant.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, ParamSpec, TypeVar

import typer

from mlgate.errors import (
    ArtifactError,
    DataValidationError,
    MlgateError,
    ReviewError,
    SourceError,
)
from mlgate.registry.commands import add_registry_commands

if TYPE_CHECKING:
    from dvc.repo import Repo
    from rich.console import Console
    from sklearn.pipeline import Pipeline

    from mlgate.config import Params
    from mlgate.data.schema import FeatureSchema
    from mlgate.review.changes import MetricChange
    from mlgate.review.gates import GateVerdict
    from mlgate.review.revisions import Revision

PARAMS = Path("params.yaml")
RAW_DATA = Path("data/raw/data.parquet")
VALIDATION_REPORT = Path("reports/data_validation.json")
TRAIN_SPLIT = Path("data/processed/train.parquet")
TEST_SPLIT = Path("data/processed/test.parquet")
MODEL = Path("models/model.skops")
METRICS = Path("reports/metrics.json")
PLOTS = Path("reports/plots")
ROC_PLOT = PLOTS / "roc.json"
CONFUSION_PLOT = PLOTS / "confusion.json"
STAGE_DRIFT_JSON = Path("reports/drift.json")
STAGE_DRIFT_HTML = Path("reports/drift.html")
REVIEW = Path("reports/review.md")
GATE = Path("reports/gate.json")

app = typer.Typer(
    help="mlgate: reproducible DVC pipeline stages, PR model review and quality gates.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

ParamsOption = Annotated[
    Path, typer.Option("--params", "-p", help="params.yaml to read", dir_okay=False)
]

P = ParamSpec("P")
R = TypeVar("R")


def _console(stderr: bool = False) -> Console:
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=True)


def _reports_errors(command: Callable[P, R]) -> Callable[P, R]:
    """Turn every user mistake into one clear line on stderr and exit status 1."""

    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except DataValidationError as exc:
            from rich.markup import escape

            console = _console(stderr=True)
            console.print(
                f"[red]error:[/] data validation failed with {len(exc.violations)} violation(s):"
            )
            for violation in exc.violations:
                console.print(f"  - {escape(str(violation))}")
            raise typer.Exit(1) from None
        except MlgateError as exc:
            from rich.markup import escape

            _console(stderr=True).print(f"[red]error:[/] {escape(str(exc))}")
            raise typer.Exit(1) from None
        except OSError as exc:  # e.g. an output in a folder that cannot be created, no `git`
            from rich.markup import escape

            where = exc.filename or "output"
            message = escape(f"{where}: {exc.strerror or exc}")
            _console(stderr=True).print(f"[red]error:[/] {message}")
            raise typer.Exit(1) from None

    return wrapper


@contextmanager
def _working(description: str) -> Iterator[None]:
    """A spinner with elapsed time for long steps (silent when not on a terminal)."""
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    console = _console(stderr=True)
    if not console.is_terminal:
        yield
        return
    progress = Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )
    with progress:
        progress.add_task(description, total=None)
        yield


def _done(stage: str, started: float, detail: str) -> None:
    seconds = time.perf_counter() - started
    _console().print(f"[green]✓[/] {stage}: {detail} ({seconds:.1f} s)")


def _params(path: Path) -> Params:
    from mlgate.config import load_params

    return load_params(path)


def _trained_model(config: Params, data: bytes) -> Pipeline:
    """The pipeline's model: the bytes dvc.lock recorded, naming only its family's types."""
    from mlgate.lockfile import LOCK, recorded_md5
    from mlgate.model.persist import load_model

    return load_model(
        data,
        origin=str(MODEL),
        expected_md5=recorded_md5(MODEL),
        recorded_in=str(LOCK),
        estimator=config.model.estimator,
        trusted_types=config.model.trusted_types,
    )


def _validated_schema(path: Path) -> FeatureSchema:
    from pydantic import ValidationError

    from mlgate.data.schema import ValidationReport
    from mlgate.files import read_json

    try:
        report = ValidationReport.from_json_dict(read_json(path, "validate"))
    except ValidationError:
        raise ArtifactError(
            f"{path}: not a validation report; re-run `dvc repro validate`"
        ) from None
    if not report.valid or report.schema_ is None:
        raise ArtifactError(
            f"{path}: the data failed validation; fix it, then re-run `dvc repro validate`"
        )
    return report.schema_


@app.command()
@_reports_errors
def ingest(params: ParamsOption = PARAMS) -> None:
    """Load data.source (path, URL or sklearn:<name>) into data/raw/ as Parquet."""
    from mlgate.data.ingest import load_source
    from mlgate.files import write_parquet

    started = time.perf_counter()
    config = _params(params)
    with _working(f"reading {config.data.source}"):
        frame = load_source(config.data.source, config.data.na_values, None, config.data.max_bytes)
    write_parquet(RAW_DATA, frame)
    _done("ingest", started, f"{len(frame)} rows x {frame.shape[1]} columns → {RAW_DATA}")


@app.command()
@_reports_errors
def validate(params: ParamsOption = PARAMS) -> None:
    """Check the raw data against the schema built from params; report every violation."""
    from mlgate.data.schema import validate_frame
    from mlgate.files import read_parquet, write_json

    started = time.perf_counter()
    VALIDATION_REPORT.unlink(missing_ok=True)  # a stale "valid" verdict must not outlive a failure
    config = _params(params)
    frame = read_parquet(RAW_DATA, "ingest")
    report = validate_frame(frame, config.data)
    write_json(VALIDATION_REPORT, report.to_json_dict())
    if not report.valid:
        raise DataValidationError(list(report.violations))
    schema = report.schema_
    assert schema is not None
    _done(
        "validate",
        started,
        f"{report.rows} rows, {len(schema.numeric)} numeric + {len(schema.categorical)} "
        f"categorical features, {len(schema.labels)} classes → {VALIDATION_REPORT}",
    )


@app.command()
@_reports_errors
def split(params: ParamsOption = PARAMS) -> None:
    """Seeded, stratified train/test split of the validated data."""
    from mlgate.data.split import split_frame
    from mlgate.files import read_parquet, write_parquet

    started = time.perf_counter()
    config = _params(params)
    schema = _validated_schema(VALIDATION_REPORT)
    frame = read_parquet(RAW_DATA, "ingest")
    train, test = split_frame(frame, schema, test_size=config.data.test_size, seed=config.data.seed)
    write_parquet(TRAIN_SPLIT, train)
    write_parquet(TEST_SPLIT, test)
    _done("split", started, f"{len(train)} train + {len(test)} test rows → {TRAIN_SPLIT.parent}/")


@app.command()
@_reports_errors
def train(params: ParamsOption = PARAMS) -> None:
    """Fit preprocessing + the configured estimator; save it as a skops file."""
    from mlgate.files import read_parquet, write_bytes_atomic
    from mlgate.model.persist import dump_model
    from mlgate.model.train import train_model

    started = time.perf_counter()
    config = _params(params)
    schema = _validated_schema(VALIDATION_REPORT)
    frame = read_parquet(TRAIN_SPLIT, "split")
    estimator = config.model.estimator.rpartition(".")[2]
    with _working(f"training {estimator} on {len(frame)} rows"):
        model = train_model(frame, schema, config.model)
        data = dump_model(model)
    write_bytes_atomic(MODEL, data)
    _done("train", started, f"{estimator} on {len(frame)} rows → {MODEL}")


@app.command()
@_reports_errors
def evaluate(params: ParamsOption = PARAMS) -> None:
    """Metrics for the model and a dummy baseline on the test split, plus plot data."""
    from mlgate.data.schema import resolve_positive_label
    from mlgate.files import read_bytes, read_parquet, write_bytes_atomic, write_json
    from mlgate.model.evaluate import evaluate_model, fit_baseline, render_importance_png

    started = time.perf_counter()
    config = _params(params)
    schema = _validated_schema(VALIDATION_REPORT)
    train_frame = read_parquet(TRAIN_SPLIT, "split")
    test_frame = read_parquet(TEST_SPLIT, "split")
    model = _trained_model(config, read_bytes(MODEL, "train"))
    baseline = fit_baseline(train_frame, schema, config.model.baseline, config.data.seed)
    with _working(f"evaluating on {len(test_frame)} rows"):
        result = evaluate_model(
            model,
            baseline,
            test_frame,
            schema,
            positive_label=resolve_positive_label(schema.labels, config.data.positive_label),
            importance_repeats=config.model.importance_repeats,
            importance_max_rows=config.model.importance_max_rows,
            seed=config.data.seed,
        )
        png = render_importance_png(result.importance)
    write_json(PLOTS / "confusion.json", result.confusion)
    write_json(PLOTS / "roc.json", result.roc)
    write_json(PLOTS / "precision_recall.json", result.precision_recall)
    write_bytes_atomic(PLOTS / "feature_importance.png", png)
    write_json(METRICS, result.metrics)
    scores = result.metrics["model"]
    _done(
        "evaluate",
        started,
        f"accuracy {scores['accuracy']:.4f}, ROC AUC {scores['roc_auc']:.4f} "
        f"(baseline {result.metrics['baseline']['accuracy']:.4f}) → {METRICS}",
    )


@app.command()
@_reports_errors
def card(params: ParamsOption = PARAMS) -> None:
    """The model card (reports/model_card.md) and per-slice scores (reports/slices.json)."""
    from mlgate.cli_card import run_card

    run_card(params)


BaseOption = Annotated[
    str,
    typer.Option(
        "--base",
        "-b",
        help="branch, tag or commit to compare with (its committed results); fetched if missing",
    ),
]


class GatesFrom(StrEnum):
    base = "base"
    workspace = "workspace"


GatesFromOption = Annotated[
    GatesFrom,
    typer.Option(
        help="whose `gates:` apply: the base's (default; a PR cannot loosen the gate that judges "
        "it) or this workspace's",
    ),
]


class PlotsMode(StrEnum):
    images = "images"
    mermaid = "mermaid"
    artifact = "artifact"


def _open_review(base: str) -> tuple[Repo, Revision, Revision, bool]:
    """The repository, base and head; refuses to judge metrics the code no longer produces."""
    from mlgate.review.collect import open_repo, stale_stages
    from mlgate.review.revisions import head_revision, resolve_base

    root = Path.cwd()
    base_revision = resolve_base(root, base)
    head, dirty = head_revision(root)
    repo = open_repo(root)
    if Path(repo.root_dir).resolve() != root.resolve():
        raise ReviewError(f"run from the project root ({repo.root_dir}), not {root}")
    stale = stale_stages(repo)
    if stale:
        raise ReviewError(
            f"the pipeline is out of date (stages: {', '.join(stale)}), so the metrics do not "
            "measure this workspace; run `dvc repro` first"
        )
    return repo, base_revision, head, dirty


def _in_repo(path: Path, repo: Repo) -> str:
    """`path` relative to the repository root, as the base revision's tree names it."""
    root = Path(repo.root_dir).resolve()
    try:
        return path.resolve().relative_to(root).as_posix()
    except ValueError:
        raise ReviewError(f"{path}: the params file must be inside the repository") from None


def _verdict(
    repo: Repo,
    base: Revision,
    metrics: tuple[MetricChange, ...],
    config: Params,
    params: Path,
    gates_from: str,
) -> GateVerdict:
    """The gate verdict, from the gates of the base (default) or of the workspace."""
    from mlgate.cli_card import slices_for_gates
    from mlgate.review.collect import read_base_gates
    from mlgate.review.gates import judge

    name = _in_repo(params, repo)
    base_gates = read_base_gates(repo, base, name) if gates_from == "base" else None
    return judge(
        metrics,
        workspace=config.gates,
        base=base_gates,
        workspace_label=f"`{name}` in this workspace",
        base_label=f"`{name}` at `{base.name}` ({base.short})",
        base_has_none=gates_from == "base" and base_gates is None,
        slices=slices_for_gates(config.gates, base_gates),
    )


def _json_in_workspace(path: Path) -> dict[str, Any] | None:
    import json

    try:
        body = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return body if isinstance(body, dict) else None


def _json_at(repo: Repo, base: Revision, path: str) -> dict[str, Any] | None:
    import json

    from mlgate.review.collect import read_at

    raw = read_at(repo, base, path)
    try:
        body = json.loads(raw) if raw is not None else None
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def _artifact_url() -> str | None:
    """The GitHub Actions run page, when running there (its artifacts hold the images)."""
    import os

    parts = [
        os.environ.get(name, "")
        for name in ("GITHUB_SERVER_URL", "GITHUB_REPOSITORY", "GITHUB_RUN_ID")
    ]
    return "{}/{}/actions/runs/{}#artifacts".format(*parts) if all(parts) else None


@app.command()
@_reports_errors
def report(
    base: BaseOption,
    out: Annotated[
        Path,
        typer.Option(
            "--out", "-o", help="markdown file; images go in a folder beside it", dir_okay=False
        ),
    ] = REVIEW,
    plots: Annotated[
        PlotsMode | None,
        typer.Option(
            help="override params.yaml's review.plots: images | mermaid | artifact",
            envvar="MLGATE_REVIEW_PLOTS",
        ),
    ] = None,
    gates_from: GatesFromOption = GatesFrom.base,
    params: ParamsOption = PARAMS,
) -> None:
    """Markdown review of the workspace against BASE: gate, metrics, params, data and plots."""
    import os

    from mlgate.cli_card import SLICES
    from mlgate.files import json_bytes, write_bytes_atomic
    from mlgate.review.card import card_section, card_url
    from mlgate.review.collect import collect_comparison
    from mlgate.review.drift import drift_section
    from mlgate.review.plots import render_confusion_png, render_roc_png
    from mlgate.review.render import PlotLinks, render_review

    started = time.perf_counter()
    config = _params(params)
    repo, base_revision, head, dirty = _open_review(base)
    comparison = collect_comparison(
        repo,
        base_revision,
        head,
        dirty,
        metrics_file=METRICS.as_posix(),
        validation_report=VALIDATION_REPORT.as_posix(),
        roc_plot=ROC_PLOT.as_posix(),
        confusion_plot=CONFUSION_PLOT.as_posix(),
        skip_metrics=(STAGE_DRIFT_JSON.as_posix(),),
    )
    verdict = _verdict(repo, base_revision, comparison.metrics, config, params, gates_from.value)
    mode = plots.value if plots is not None else config.review.plots
    folder = out.parent / out.stem
    # What was compared, as data, for tools that read the review (the review artifact).
    files: dict[Path, bytes] = {
        folder / "review.json": json_bytes(
            {
                "base": {"ref": base_revision.name, "sha": base_revision.sha},
                "head": {"sha": head.sha, "uncommitted_changes": dirty},
                "gate_passed": verdict.passed,
            }
        )
    }
    links = PlotLinks(artifact_url=_artifact_url())
    base_plots, head_plots = comparison.plots
    if head_plots is not None:
        files[folder / "confusion.png"] = render_confusion_png(base_plots, head_plots)
        files[folder / "roc.png"] = render_roc_png(base_plots, head_plots)
        links = PlotLinks(
            confusion_png=f"{out.stem}/confusion.png",
            roc_png=f"{out.stem}/roc.png",
            artifact_url=links.artifact_url,
        )
    drift = drift_section(
        _json_at(repo, base_revision, "reports/drift.json"),
        _json_in_workspace(Path("reports/drift.json")),
        f"[this run's artifacts]({links.artifact_url})" if links.artifact_url else None,
    )
    card_part = card_section(
        _json_at(repo, base_revision, SLICES.as_posix()),
        _json_in_workspace(SLICES),
        card_url(head.sha, os.environ, dirty),
    )
    extra = tuple(section for section in (drift, card_part) if section)
    markdown = render_review(comparison, verdict, plots=mode, links=links, extra_sections=extra)
    for path, data in files.items():
        write_bytes_atomic(path, data)
    write_bytes_atomic(out, markdown.encode())
    _done("report", started, f"{'gate passed' if verdict.passed else 'gate FAILED'} → {out}")


@app.command()
@_reports_errors
def gate(
    base: BaseOption,
    out: Annotated[Path, typer.Option("--out", "-o", help="JSON verdict", dir_okay=False)] = GATE,
    gates_from: GatesFromOption = GatesFrom.base,
    params: ParamsOption = PARAMS,
) -> None:
    """Check the workspace's metrics against the gates; exit 1 if any gate fails."""
    from rich.markup import escape
    from rich.table import Table

    from mlgate.files import write_json
    from mlgate.review.collect import collect_metrics
    from mlgate.review.gates import KIND_LABELS

    config = _params(params)
    repo, base_revision, head, dirty = _open_review(base)
    metrics = collect_metrics(
        repo, base_revision, METRICS.as_posix(), skip=(STAGE_DRIFT_JSON.as_posix(),)
    )
    verdict = _verdict(repo, base_revision, metrics, config, params, gates_from.value)
    body = verdict.to_json_dict() | {
        "base": {"ref": base_revision.name, "sha": base_revision.sha},
        "head": {"sha": head.sha, "uncommitted_changes": dirty},
    }
    write_json(out, body)

    console = _console()
    table = Table(title=f"Quality gate vs {base_revision.name} ({base_revision.short})")
    for column in ("gate", "metric", "requirement", "result", "detail"):
        table.add_column(column)
    styles = {
        "passed": "[green]passed[/]",
        "failed": "[red]FAILED[/]",
        "skipped": "[dim]skipped[/]",
    }
    for result in verdict.results:
        table.add_row(
            KIND_LABELS[result.kind],
            result.score,
            result.requirement,
            styles[result.status],
            escape(result.detail),  # slice names come from the data
        )
    console.print(table)
    console.print(f"gates from {verdict.source.replace('`', '')}")
    if not verdict.results:
        console.print("[yellow]no gates configured[/]: add a `gates:` section to params.yaml")
    elif verdict.passed:
        console.print(f"[green]✓ gate passed[/] ({len(verdict.results)} gates) → {out}")
    else:
        failed = f"{len(verdict.failures)} of {len(verdict.results)} gates"
        console.print(f"[red]✗ gate failed[/]: {failed} → {out}")
        raise typer.Exit(1)


def _refuse_stale_pipeline(doing: str) -> None:
    """The model, metrics and params must belong together before they are packaged."""
    from mlgate.review.collect import open_repo, stale_stages

    stale = stale_stages(open_repo(Path.cwd()))
    if stale:
        raise ArtifactError(
            f"the pipeline is out of date (stages: {', '.join(stale)}); run `dvc repro` before "
            f"{doing}"
        )


def _git_identity() -> tuple[str, str]:
    """Commit and branch the model is packaged from (GitHub's variables in CI, else git)."""
    import os
    import subprocess

    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], capture_output=True, text=True, check=False)
        return done.stdout.strip() if done.returncode == 0 else "unknown"

    sha = os.environ.get("GITHUB_SHA") or git("rev-parse", "HEAD")
    branch = os.environ.get("GITHUB_REF_NAME") or git("rev-parse", "--abbrev-ref", "HEAD")
    return sha, branch


@app.command()
@_reports_errors
def bento(
    params: ParamsOption = PARAMS,
    build: Annotated[
        bool, typer.Option(help="also build the bento (off: only add the model to the store)")
    ] = True,
) -> None:
    """Package the current model for serving: BentoML model store entry, then a bento."""
    import hashlib
    import os

    from mlgate.data.schema import ValidationReport
    from mlgate.files import read_bytes, read_json, read_parquet
    from mlgate.registry.versions import registered_version_of_model
    from mlgate.serving.package import (
        build_bento,
        build_contract,
        locate_uv,
        params_digest,
        serving_metadata,
        store_model,
    )

    started = time.perf_counter()
    config = _params(params)
    _refuse_stale_pipeline("packaging the model")
    if build:
        locate_uv()  # before anything is stored
    schema = _validated_schema(VALIDATION_REPORT)
    report = ValidationReport.from_json_dict(read_json(VALIDATION_REPORT, "validate"))
    model_bytes = read_bytes(MODEL, "train")
    _trained_model(config, model_bytes)  # refuse to package a model the service would refuse
    contract = build_contract(
        schema, read_parquet(TRAIN_SPLIT, "split"), report.null_fraction, config.serving
    )
    sha, branch = _git_identity()
    model_hash = hashlib.md5(model_bytes).hexdigest()  # the hash dvc.lock records
    info = serving_metadata(
        model_version=model_hash,
        registry_version=registered_version_of_model(Path.cwd(), model_hash),
        estimator=config.model.estimator,
        trusted_types=config.model.trusted_types,
        git_sha=sha,
        git_branch=branch,
        metrics=read_json(METRICS, "evaluate"),
        digest=params_digest(config.model_dump(mode="json", include={"data", "model"})),
        config=config.serving,
    )
    model_tag = store_model(model_bytes, contract, info)
    _console().print(f"model: {model_tag}")
    if build:
        docker: dict[str, str] = {"python_version": "3.11"}
        if os.environ.get("MLGATE_BASE_IMAGE"):
            docker["base_image"] = os.environ["MLGATE_BASE_IMAGE"]
        with _working("building the bento"):
            bento_tag = build_bento("src", model_tag, docker)
        _console().print(f"bento: {bento_tag}")
    registered = info["registry_version"] or "unregistered"
    _done("bento", started, f"model {model_hash[:8]} ({registered}) from {sha[:7]} ({branch})")


@app.command()
@_reports_errors
def smoke(
    bento_tag: Annotated[str, typer.Option("--bento", help="the bento to serve")] = "mlgate:latest",
    rows: Annotated[int, typer.Option(help="test-split records to compare", min=1)] = 50,
) -> None:
    """Serve a built bento on 127.0.0.1 and check it predicts exactly like the pipeline's model."""
    import hashlib
    import json

    from mlgate.files import read_bytes, read_parquet
    from mlgate.serving.smoke import smoke_test

    config = _params(PARAMS)
    schema = _validated_schema(VALIDATION_REPORT)
    model_bytes = read_bytes(MODEL, "train")
    model = _trained_model(config, model_bytes)
    test = read_parquet(TEST_SPLIT, "split").head(rows)
    features = test.loc[:, list(schema.features)]
    expected = [c.item() if hasattr(c, "item") else c for c in model.predict(features)]
    records = json.loads(features.to_json(orient="records"))
    ready = smoke_test(bento_tag, records, expected, hashlib.md5(model_bytes).hexdigest())
    _console().print(
        f"[green]✓[/] {bento_tag} ready in {ready:.1f} s and agrees with {MODEL} on {len(records)} "
        "test records"
    )


DRIFT_REPORT = Path("reports/monitor/drift.json")


@app.command()
@_reports_errors
def drift(params: ParamsOption = PARAMS) -> None:
    """The drift stage: the test split against the training split (JSON summary + HTML with
    data quality and, as both splits have labels, classification quality)."""
    from mlgate.data.schema import resolve_positive_label
    from mlgate.files import read_bytes, read_parquet, write_bytes_atomic, write_json
    from mlgate.monitor.drift import check_drift
    from mlgate.monitor.report import render_drift_html

    started = time.perf_counter()
    config = _params(params)
    schema = _validated_schema(VALIDATION_REPORT)
    reference = read_parquet(TRAIN_SPLIT, "split")
    current = read_parquet(TEST_SPLIT, "split")
    summary = check_drift(reference, current, schema, config.drift)
    model = _trained_model(config, read_bytes(MODEL, "train"))
    features = list(schema.features)
    reference = reference.assign(prediction=model.predict(reference.loc[:, features]))
    current = current.assign(prediction=model.predict(current.loc[:, features]))
    with _working("rendering the Evidently report"):
        positive = resolve_positive_label(schema.labels, config.data.positive_label)
        html = render_drift_html(
            reference,
            current,
            schema,
            config.drift,
            labelled=True,
            positive_label=None if positive is None else str(positive),
        )
    write_bytes_atomic(STAGE_DRIFT_HTML, html.encode())
    write_json(STAGE_DRIFT_JSON, summary.to_json_dict())
    verdict = "drift" if summary.drifted else "no drift"
    _done(
        "drift",
        started,
        f"{verdict}: {len(summary.drifted_columns)}/{len(summary.columns)} columns "
        f"→ {STAGE_DRIFT_JSON}, {STAGE_DRIFT_HTML}",
    )


def _monitor_error(message: str) -> NoReturn:
    """One line on stderr, then exit 2 (bad input); markup in the message is printed as is."""
    from rich.markup import escape

    _console(stderr=True).print(f"[red]error:[/] {escape(message)}")
    raise typer.Exit(2) from None


@app.command()
def monitor(
    current: Annotated[
        str, typer.Option("--current", help="batch: CSV/Parquet/JSONL path, glob or URL")
    ],
    reference: Annotated[
        Path, typer.Option("--reference", help="training-like data to compare with")
    ] = TRAIN_SPLIT,
    out: Annotated[Path, typer.Option("--out", "-o", help="JSON summary")] = DRIFT_REPORT,
    params: ParamsOption = PARAMS,
) -> None:
    """Drift of a production batch against the reference. Exit 0 no drift, 1 drift, 2 bad input."""
    from mlgate.files import read_parquet, write_bytes_atomic, write_json
    from mlgate.monitor.batches import check_batch_size, conform_batch, load_batch
    from mlgate.monitor.drift import check_drift
    from mlgate.monitor.report import render_drift_html

    try:
        config = _params(params)
        schema = _validated_schema(VALIDATION_REPORT)
        batch = conform_batch(load_batch(current, schema.categorical), schema, current)
        check_batch_size(batch, current)
        base = conform_batch(read_parquet(reference, "split"), schema, str(reference))
        summary = check_drift(base, batch, schema, config.drift)
        html = render_drift_html(base, batch, schema, config.drift)
        write_bytes_atomic(out.with_suffix(".html"), html.encode())
        # A presigned URL's signature is a credential: the summary (and CI logs) keep the path.
        shown = current.split("?", 1)[0] if "://" in current else current
        write_json(out, summary.to_json_dict() | {"current": shown, "reference": str(reference)})
    except MlgateError as exc:
        _monitor_error(str(exc))
    except (typer.Exit, SystemExit):
        raise
    except Exception as exc:  # exit 1 means "drift": a crash must be bad input (2), not drift
        text = str(exc).strip()
        what = text.splitlines()[0] if text else "failed"
        _monitor_error(f"{current}: {what} ({type(exc).__name__})")
    sampled = ""
    if (
        summary.current_used < summary.current_rows
        or summary.reference_used < summary.reference_rows
    ):
        sampled = (
            f" (sampled {summary.current_used:,} of {summary.current_rows:,} current and "
            f"{summary.reference_used:,} of {summary.reference_rows:,} reference rows)"
        )
    console = _console()
    columns = len(summary.columns)
    drifted = len(summary.drifted_columns)
    limit = f"limit {summary.drift_share:.0%}"
    share = f"{drifted}/{columns} columns drifted ({summary.share:.0%}, {limit})"
    if summary.drifted:
        console.print(
            f"[red]drift[/]: {share}: {', '.join(summary.drifted_columns)}{sampled} → {out}"
        )
        raise typer.Exit(1)
    listed = f": {', '.join(summary.drifted_columns)}" if drifted else ""
    console.print(f"[green]no drift[/]: {share}{listed}{sampled} → {out}")


@app.command("add-labelled")
@_reports_errors
def add_labelled(
    labels: Annotated[str, typer.Option("--labels", help="labelled batch: file, folder or glob")],
    params: ParamsOption = PARAMS,
) -> None:
    """Append a labelled batch to the training data as a new DVC data version (then dvc repro)."""
    from dvc.exceptions import DvcException
    from dvc.repo import Repo

    from mlgate.files import read_parquet, write_bytes_atomic, write_parquet
    from mlgate.monitor.batches import load_batch
    from mlgate.monitor.retrain import TRAINING_DATA, combine_training_data, point_source_at

    config = _params(params)
    schema = _validated_schema(VALIDATION_REPORT)
    location = f"{labels.rstrip('/')}/*" if Path(labels).is_dir() else labels
    labelled = load_batch(location, (*schema.categorical, schema.target))
    target = Path(TRAINING_DATA)
    current = read_parquet(target if target.is_file() else RAW_DATA, "ingest")
    combined = combine_training_data(current, labelled, schema, labels)
    added = len(combined) - len(current)
    repointed = point_source_at(params.read_text(encoding="utf-8"), TRAINING_DATA)
    write_parquet(target, combined)
    try:
        with Repo(".") as repo:
            repo.add([str(target)])
    except DvcException as exc:
        raise SourceError(f"{target}: dvc add failed: {exc}") from None
    # Last, so a failure above leaves data.source as it was.
    if config.data.source != TRAINING_DATA:
        write_bytes_atomic(params.resolve(), repointed.encode())  # through a symlink, not over it
    _console().print(
        f"[green]✓[/] {added} new labelled rows ({len(combined)} in all) → {target} "
        f"(DVC-tracked; data.source = {TRAINING_DATA}); now run `dvc repro`"
    )


@app.command("drift-summary")
@_reports_errors
def drift_summary(
    summary: Annotated[Path, typer.Option("--summary", help="drift JSON from mlgate monitor")],
    batch_id: Annotated[str, typer.Option(help="the batch's name, for the title")] = "",
) -> None:
    """Markdown of a drift summary beside it (drift.md), and in $GITHUB_STEP_SUMMARY if set."""
    import os

    from mlgate.files import read_json, write_bytes_atomic
    from mlgate.monitor.summary import render_drift_summary

    markdown = render_drift_summary(read_json(summary, "mlgate monitor"), batch_id)
    write_bytes_atomic(summary.with_name("drift.md"), markdown.encode())
    target = os.environ.get("GITHUB_STEP_SUMMARY")
    if target:
        with open(target, "a", encoding="utf-8") as stream:
            stream.write(markdown)
    _console().print(f"→ {summary.with_name('drift.md')}")


@app.command()
@_reports_errors
def simulate(
    rows: Annotated[int, typer.Option(help="rows in the batch")] = 1000,
    drift: Annotated[
        float, typer.Option(help="shift: std devs for numbers, share for categories")
    ] = 0.0,
    columns: Annotated[
        str, typer.Option(help="comma-separated columns to shift (default: all features)")
    ] = "",
    seed: Annotated[int, typer.Option(help="random seed")] = 0,
    out: Annotated[Path, typer.Option("--out", "-o", help="CSV or Parquet file")] = Path(
        "data/production/batch.parquet"
    ),
) -> None:
    """A production-like batch from the test split with a controlled, seeded shift."""
    from mlgate.files import read_parquet, write_bytes_atomic, write_parquet
    from mlgate.monitor.simulate import simulate_batch

    schema = _validated_schema(VALIDATION_REPORT)
    chosen = tuple(name.strip() for name in columns.split(",") if name.strip())
    batch = simulate_batch(
        read_parquet(TEST_SPLIT, "split"), schema, rows=rows, drift=drift, columns=chosen, seed=seed
    )
    if out.suffix == ".csv":
        write_bytes_atomic(out, batch.to_csv(index=False).encode())
    elif out.suffix == ".parquet":
        write_parquet(out, batch)
    else:
        raise ArtifactError(f"--out {out}: expected a .csv or .parquet file name")
    _console().print(f"[green]✓[/] {len(batch):,} rows, drift {drift:g} → {out}")


class PromotionTarget(StrEnum):
    staging = "staging"
    production = "production"


@app.command()
@_reports_errors
def promote(
    to: Annotated[PromotionTarget, typer.Option("--to", help="the stage to promote into")],
    remote: Annotated[str, typer.Option(help="git remote holding the branches")] = "origin",
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="print the pull request instead of opening it")
    ] = False,
) -> None:
    """Open the pull request main → staging or staging → production (with `gh`)."""
    from mlgate.promote import open_pull_request, plan_promotion

    plan = plan_promotion(Path.cwd(), to.value, remote)
    console = _console()
    if not plan.commits:
        console.print(f"nothing to promote: {plan.target} already contains {plan.source}")
        return
    if dry_run:
        console.print(f"[bold]{plan.title}[/]\n\n{plan.body()}")
        return
    url, new = open_pull_request(Path.cwd(), plan)
    console.print(f"{'opened' if new else 'already open'}: {url}")


@app.command()
@_reports_errors
def sweep(
    jobs: Annotated[
        int | None,
        typer.Option("--jobs", "-j", min=1, help="experiments run at a time (default: sweep.jobs)"),
    ] = None,
    branch: Annotated[
        str | None,
        typer.Option(help="make the best experiment this git branch (dvc exp branch), for a PR"),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="print the experiments and commands; queue nothing")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="print the ranking as JSON")] = False,
    apply: Annotated[
        bool,
        typer.Option(help="put the best experiment into the workspace (dvc exp apply), for a PR"),
    ] = False,
) -> None:
    """Run params.yaml's `sweep:` grid as DVC experiments, ranked by sweep.metric."""
    from mlgate.experiments.command import SweepOptions, sweep_command

    options = SweepOptions(
        params=PARAMS,
        metrics_file=METRICS.as_posix(),
        jobs=jobs,
        branch=branch,
        dry_run=dry_run,
        as_json=as_json,
        apply=apply,
    )
    status = sweep_command(options, _console(), _console(True))
    if status:
        raise typer.Exit(status)


add_registry_commands(app)  # mlgate registry register|assign|show|version, mlgate rollback


def main() -> None:
    """Console-script entry point."""
    app()
