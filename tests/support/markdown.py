"""Read GFM tables back out of the review, so tests check content rather than snapshots."""

from __future__ import annotations


def _cells(line: str) -> list[str]:
    inner = line.strip().removeprefix("|").removesuffix("|")
    cells, current, escaped = [], "", False
    for char in inner:
        if escaped:
            current += char
            escaped = False
        elif char == "\\":
            escaped = True
            current += char
        elif char == "|":
            cells.append(current.strip())
            current = ""
        else:
            current += char
    cells.append(current.strip())
    return cells


def tables(markdown: str) -> list[list[dict[str, str]]]:
    """Every table, as rows keyed by the header cells; a malformed table fails loudly."""
    lines = markdown.splitlines()
    found = []
    index = 0
    while index < len(lines) - 1:
        line, separator = lines[index], lines[index + 1]
        if line.startswith("|") and set(separator.replace("|", "").split()) <= {
            ":--",
            "--:",
            "---",
        }:
            header = _cells(line)
            assert len(_cells(separator)) == len(header), f"bad separator under {line}"
            rows = []
            index += 2
            while index < len(lines) and lines[index].startswith("|"):
                cells = _cells(lines[index])
                assert len(cells) == len(header), (
                    f"row has {len(cells)} cells, header {len(header)}"
                )
                rows.append(dict(zip(header, cells, strict=True)))
                index += 1
            found.append(rows)
        else:
            index += 1
    return found


def table_with(markdown: str, column: str) -> list[dict[str, str]]:
    """The first table that has `column` in its header."""
    for rows in tables(markdown):
        if rows and column in rows[0]:
            return rows
    raise AssertionError(f"no table with a {column!r} column in:\n{markdown}")


def row(rows: list[dict[str, str]], first: str, value: str) -> dict[str, str]:
    matches = [r for r in rows if r[first] == value]
    assert len(matches) == 1, f"expected one row with {first}={value!r}, got {matches}"
    return matches[0]
