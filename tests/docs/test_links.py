"""The docs hold together: every relative link and #anchor resolves, and the README stays short."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
CHECKED = sorted(
    [
        REPO_ROOT / "README.md",
        REPO_ROOT / "DEVELOPERS.md",
        REPO_ROOT / "SECURITY.md",
        *(REPO_ROOT / "docs").glob("*.md"),
    ]
)
README_MAX_LINES = 250

FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1")
LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*<?([^)\s>]*)>?(?:\s+\"[^\"]*\")?\s*\)")
HEADING = re.compile(r"^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$")


def prose_lines(text: str) -> list[str]:
    """The lines outside fenced code blocks, with code spans removed: links there are not links."""
    lines, fence = [], ""
    for line in text.splitlines():
        match = FENCE.match(line)
        if match and (not fence or match.group(1).startswith(fence)):
            fence = "" if fence else match.group(1)[0] * 3
            continue
        if not fence:
            lines.append(CODE_SPAN.sub("", line))
    return lines


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped except - and _, space → -."""
    text = re.sub(r"<[^>]+>", "", heading).replace("`", "").lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    """Every heading anchor of a markdown file, with GitHub's -1, -2 suffixes for repeats."""
    found: set[str] = set()
    seen: dict[str, int] = {}
    text = path.read_text(encoding="utf-8")
    lines, fence = [], ""
    for line in text.splitlines():  # headings: outside fences, code spans kept (they count)
        match = FENCE.match(line)
        if match and (not fence or match.group(1).startswith(fence)):
            fence = "" if fence else match.group(1)[0] * 3
            continue
        if not fence:
            lines.append(line)
    for line in lines:
        heading = HEADING.match(line)
        if heading:
            base = slug(heading.group(2))
            count = seen.get(base, 0)
            seen[base] = count + 1
            found.add(base if count == 0 else f"{base}-{count}")
    return found


def links(path: Path) -> list[str]:
    return [
        target
        for line in prose_lines(path.read_text(encoding="utf-8"))
        for target in LINK.findall(line)
    ]


def broken_links(path: Path, root: Path = REPO_ROOT) -> list[str]:
    """The relative links of one markdown file whose file or #anchor does not exist."""
    problems = []
    for target in links(path):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.IGNORECASE) or target.startswith("//"):
            continue  # https:, mailto: …: not checked offline
        file_part, _, anchor = target.partition("#")
        linked = (path.parent / file_part).resolve() if file_part else path
        if not linked.exists():
            problems.append(f"{target}: no such file {linked.relative_to(root)}")
        elif anchor and linked.suffix == ".md" and anchor not in anchors(linked):
            problems.append(f"{target}: no heading #{anchor} in {linked.relative_to(root)}")
    return problems


@pytest.mark.parametrize("path", CHECKED, ids=lambda p: str(p.relative_to(REPO_ROOT)))
def test_every_relative_link_and_anchor_resolves(path: Path) -> None:
    assert broken_links(path) == []


def test_the_docs_index_and_the_readme_link_every_docs_page() -> None:
    pages = {p.name for p in (REPO_ROOT / "docs").glob("*.md")} - {"README.md"}
    for index in (REPO_ROOT / "README.md", REPO_ROOT / "docs" / "README.md"):
        linked = {Path(t.partition("#")[0]).name for t in links(index)}
        assert pages <= linked, (index.name, sorted(pages - linked))


def test_the_link_checker_reports_a_missing_file_and_a_missing_anchor(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "# Title: the `first` one\n\n## Twice\n\n## Twice\n\n"
        "[ok](#title-the-first-one) [ok](#twice-1) [ok](https://example.org/x#y)\n"
        "`[not a link](nowhere.md)`\n\n```\n[not a link](nowhere.md)\n```\n"
        "[bad anchor](#nope) [bad file](missing.md)\n",
        encoding="utf-8",
    )
    assert broken_links(page, root=tmp_path) == [
        "#nope: no heading #nope in page.md",
        "missing.md: no such file missing.md",
    ]


@pytest.mark.parametrize(
    ("heading", "anchor"),
    [
        ("Speed and scale (`make bench`)", "speed-and-scale-make-bench"),
        (
            "CI/CD: the workflows, and how they are tested",
            "cicd-the-workflows-and-how-they-are-tested",
        ),
        (
            "The feedback loop: `.github/workflows/monitor.yml`",
            "the-feedback-loop-githubworkflowsmonitoryml",
        ),
        ("Promotion: main → staging → production", "promotion-main--staging--production"),
        ("snake_case and ünïcode", "snake_case-and-ünïcode"),
    ],
)
def test_slug_follows_githubs_rule(heading: str, anchor: str) -> None:
    assert slug(heading) == anchor


def test_readme_is_short() -> None:
    count = len((REPO_ROOT / "README.md").read_text(encoding="utf-8").splitlines())
    assert count <= README_MAX_LINES, f"README.md has {count} lines (at most {README_MAX_LINES})"


def test_quick_start_begins_with_make_run_then_make_test() -> None:
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Quick start\n", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```\w*\n(.*?)```", section, re.DOTALL)
    assert block, "no code block in the README's Quick start"
    commands = [
        line.split("#", 1)[0].strip()
        for line in block.group(1).splitlines()
        if line.split("#", 1)[0].strip()
    ]
    assert commands[:2] == ["make run", "make test"]


def test_readme_lists_every_make_target_that_has_help() -> None:
    """The README's target table matches `make help`: every target with a `## ` comment."""
    makefile = (REPO_ROOT / "Makefile").read_text(encoding="utf-8")
    documented = set(re.findall(r"^([a-z-]+):.*## ", makefile, re.MULTILINE))
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Make targets\n", 1)[1].split("\n## ", 1)[0]
    first_cells = [row.split("|")[1] for row in section.splitlines() if row.startswith("| `make")]
    listed = {name for cell in first_cells for name in re.findall(r"`make ([a-z-]+)", cell)}
    assert documented - listed == set(), "make targets missing from the README's table"
    assert listed - documented == set(), "README lists make targets the Makefile lacks"
