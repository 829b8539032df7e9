"""`mlgate registry register|assign|show|version`, `mlgate rollback`, `mlgate promote` and
`mlgate verify-rollout`: model versions and stages (GTO tags), the pull requests that move a
model between stages, and the check that an image about to be rolled out serves the stage's one.

GTO and git are imported by the commands that use them, so `mlgate --help` stays instant.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from mlgate.cli.output import console, reports_errors

if TYPE_CHECKING:
    from mlgate.registry.show import RegistryView

registry_app = typer.Typer(
    help="Model versions and stages as GTO git tags: model@vX.Y.Z, model#<stage>#N.",
    no_args_is_help=True,
)

RefOption = Annotated[
    str, typer.Option("--ref", help="branch, tag or commit whose dvc.lock names the model")
]
StageOption = Annotated[
    str, typer.Option("--stage", help="the stage: staging or production (.gto's stages)")
]


@registry_app.command()
@reports_errors
def register(ref: RefOption = "HEAD") -> None:
    """Register a new version when the model at REF differs from the latest registered one."""
    from mlgate.registry.artifact import declared_artifact
    from mlgate.registry.versions import Registered, register_model

    root = Path.cwd()
    artifact = declared_artifact(root)
    result = register_model(root, artifact, ref)
    if isinstance(result, Registered):
        console().print(
            f"[green]registered[/] {result.tag} at {result.commit[:7]}: {artifact.path} md5 "
            f"{result.model_hash[:8]} ({result.reason})"
        )
        return
    console().print(
        f"unchanged, nothing registered: the model at {ref} ({artifact.path} md5 "
        f"{result.model_hash[:8]}) is {artifact.name} {result.version} ({result.commit[:7]})"
    )


@registry_app.command()
@reports_errors
def assign(stage: StageOption, ref: RefOption = "HEAD") -> None:
    """Assign STAGE to the registered version whose model is the one at REF."""
    from mlgate.registry.artifact import declared_artifact
    from mlgate.registry.versions import assign_stage

    root = Path.cwd()
    artifact = declared_artifact(root)
    result = assign_stage(root, artifact, stage, ref)
    if result.tag is None:
        console().print(f"{stage} already holds {artifact.name} {result.version}: nothing assigned")
        return
    was = f" (was {result.previous})" if result.previous else ""
    console().print(
        f"[green]assigned[/] {stage} → {artifact.name} {result.version}{was}: {result.tag} "
        f"({artifact.path} md5 {result.model_hash[:8]})"
    )


@registry_app.command()
@reports_errors
def show(
    json_output: Annotated[bool, typer.Option("--json", help="JSON on stdout (scripts)")] = False,
) -> None:
    """Versions, the stage each is in, model hash, key metrics and commit (GTO + reports)."""
    from mlgate.registry.artifact import declared_artifact
    from mlgate.registry.show import registry_view

    root = Path.cwd()
    view = registry_view(root, declared_artifact(root))
    if json_output:
        import json

        typer.echo(json.dumps(view.to_json_dict(), indent=2, sort_keys=True))
        return
    _print_view(view)


def _print_view(view: RegistryView) -> None:
    from rich.table import Table

    from mlgate.registry.show import key_metrics

    terminal = console()
    terminal.width = max(terminal.width, 120)  # one row per version, even in a narrow CI log
    name = view.artifact.name
    stages = ", ".join(f"{stage}: {version or '-'}" for stage, version in view.stages.items())
    terminal.print(f"{name} ({view.artifact.path}); stages: {stages}")
    if not view.versions:
        terminal.print(
            f"no registered versions of {name}: a push to main registers one "
            "(`mlgate registry register`)"
        )
        return
    table = Table()
    columns = key_metrics(view.versions)
    for column in ("version", "stages", "model md5", *columns, "commit", "registered"):
        table.add_column(column)
    for row in view.versions:
        table.add_row(
            row.version,
            ", ".join(row.stages) or "-",
            (row.model_hash or "?")[:8],
            *(f"{row.metrics[m]:.4f}" if m in row.metrics else "-" for m in columns),
            row.commit[:7],
            row.registered_at[:19],
        )
    terminal.print(table)


@registry_app.command()
@reports_errors
def version(ref: RefOption = "HEAD") -> None:
    """Print the registered version of the model at REF (exit 1 when it is not registered)."""
    from mlgate.registry.artifact import declared_artifact
    from mlgate.registry.versions import version_at

    root = Path.cwd()
    found, _ = version_at(root, declared_artifact(root), ref)
    typer.echo(found.name)


@reports_errors
def rollback(
    stage: StageOption,
    to: Annotated[
        str | None,
        typer.Option(
            "--to",
            help="the version to restore, e.g. v0.1.0 (default: the previous "
            "version assigned to the stage)",
        ),
    ] = None,
    push: Annotated[
        bool, typer.Option("--push", help="push the branch and open its pull request with gh")
    ] = False,
    remote: Annotated[str, typer.Option(help="git remote holding the stage branches")] = "origin",
) -> None:
    """Prepare branch rollback/<stage>-<version>: that version's dvc.lock entries and params."""
    from mlgate.registry.artifact import declared_artifact
    from mlgate.registry.rollback.branch import create_branch, open_pull_request
    from mlgate.registry.rollback.plan import RollbackRequest, plan_rollback

    root = Path.cwd()
    plan = plan_rollback(root, declared_artifact(root), RollbackRequest(stage, to, remote))
    commit = create_branch(root, plan)
    terminal = console()
    params = ", ".join(f"{c.key} {c.before} → {c.after}" for c in plan.params) or "none"
    terminal.print(
        f"[green]✓[/] {plan.branch} ({commit[:7]}) off {plan.base_ref}: {plan.stage} "
        f"{plan.current or '?'} → {plan.target.name}; restored dvc.lock entries "
        f"{', '.join(plan.stages)} and params {params} from {plan.target.commit[:7]}"
    )
    if not push:
        terminal.print(
            "push it and open its pull request with "
            f"`mlgate rollback --stage {stage} --to {plan.target.name} --push`"
        )
        return
    url, new = open_pull_request(root, plan, remote)
    terminal.print(f"{'opened' if new else 'already open'}: {url}")


