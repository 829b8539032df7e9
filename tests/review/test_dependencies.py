"""The review's dependencies section: the moved pins, and whether the model stayed the same."""

from __future__ import annotations

from typing import Any

from mlgate.locked_environment import LockedEnvironment
from mlgate.review.dependencies import (
    CHANGED,
    UNCHANGED,
    recorded_model_md5,
    review_dependencies,
)


def record(**packages: str) -> dict[str, Any]:
    return LockedEnvironment("3.11", dict(packages)).to_json_dict()


def lock(model_md5: str) -> str:
    return (
        "schema: '2.0'\nstages:\n  train:\n    cmd: mlgate train\n    outs:\n"
        f"    - path: models/model.skops\n      hash: md5\n      md5: {model_md5}\n"
    )


BASE = record(numpy="2.4.6", pandas="3.0.1")
BUMPED = record(numpy="2.4.7", pandas="3.0.1")


def test_no_section_when_no_runtime_pin_changed() -> None:
    review = review_dependencies(BASE, BASE, lock("aa"), lock("bb"))
    assert review.markdown() == ""
    assert review.to_json_dict() == {}


def test_no_section_when_the_base_has_no_record() -> None:
    assert review_dependencies(None, BUMPED, lock("aa"), lock("aa")).markdown() == ""


def test_a_bump_with_the_same_model_hash_says_byte_identical() -> None:
    review = review_dependencies(BASE, BUMPED, lock("aa11"), lock("aa11"))
    text = review.markdown()
    assert text.startswith("### Dependencies")
    assert "| `numpy` | `2.4.6` | `2.4.7` |" in text
    assert "pandas" not in text
    assert UNCHANGED in text
    assert CHANGED not in text.replace(UNCHANGED, "")
    assert review.to_json_dict() == {
        "dependencies": {
            "changed": [{"name": "numpy", "base": "2.4.6", "pr": "2.4.7"}],
            "model_unchanged": True,
            "model_md5": {"base": "aa11", "pr": "aa11"},
        }
    }


def test_a_bump_that_changes_the_model_points_at_the_metric_deltas() -> None:
    review = review_dependencies(BASE, BUMPED, lock("aa11"), lock("bb22"))
    text = review.markdown()
    assert f"**{CHANGED}**" in text
    assert UNCHANGED not in text
    assert "`aa11` → `bb22`" in text
    assert "metric deltas above" in text
    assert review.to_json_dict()["dependencies"]["model_unchanged"] is False


def test_added_and_removed_packages_show_a_dash_on_the_missing_side() -> None:
    text = review_dependencies(
        BASE, record(numpy="2.4.6", polars="1.0"), lock("a"), lock("a")
    ).markdown()
    assert "| `pandas` | `3.0.1` | `—` |" in text
    assert "| `polars` | `—` | `1.0` |" in text
    assert "2 runtime pins changed" in text


def test_a_missing_model_hash_is_said_not_guessed() -> None:
    text = review_dependencies(BASE, BUMPED, None, lock("aa")).markdown()
    assert "model not compared" in text
    assert "the base" in text
    assert UNCHANGED not in text
    assert f"**{CHANGED}**" not in text


def test_a_version_cannot_inject_markdown() -> None:
    text = review_dependencies(
        BASE, record(numpy="2.4.7`<img src=x>", pandas="3.0.1"), lock("a"), lock("a")
    ).markdown()
    assert "| `` 2.4.7`<img src=x> `` |" in text  # one code span: shown, never rendered


def test_the_model_hash_is_read_from_dvc_lock() -> None:
    assert recorded_model_md5(lock("0123abcd")) == "0123abcd"
    assert recorded_model_md5("stages: {}") is None
    assert recorded_model_md5("stages: [broken") is None
    assert recorded_model_md5(None) is None
