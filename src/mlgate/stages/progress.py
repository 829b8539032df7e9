"""How a stage shows a long step: the CLI passes a spinner, tests and library callers nothing."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext

# A long step's description in, a context for its duration out.
Progress = Callable[[str], AbstractContextManager[object]]


def quietly(description: str) -> AbstractContextManager[object]:
    """Progress that shows nothing."""
    return nullcontext()
