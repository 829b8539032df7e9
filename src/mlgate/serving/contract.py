"""The request contract of the served model, derived from the schema that validated training data.

A request is a list of records (JSON objects). Every problem is reported with the record's
index and the field's name, so a client can fix it without reading our code.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, Literal

from mlgate.data.feature_schema import FeatureSchema

if TYPE_CHECKING:
    import pandas as pd

MAX_PROBLEMS_LISTED = 5
MAX_NAMES_LISTED = 10
# A name a client sent (an unknown key) is echoed at most this long: an error is no amplifier.
MAX_NAME_SHOWN = 64
DEFAULT_MAX_BODY_BYTES = 2 * 1024 * 1024  # serving.max_body_bytes (see mlgate.config)
DEFAULT_MAX_STRING_CHARS = 256  # serving.max_string_chars
# A number this many training ranges beyond the training data is refused: the model cannot use
# it, and such a value would overflow the float32 a tree ensemble scores in, failing the batch
# it was merged into.
RANGE_MARGIN = 1000.0


class RequestError(ValueError):
    """A request that breaks the contract; its message names the record and the field."""


@dataclass(frozen=True)
class RequestContract:
    """What a served record must look like."""

    schema: FeatureSchema
    # Categories seen in training, per categorical feature (empty: any category is accepted).
    categories: Mapping[str, frozenset[str]] = field(default_factory=dict)
    # Features that had missing values in training; only these may be null in a request.
    nullable: frozenset[str] = frozenset()
    unknown_category: Literal["error", "ignore"] = "error"
    max_records: int = 1000
    # Training (min, max) per numeric feature; values far beyond it are refused.
    ranges: Mapping[str, tuple[float, float]] = field(default_factory=dict)
    # The largest request body (413 beyond) and the longest string value of any field.
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    max_string_chars: int = DEFAULT_MAX_STRING_CHARS

    def accepted_range(self, name: str) -> tuple[float, float] | None:
        seen = self.ranges.get(name)
        if seen is None:
            return None
        low, high = seen
        margin = RANGE_MARGIN * max(high - low, abs(high), abs(low), 1.0)
        return low - margin, high + margin

    @cached_property
    def is_clean(self) -> Callable[[object], bool]:
        """A quick test that a record has no problem at all (`record_problems` would find none);
        False means "look closer", not "refused", so only the few doubtful records pay for the
        full check and its messages."""
        features = frozenset(self.schema.features)
        numbers = []
        for name in self.schema.numeric:
            low, high = self.accepted_range(name) or (-sys.float_info.max, sys.float_info.max)
            numbers.append((name, low, high, name in self.nullable))
        known = {} if self.unknown_category == "ignore" else self.categories
        texts = [
            (name, known.get(name) or frozenset(), name in self.nullable)
            for name in self.schema.categorical
        ]
        longest = self.max_string_chars

        def is_clean(record: object) -> bool:
            if type(record) is not dict or len(record) != len(features):
                return False
            for name, low, high, nullable in numbers:
                value = record.get(name, record)  # a missing key: the record itself, not a number
                if value is None:
                    if not nullable:
                        return False
                elif type(value) not in (float, int) or not low <= value <= high:  # NaN: False
                    return False
            for name, categories, nullable in texts:
                value = record.get(name, record)
                if value is None:
                    if nullable:
                        continue
                    return False
                if type(value) is not str or len(value) > longest:
                    return False
                if categories and value not in categories:  # none known: any is accepted
                    return False
            return True

        return is_clean

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "schema": self.schema.model_dump(mode="json"),
            "categories": {name: sorted(values) for name, values in self.categories.items()},
            "nullable": sorted(self.nullable),
            "unknown_category": self.unknown_category,
            "max_records": self.max_records,
            "ranges": {name: list(bounds) for name, bounds in self.ranges.items()},
            "max_body_bytes": self.max_body_bytes,
            "max_string_chars": self.max_string_chars,
        }

    @classmethod
    def from_json_dict(cls, body: Mapping[str, Any]) -> RequestContract:
        return cls(
            schema=FeatureSchema.model_validate(body["schema"]),
            categories={name: frozenset(values) for name, values in body["categories"].items()},
            nullable=frozenset(body["nullable"]),
            unknown_category=body["unknown_category"],
            max_records=int(body["max_records"]),
            ranges={
                name: (float(low), float(high))
                for name, (low, high) in body.get("ranges", {}).items()
            },
            # Models packaged before these limits existed get the defaults.
            max_body_bytes=int(body.get("max_body_bytes", DEFAULT_MAX_BODY_BYTES)),
            max_string_chars=int(body.get("max_string_chars", DEFAULT_MAX_STRING_CHARS)),
        )


def _null_problem(name: str, nullable: bool) -> str | None:
    return None if nullable else f"{name!r} may not be null (no missing values in training)"


def _number_problem(name: str, value: object, contract: RequestContract) -> str | None:
    nullable = name in contract.nullable
    if value is None:
        return _null_problem(name, nullable)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return f"{name!r} must be a number, got {type(value).__name__} {_show(value)}"
    try:
        as_float = float(value)
    except OverflowError:
        return f"{name!r} is too large to be a number the model can use"
    if not math.isfinite(as_float):
        return f"{name!r} must be a finite number, got {value}"
    accepted = contract.accepted_range(name)
    if accepted is not None and not accepted[0] <= as_float <= accepted[1]:
        low, high = contract.ranges[name]
        return f"{name!r} = {as_float:g} is far outside the training range [{low:g}, {high:g}]"
    return None


def _category_problem(name: str, value: object, contract: RequestContract) -> str | None:
    if value is None:
        return _null_problem(name, name in contract.nullable)
    if not isinstance(value, str | int | bool):  # bool: a true/false column, read as text
        return f"{name!r} must be a string category, got {type(value).__name__} {_show(value)}"
    known = contract.categories.get(name)
    if contract.unknown_category == "error" and known and str(value) not in known:
        listed = ", ".join(sorted(known)[:10])
        return f"{name!r}: unknown category {_show(value)} (known: {listed})"
    return None


def _show(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def show_name(name: object) -> str:
    """A key a client sent, quoted, cut to MAX_NAME_SHOWN characters and marked '…' if cut."""
    text = str(name)
    return repr(text if len(text) <= MAX_NAME_SHOWN else text[:MAX_NAME_SHOWN] + "…")


def _long_string_problem(name: str, value: object, contract: RequestContract) -> str | None:
    if isinstance(value, str) and len(value) > contract.max_string_chars:
        return (
            f"{name!r} is a string of {len(value)} characters; at most "
            f"{contract.max_string_chars} (serving.max_string_chars)"
        )
    return None


def record_problems(record: object, contract: RequestContract) -> list[str]:
    """Every way one record breaks the contract (empty when it is fine)."""
    if not isinstance(record, Mapping):
        return [f"must be a JSON object of feature values, got {type(record).__name__}"]
    schema = contract.schema
    problems = [f"missing field {name!r}" for name in schema.features if name not in record]
    extra = sorted(str(name) for name in record if name not in schema.features)
    if extra:
        listed = ", ".join(map(show_name, extra[:MAX_NAMES_LISTED]))
        more = f" and {len(extra) - MAX_NAMES_LISTED} more" if len(extra) > MAX_NAMES_LISTED else ""
        problems.append(f"unknown field(s) {listed}{more}")
    for name in schema.numeric:
        if name in record:
            problem = _long_string_problem(name, record[name], contract) or _number_problem(
                name, record[name], contract
            )
            if problem:
                problems.append(problem)
    for name in schema.categorical:
        if name in record:
            problem = _long_string_problem(name, record[name], contract) or _category_problem(
                name, record[name], contract
            )
            if problem:
                problems.append(problem)
    return problems


def check_records(records: object, contract: RequestContract) -> Sequence[Mapping[str, Any]]:
    """The records, if they all keep the contract; otherwise a RequestError listing problems."""
    if not isinstance(records, list):
        raise RequestError(f"'records' must be a list of objects, got {type(records).__name__}")
    if not records:
        raise RequestError("'records' is empty: send at least one record")
    if len(records) > contract.max_records:
        raise RequestError(
            f"'records' has {len(records)} records; at most {contract.max_records} per request"
        )
    is_clean = contract.is_clean
    problems = [
        f"records[{index}]: {problem}"
        for index, record in enumerate(records)
        if not is_clean(record)
        for problem in record_problems(record, contract)
    ]
    if problems:
        shown = "; ".join(problems[:MAX_PROBLEMS_LISTED])
        more = len(problems) - MAX_PROBLEMS_LISTED
        raise RequestError(shown + (f"; and {more} more" if more > 0 else ""))
    return records


def records_to_frame(records: Sequence[Mapping[str, Any]], schema: FeatureSchema) -> pd.DataFrame:
    """Checked records as the model's input frame, with the dtypes training used: the frame
    `conform_frame` makes of them, in one construction (not one assignment per column), numbers
    straight into float arrays (a checked number is an int, a float or None)."""
    import numpy as np
    import pandas as pd

    from mlgate.data.conform import conform_frame

    columns: dict[str, Any] = {
        name: np.array([record[name] for record in records], dtype=float) for name in schema.numeric
    }
    if schema.categorical:
        text_only = schema.model_copy(update={"numeric": ()})
        texts = pd.DataFrame.from_records(list(records), columns=list(schema.categorical))
        conformed = conform_frame(texts, text_only, with_target=False)
        columns |= {name: conformed[name] for name in schema.categorical}
    return pd.DataFrame({name: columns[name] for name in schema.features})
