"""A throwaway git + DVC project for the serving-cost review, without a pipeline run: what `dvc
repro` would leave (params.yaml, the validation report, the test split, and a model recorded by
md5 in a committed dvc.lock and placed in the DVC cache), committed once for the base and once
for the PR. The models are small forests fitted in-process and saved with the project's saver."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.support.shell import git, sh

REPOSITORY = Path(__file__).resolve().parents[2]
MODEL = "models/model.skops"
FEATURES = ("a", "b", "c", "d")


@dataclass(frozen=True)
class CostProject:
    """The project's folder and its two commits (the base also as branch `base`)."""

    root: Path
    base_sha: str
    head_sha: str


def _params(trees: int) -> dict[str, Any]:
    """The repository's params.yaml with a forest of `trees` trees (its cost grows with them in
    proportion) and a serving-cost timing kept small."""
    import yaml

    params: dict[str, Any] = yaml.safe_load((REPOSITORY / "params.yaml").read_text())
    model = params["model"]
    model["estimator"] = "sklearn.ensemble.RandomForestClassifier"
    model["params"] = dict(
        n_estimators=trees, max_depth=6, min_samples_leaf=2, random_state=42, n_jobs=1
    )
    model["fit_jobs"] = 1
    params.pop("sweep")  # its grid varies the boosting params the forest has not
    params["review"]["serving_cost"].update(rounds=5, single_calls=3, batch_rows=500)
    return params


def _frame(rows: int = 80) -> Any:
    """Four numeric features and a binary target that depends on two of them."""
    import numpy as np
    import pandas as pd

    generator = np.random.default_rng(0)
    values = generator.normal(size=(rows, len(FEATURES)))
    frame = pd.DataFrame(values, columns=list(FEATURES))
    frame["target"] = (values[:, 0] + values[:, 1] > 0).astype("int64")
    return frame


def _schema() -> Any:
    from mlgate.data.feature_schema import FeatureSchema

    return FeatureSchema(
        target="target", task="classification", labels=(0, 1), numeric=FEATURES, categorical=()
    )


def model_bytes(trees: int) -> bytes:
    """A forest of `trees` trees fitted on the synthetic data, in the saver's canonical bytes."""
    from mlgate.config import Params
    from mlgate.model.fitting import train_model
    from mlgate.model.persist import dump_model

    config = Params.model_validate(_params(trees))
    return dump_model(train_model(_frame(), _schema(), config.model))


def _commit_model(root: Path, trees: int, body: bytes, message: str) -> str:
    """params.yaml for `trees`, the model in the workspace and the DVC cache, and a dvc.lock
    recording its md5, committed. Returns the commit."""
    import yaml

    from mlgate.vcs.dvc import open_repo

    (root / "params.yaml").write_text(yaml.safe_dump(_params(trees), sort_keys=False))
    md5 = hashlib.md5(body).hexdigest()
    (root / MODEL).write_bytes(body)
    out = {"path": MODEL, "hash": "md5", "md5": md5, "size": len(body)}
    lock = {"schema": "2.0", "stages": {"train": {"cmd": "mlgate train", "outs": [out]}}}
    (root / "dvc.lock").write_text(yaml.safe_dump(lock))
    cache = Path(open_repo(root).cache.local.oid_to_path(md5))
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.write_bytes(body)
    git(root, "add", "params.yaml", "dvc.lock")
    git(root, "commit", "-q", "--allow-empty", "-m", message)
    return git(root, "rev-parse", "HEAD")


def cost_project(root: Path, *, base_trees: int, head_trees: int) -> CostProject:
    """The base commit with a forest of `base_trees`, then the PR's with `head_trees` (the same
    count gives the same bytes: the saver is canonical), checked out at the PR."""
    from dvc.repo import Repo

    from mlgate.data.schema import ValidationReport

    root.mkdir(parents=True, exist_ok=True)
    git(root, "init", "-q")
    Repo.init(root)  # in-process: `dvc init` would spend a second importing DVC again
    (root / ".gitignore").write_text("/models/\n/data/\n/reports/\n")
    for folder in ("models", "data/processed", "reports"):
        (root / folder).mkdir(parents=True, exist_ok=True)
    frame = _frame()
    frame.to_parquet(root / "data" / "processed" / "test.parquet", index=False)
    report = ValidationReport(
        valid=True, rows=len(frame), columns=frame.shape[1], schema_=_schema()
    )
    (root / "reports" / "data_validation.json").write_text(json.dumps(report.to_json_dict()))
    git(root, "add", "-A")
    git(root, "commit", "-qm", "init")
    base = _commit_model(root, base_trees, model_bytes(base_trees), "base")
    git(root, "branch", "base", base)
    head = _commit_model(root, head_trees, model_bytes(head_trees), "pr")
    return CostProject(root, base, head)


def push_to_folder_remote(project: CostProject, remote: Path) -> None:
    """Make `remote` the project's default DVC remote, holding everything in its cache now (what
    `dvc push` leaves in a local remote: the cache's files/md5/… layout)."""
    import shutil

    from mlgate.vcs.dvc import open_repo

    cache = Path(open_repo(project.root).cache.local.path)  # …/.dvc/cache/files/md5
    shutil.copytree(cache, remote / "files" / "md5", dirs_exist_ok=True)
    use_folder_remote(project, remote)


def use_folder_remote(project: CostProject, remote: Path) -> None:
    """Make the folder `remote` the project's default DVC remote (local config, not committed)."""
    sh(project.root, "dvc", "remote", "add", "--local", "-f", "-d", "here", str(remote))
