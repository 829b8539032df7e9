"""What every command shares on the terminal: the console, the spinner, the "done" line, and
the rule that a user's mistake is one `error:` line and a non-zero exit, never a traceback."""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, NoReturn, ParamSpec, TypeVar

import typer

from mlgate.errors import DataValidationError, MlgateError

if TYPE_CHECKING:
    from rich.console import Console

P = ParamSpec("P")
R = TypeVar("R")


def console(stderr: bool = False) -> Console:
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=True)


def fail(message: str, status: int = 1) -> NoReturn:
    """One `error:` line on stderr (markup in the message is printed as is), then exit."""
    from rich.markup import escape

    console(stderr=True).print(f"[red]error:[/] {escape(message)}")
    raise typer.Exit(status) from None


def reports_errors(command: Callable[P, R]) -> Callable[P, R]:
    """Turn every user mistake into one clear line on stderr and exit status 1."""

    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except DataValidationError as exc:
            from rich.markup import escape

            err = console(stderr=True)
            err.print(
                f"[red]error:[/] data validation failed with {len(exc.violations)} violation(s):"
            )
            for violation in exc.violations:
                err.print(f"  - {escape(str(violation))}")
            raise typer.Exit(1) from None
        except MlgateError as exc:
            fail(str(exc))
        except OSError as exc:  # e.g. an output in a folder that cannot be created, no `git`
            fail(f"{exc.filename or 'output'}: {exc.strerror or exc}")

    return wrapper


@contextmanager
def working(description: str) -> Iterator[None]:
    """A spinner with elapsed time for long steps (silent when not on a terminal)."""
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    err = console(stderr=True)
    if not err.is_terminal:
        yield
        return
    progress = Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    )
    with progress:
        progress.add_task(description, total=None)
        yield


def done(stage: str, started: float, detail: str) -> None:
    """`✓ stage: detail (1.2 s)`; the detail may hold names from the data, printed as is."""
    from rich.markup import escape

    seconds = time.perf_counter() - started
    console().print(f"[green]✓[/] {stage}: {escape(detail)} ({seconds:.1f} s)")
