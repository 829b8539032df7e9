"""The `gates:` and `review:` sections: tolerances, limits and modes, named when wrong."""

import pytest

from mlgate.config import parse_params
from mlgate.errors import ConfigError
from tests.support.datasets import BASE_PARAMS


def test_gates_accept_absolute_and_percentage_tolerances() -> None:
    params = parse_params(
        {**BASE_PARAMS, "gates": {"max_regression": {"accuracy": 0.02, "roc_auc": "1.5%"}}}
    )
    tolerances = params.gates.max_regression
    assert (tolerances["accuracy"].amount, tolerances["accuracy"].relative) == (0.02, False)
    assert tolerances["roc_auc"].relative
    assert tolerances["roc_auc"].allowed(0.9) == pytest.approx(0.0135)


@pytest.mark.parametrize(
    ("gates", "message"),
    [
        ({"thresholds": {"aucc": 0.9}}, r"gates\.thresholds\.aucc: Input should be 'accuracy'"),
        (
            {"thresholds": {"accuracy": "high"}},
            r"gates\.thresholds\.accuracy: Input should be a valid number",
        ),
        (
            {"max_regression": {"f1": "two"}},
            r"gates\.max_regression\.f1: expected a number like 0\.01 or a percentage like '1%'",
        ),
        (
            {"max_regression": {"f1": -0.1}},
            r"gates\.max_regression\.f1\.amount: Input should be greater than or equal to 0",
        ),
        (
            {"baseline_margin": {"accuracy": -1}},
            r"gates\.baseline_margin\.accuracy\.amount: Input should be greater than or equal to 0",
        ),
        ({"minimum": {"accuracy": 0.9}}, r"gates\.minimum: unknown key"),
        ([0.9], r"gates: Input should be a valid dictionary"),
    ],
)
def test_malformed_gates_name_the_key(gates: object, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_params({**BASE_PARAMS, "gates": gates})


def test_review_plots_must_be_a_known_mode() -> None:
    with pytest.raises(
        ConfigError, match=r"review\.plots: Input should be 'images', 'mermaid' or 'artifact'"
    ):
        parse_params({**BASE_PARAMS, "review": {"plots": "svg"}})


@pytest.mark.parametrize(
    ("gate", "message"),
    [
        ({"metric": "accuracy"}, r"gates\.worst_slice: set `min`, the limit the worst slice's"),
        ({"metric": "log_loss", "min": 0.2}, r"log_loss is better lower: set `max`, not `min`"),
        ({"metric": "f1", "max": 0.9}, r"f1 is better higher: set `min`, not `max`"),
        ({"metric": "auc", "min": 0.9}, r"gates\.worst_slice\.metric: Input should be"),
        ({"min": 0.9, "floor": 1}, r"gates\.worst_slice\.floor: unknown key"),
        ({"min": "high"}, r"gates\.worst_slice\.min: Input should be a valid number"),
    ],
)
def test_malformed_worst_slice_gate_names_the_key(gate: object, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_params({**BASE_PARAMS, "gates": {"worst_slice": gate}})


def test_worst_slice_gate_limit_follows_the_metrics_direction() -> None:
    gates = parse_params({**BASE_PARAMS, "gates": {"worst_slice": {"min": 0.8}}}).gates
    assert gates.worst_slice is not None
    assert (gates.worst_slice.metric, gates.worst_slice.limit) == ("accuracy", 0.8)
    ceiling = parse_params(
        {**BASE_PARAMS, "gates": {"worst_slice": {"metric": "log_loss", "max": 0.4}}}
    ).gates.worst_slice
    assert ceiling is not None
    assert ceiling.limit == 0.4


@pytest.mark.parametrize(
    ("metric", "limit", "wrong"),
    [("rmse", "max", "min"), ("mae", "max", "min"), ("mape", "max", "min"), ("r2", "min", "max")],
)
def test_worst_slice_gate_on_a_regression_score_takes_the_limit_of_its_direction(
    metric: str, limit: str, wrong: str
) -> None:
    gate = parse_params(
        {**BASE_PARAMS, "gates": {"worst_slice": {"metric": metric, limit: 0.5}}}
    ).gates.worst_slice
    assert gate is not None
    assert gate.limit == 0.5
    with pytest.raises(ConfigError, match=rf"gates\.worst_slice: .*set `{limit}`, not `{wrong}`"):
        parse_params({**BASE_PARAMS, "gates": {"worst_slice": {"metric": metric, wrong: 0.5}}})


def test_slice_regression_gate_is_off_by_default_and_takes_its_defaults() -> None:
    assert parse_params(BASE_PARAMS).gates.slice_regression is None
    gate = parse_params({**BASE_PARAMS, "gates": {"slice_regression": {}}}).gates.slice_regression
    assert gate is not None
    assert (gate.metric, gate.tolerance.amount, gate.tolerance.relative, gate.min_rows) == (
        "auto",
        0.1,
        False,
        20,
    )
    relative = parse_params(
        {
            **BASE_PARAMS,
            "gates": {"slice_regression": {"metric": "rmse", "tolerance": "10%", "min_rows": 5}},
        }
    ).gates.slice_regression
    assert relative is not None
    assert (relative.metric, relative.tolerance.allowed(30.0), relative.min_rows) == (
        "rmse",
        pytest.approx(3.0),
        5,
    )


@pytest.mark.parametrize(
    ("gate", "message"),
    [
        ({"metric": "auc"}, r"gates\.slice_regression\.metric: Input should be"),
        (
            {"tolerance": "a lot"},
            r"gates\.slice_regression\.tolerance: expected a number like 0\.01 or a percentage",
        ),
        ({"min_rows": 0}, r"gates\.slice_regression\.min_rows: Input should be greater than"),
        ({"rows": 20}, r"gates\.slice_regression\.rows: unknown key"),
    ],
)
def test_malformed_slice_regression_gate_names_the_key(gate: object, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_params({**BASE_PARAMS, "gates": {"slice_regression": gate}})
