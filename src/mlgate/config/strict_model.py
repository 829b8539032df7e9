"""The base every params.yaml section shares: frozen, and unknown keys refused, so a typo fails."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field


class StrictModel(BaseModel):
    """Frozen, unknown keys refused: a params.yaml typo fails at the edge, with its key named."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=False)


FiniteFloat = Annotated[float, Field(allow_inf_nan=False)]
