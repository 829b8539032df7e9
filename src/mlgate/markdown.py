"""Markdown that data cannot subvert: escaped text, unbreakable code spans, plain GFM tables.

Shared by the PR review and the model card, so text from the data (column names, categories,
class labels) is made inert the same way everywhere.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

_MARKDOWN_SPECIALS = re.compile(r"([\\`*_\[\]<>!|~#&])")
_BACKTICKS = re.compile(r"`+")


def _plain(value: object) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def inert_text(value: object) -> str:
    """Data-derived text (labels, names) as inert markdown: no links, images, HTML or tables."""
    return _MARKDOWN_SPECIALS.sub(r"\\\1", _plain(value).replace("\n", " "))


def code_span(value: object) -> str:
    """A code span that backticks in the value cannot close early; pipes escaped for tables."""
    text = _plain(value).replace("\n", " ").replace("|", "\\|")
    longest = max((len(run) for run in _BACKTICKS.findall(text)), default=0)
    fence = "`" * (longest + 1)  # only a run of exactly this length closes the span
    pad = " " if longest else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def table(header: Sequence[str], align: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A GFM table; cells must already be escaped."""
    lines = [
        "| " + " | ".join(header) + " |",
        "| " + " | ".join(align) + " |",
        *("| " + " | ".join(row) + " |" for row in rows),
    ]
    return "\n".join(lines)


def code_block(text: str, language: str = "") -> str:
    """A fenced block that backtick runs in `text` cannot close."""
    longest = max((len(run) for run in _BACKTICKS.findall(text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{language}\n{text.rstrip(chr(10))}\n{fence}"