class PromotionTarget(StrEnum):
    staging = "staging"
    production = "production"


@reports_errors
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
    terminal = console()
    if not plan.commits:
        terminal.print(f"nothing to promote: {plan.target} already contains {plan.source}")
        return
    if dry_run:
        terminal.print(f"[bold]{plan.title}[/]\n\n{plan.body()}")
        return
    url, new = open_pull_request(Path.cwd(), plan)
    terminal.print(f"{'opened' if new else 'already open'}: {url}")


@reports_errors
def verify_rollout(
    image: Annotated[
        str, typer.Option("--image", help="the image to roll out, pinned: <name>@sha256:<digest>")
    ],
    stage: StageOption,
    repo: Annotated[
        str,
        typer.Option(
            "--repo",
            envvar="GITHUB_REPOSITORY",
            help="owner/repo whose workflow must have attested the image",
        ),
    ],
) -> None:
    """Refuse a rollout unless IMAGE is attested and serves the model STAGE holds (one line)."""
    from mlgate.serving.verify_rollout import real_adapters
    from mlgate.serving.verify_rollout import verify_rollout as verify

    verified = verify(Path.cwd(), image, stage, repo, real_adapters())
    console().print(f"[green]✓[/] {verified.describe()}")


def add_commands(app: typer.Typer) -> None:
    """`mlgate registry …`, `mlgate rollback`, `mlgate promote` and `mlgate verify-rollout`."""
    app.add_typer(registry_app, name="registry")
    app.command("rollback")(rollback)
    app.command()(promote)
    app.command("verify-rollout")(verify_rollout)
