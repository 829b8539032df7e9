"""The only parser of params.yaml: frozen pydantic models that forbid unknown keys.

Every stage receives these models, never raw YAML, so a typo fails once, at the edge, with the
key named. One module per section; callers import from here.
"""

from mlgate.config.bootstrap_params import BootstrapConfig
from mlgate.config.card_params import (
    MAX_BINS,
    MIN_BINS,
    CardConfig,
    NonEmptyText,
    NumericBins,
    SliceSettings,
)
from mlgate.config.data_params import DataConfig, Label, ValidationSettings
from mlgate.config.drift_params import DriftConfig, DriftSampling
from mlgate.config.gate_params import (
    GatesConfig,
    ReviewConfig,
    SliceRegressionGate,
    Tolerance,
    WorstSliceGate,
)
from mlgate.config.loading import (
    Params,
    load_params,
    parse_bootstrap,
    parse_gates,
    parse_params,
)
from mlgate.config.model_params import ModelConfig, PreprocessingConfig
from mlgate.config.serving_cost_params import ServingCostConfig
from mlgate.config.serving_params import BatchingConfig, PredictionLogConfig, ServingConfig
from mlgate.config.strict_model import FiniteFloat, StrictModel
from mlgate.config.sweep_params import MAX_SWEEP_EXPERIMENTS, SweepConfig

__all__ = [
    "MAX_BINS",
    "MAX_SWEEP_EXPERIMENTS",
    "MIN_BINS",
    "BatchingConfig",
    "BootstrapConfig",
    "CardConfig",
    "DataConfig",
    "DriftConfig",
    "DriftSampling",
    "FiniteFloat",
    "GatesConfig",
    "Label",
    "ModelConfig",
    "NonEmptyText",
    "NumericBins",
    "Params",
    "PredictionLogConfig",
    "PreprocessingConfig",
    "ReviewConfig",
    "ServingConfig",
    "ServingCostConfig",
    "SliceRegressionGate",
    "SliceSettings",
    "StrictModel",
    "SweepConfig",
    "Tolerance",
    "ValidationSettings",
    "WorstSliceGate",
    "load_params",
    "parse_bootstrap",
    "parse_gates",
    "parse_params",
]
