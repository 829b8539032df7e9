"""A throwaway git repository shaped like the project: dvc.yaml, .gto, params.yaml, dvc.lock and
metrics, with hashes edited the way `dvc repro` would change them (no pipeline runs)."""

from __future__ import annotations

import copy
import hashlib
import json
import subprocess
import time
from pathlib import Path
from typing import Any

import yaml

from tests.support.paths import REPO_ROOT

MODEL = "models/model.skops"
TRAIN_SPLIT = "data/processed/train.parquet"
TRAIN_CODE = "src/mlgate/model/fitting.py"
EVALUATE_CODE = "src/mlgate/model/evaluation.py"


def next_second() -> None:
    """Wait for the clock's next second: GTO orders tags by their (whole-second) time."""
    now = int(time.time())
    while int(time.time()) == now:
        time.sleep(0.05)


class Project:
    """The repository and the pipeline state its next commit will hold."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.lock: dict[str, Any] = yaml.safe_load((REPO_ROOT / "dvc.lock").read_text())
        self.params = (REPO_ROOT / "params.yaml").read_text()
        self.metrics: dict[str, Any] = {
            "model": {"accuracy": 0.95, "f1": 0.96, "roc_auc": 0.99, "log_loss": 0.12},
            "baseline": {"accuracy": 0.63, "f1": 0.77, "roc_auc": 0.5, "log_loss": 0.66},
        }
        self.roc = {"roc": [{"fpr": 0.0, "tpr": 0.0}, {"fpr": 1.0, "tpr": 1.0}]}
        self._counter = 0

    @classmethod
    def create(cls, root: Path) -> Project:
        root.mkdir(parents=True, exist_ok=True)
        project = cls(root)
        project.git("init", "-q", "-b", "main")
        project.git("config", "user.name", "mlgate tests")
        project.git("config", "user.email", "tests@mlgate.invalid")
        for name in ("dvc.yaml", ".gto"):
            (root / name).write_text((REPO_ROOT / name).read_text())
        project.commit("First model")
        return project

    def git(self, *args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=self.root, check=True, capture_output=True, text=True
        ).stdout.strip()

    def sha(self, ref: str = "HEAD") -> str:
        return self.git("rev-parse", ref)

    def tags(self) -> list[str]:
        return self.git("tag", "--list").split()

    def commit(self, message: str) -> str:
        lock = yaml.safe_dump(self.lock, sort_keys=False, default_flow_style=False)
        (self.root / "dvc.lock").write_text(lock)
        (self.root / "params.yaml").write_text(self.params)
        reports = self.root / "reports" / "plots"
        reports.mkdir(parents=True, exist_ok=True)
        (self.root / "reports" / "metrics.json").write_text(json.dumps(self.metrics, indent=2))
        (reports / "roc.json").write_text(json.dumps(self.roc))
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", message)
        return self.sha()

    def _new_hash(self) -> str:
        self._counter += 1
        return hashlib.md5(f"{self.root}-{self._counter}".encode()).hexdigest()

    def set_hash(self, path: str, md5: str) -> None:
        """`path` now has hash `md5` wherever dvc.lock names it (as an output and as an input)."""
        for entry in self.lock["stages"].values():
            for item in (*entry.get("deps", []), *entry.get("outs", [])):
                if item["path"] == path:
                    item["md5"] = md5

    @property
    def model(self) -> str:
        outs = self.lock["stages"]["train"]["outs"]
        return str(next(out["md5"] for out in outs if out["path"] == MODEL))

    def retrain(self, accuracy: float | None = None) -> str:
        """A new model (and metrics); returns its hash."""
        md5 = self._new_hash()
        self.set_hash(MODEL, md5)
        self.metrics["model"]["accuracy"] = accuracy or round(0.9 + self._counter / 1000, 4)
        self.roc["roc"][0]["tpr"] = self._counter / 100
        return md5

    def set_max_iter(self, rounds: int) -> None:
        """Edit model.params.max_iter in params.yaml and in every stage's recorded params."""
        recorded = self.lock["stages"]["train"]["params"]["params.yaml"]["model.params"]
        self.params = self.params.replace(
            f"max_iter: {recorded['max_iter']}", f"max_iter: {rounds}", 1
        )
        for stage in self.lock["stages"].values():
            readings = stage.get("params", {}).get("params.yaml", {})
            if "model.params" in readings:  # train, and the card stage that reports them
                readings["model.params"]["max_iter"] = rounds
        self.retrain()

    def change_data(self) -> None:
        self.set_hash(TRAIN_SPLIT, self._new_hash())
        self.retrain()

    def change_code(self, path: str = TRAIN_CODE) -> None:
        self.set_hash(path, self._new_hash())
        if path == TRAIN_CODE:
            self.retrain()

    def merge(self, source: str, into: str) -> str:
        """A promotion: `source` merged into `into` with a merge commit (created if missing)."""
        branches = self.git("branch", "--list", into)
        if not branches:
            self.git("branch", into, source)
            return self.sha(into)
        here = self.git("rev-parse", "--abbrev-ref", "HEAD")
        self.git("checkout", "-q", into)
        self.git("merge", "-q", "--no-ff", "-m", f"Promote {source} → {into}", source)
        self.git("checkout", "-q", here)
        return self.sha(into)

    def copy_state(self) -> Project:
        """A copy of the pipeline state (to build on another branch)."""
        other = copy.copy(self)
        other.lock = copy.deepcopy(self.lock)
        other.metrics = copy.deepcopy(self.metrics)
        return other
