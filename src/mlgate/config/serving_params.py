"""The `serving:` section: how the served model treats requests and which ones it logs."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from mlgate.config.strict_model import StrictModel

# serving.batching's defaults, chosen by benchmarks/serving.py (docs/serving.md#speed).
BATCH_SIZE_DEFAULT = 512
BATCH_LATENCY_DEFAULT_MS = 1000


class PredictionLogConfig(StrictModel):
    """The sample of served predictions kept for monitoring."""

    dir: str | None = Field(
        default="logs/predictions",
        description="folder for JSONL logs (MLGATE_PREDICTION_LOG_DIR overrides; null disables)",
    )
    sample_rate: float = Field(
        default=0.01,
        ge=0.0,
        le=1.0,
        description="share of served records logged (MLGATE_PREDICTION_LOG_SAMPLE_RATE overrides)",
    )
    max_file_bytes: int = Field(
        default=64 * 1024 * 1024,
        ge=64 * 1024,
        le=1024**3,
        description="a log file ends before it would pass this size",
    )
    max_files: int = Field(
        default=8,
        ge=1,
        le=10_000,
        description="log files kept in the folder (the oldest are deleted beyond)",
    )
    fields: Literal["all", "none"] | tuple[str, ...] = Field(
        default="all", description="the inputs logged: all, none, or a list of feature names"
    )
    hash_fields: tuple[str, ...] = Field(
        default=(), description="logged features written as a keyed hash, never in clear"
    )

    @model_validator(mode="after")
    def _hashed_fields_are_logged(self) -> PredictionLogConfig:
        if self.hash_fields and self.fields == "none":
            raise ValueError("hash_fields: nothing is logged with `fields: none`; leave it empty")
        if isinstance(self.fields, tuple):
            unlogged = [name for name in self.hash_fields if name not in self.fields]
            if unlogged:
                raise ValueError(f"hash_fields: {unlogged} are not among `fields`; add them there")
        return self


class BatchingConfig(StrictModel):
    """BentoML's adaptive batching of /predict and /predict_proba: concurrent requests' records
    are merged into one model call of at most `max_batch_size` records."""

    max_batch_size: int = Field(
        default=BATCH_SIZE_DEFAULT,
        ge=2,  # BentoML's floor
        le=100_000,
        description="most records in one merged model call (a bigger request is split)",
    )
    max_latency_ms: int = Field(
        default=BATCH_LATENCY_DEFAULT_MS,
        ge=10,
        le=60_000,
        description="a request expected to wait longer than this in the queue is refused (503)",
    )


class ServingConfig(StrictModel):
    """How the served model treats requests."""

    unknown_category: Literal["error", "ignore"] = Field(
        default="error", description="a category unseen in training: 400, or let the model cope"
    )
    max_records: int = Field(default=1000, ge=1, le=100_000)
    # 2 MiB: max_records (1000) records of up to 2 KiB of JSON each; a record of the example
    # data (30 numbers) is ~0.8 KB, so a full batch is ~0.8 MB. Larger bodies are a 413.
    max_body_bytes: int = Field(
        default=2 * 1024 * 1024,
        ge=1024,
        le=256 * 1024 * 1024,
        description="largest request body in bytes (413 beyond, refused before it is parsed)",
    )
    max_string_chars: int = Field(
        default=256, ge=1, le=1_000_000, description="longest string value of a record field"
    )
    prediction_log: PredictionLogConfig = PredictionLogConfig()
    batching: BatchingConfig = BatchingConfig()
