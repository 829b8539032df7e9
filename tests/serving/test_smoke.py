"""`mlgate smoke`'s comparison of served answers with the pipeline's model, without a server."""

from __future__ import annotations

from mlgate.serving.smoke import disagreements


def test_labels_must_match_exactly() -> None:
    assert disagreements([0, 1, "high"], [0, 1, "high"]) == 0
    assert disagreements([0, 1, "high"], [1, 1, "low"]) == 2


def test_a_served_number_agrees_within_its_6_digit_rounding() -> None:
    expected = [12.3456789012, 0.0000004, 1e6 + 0.3333333]
    served = [round(value, 6) for value in expected]
    assert disagreements(served, expected) == 0
    assert disagreements([12.34568], [12.3456789012]) == 1


def test_a_missing_or_extra_answer_is_a_disagreement() -> None:
    assert disagreements([1.5], [1.5, 2.5]) == 1
    assert disagreements([1, 2, 3], [1, 2]) == 1
