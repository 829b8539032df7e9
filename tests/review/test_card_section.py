"""The review's model-card section: the link, the worst slice of the PR and of the base."""

from __future__ import annotations

from typing import Any

from mlgate.model.slice_report import Slice, SliceReport, worst_slice
from mlgate.review.card_section import card_section, card_url
from tests.support.markdown import table_with


def report(name: str, accuracy: float, rows: int = 30, feature: str = "colour") -> dict[str, Any]:
    items = (
        Slice(
            feature=feature,
            kind="categorical",
            name=name,
            rows=rows,
            labels={},
            ranked=True,
            scores={"accuracy": accuracy},
        ),
        Slice(
            feature=feature,
            kind="categorical",
            name="other",
            rows=50,
            labels={},
            ranked=True,
            scores={"accuracy": 0.99},
        ),
    )
    body = SliceReport(
        metric="accuracy",
        min_rows=10,
        classes=("a", "b"),
        test_rows=80,
        slices=items,
        worst=worst_slice(items, "accuracy"),
    )
    return body.to_json_dict()


def test_section_states_the_worst_slice_of_the_pr_and_of_the_base() -> None:
    text = card_section(report("blue", 0.8), report("red", 0.75), None)
    assert text.startswith("### Model card\n\n")
    assert "`reports/model_card.md` in this branch" in text
    assert (
        "Worst slice by accuracy (slices of 10+ test rows): **colour = red**, 0.7500 on 30 rows; "
        "base: colour = blue, 0.8000 on 30 rows."
    ) in text


def test_section_links_the_card_at_the_reviewed_commit_on_github() -> None:
    env = {"GITHUB_SERVER_URL": "https://github.com", "GITHUB_REPOSITORY": "acme/model"}
    url = card_url("b" * 40, env, dirty=False)
    assert url == f"https://github.com/acme/model/blob/{'b' * 40}/reports/model_card.md"
    assert f"[`reports/model_card.md`]({url})" in card_section(None, report("red", 0.7), url)
    assert card_url("b" * 40, env, dirty=True) is None  # the commit would not hold this card
    assert card_url("b" * 40, {}, dirty=False) is None


def test_section_escapes_slice_names_from_the_data() -> None:
    text = card_section(None, report("[x](https://evil.example)", 0.5, feature="<img>"), None)
    assert "](https://evil.example)" not in text.replace("\\](https://evil.example)", "")
    assert "<img>" not in text
    assert "\\<img\\> = \\[x\\](https://evil.example)" in text
    assert "the base has no slice scores" in text


def test_no_section_without_the_prs_slices() -> None:
    assert card_section(report("red", 0.7), None, None) == ""
    assert card_section(None, {"not": "a slice report"}, None) == ""


def test_section_shows_the_slices_that_moved_most_against_the_base() -> None:
    text = card_section(report("red", 0.9), report("red", 0.6), None)
    assert "#### Slices that moved most" in text
    (moved,) = table_with(text, "rows (base → PR)")
    assert (moved["slice"], moved["base"], moved["PR"], moved["Δ"]) == (
        "`colour` `red`",
        "0.9000",
        "0.6000",
        "🔴 −0.3000",
    )
    assert "Slices that moved most" not in card_section(None, report("red", 0.6), None)
