"""Experiment sweeps: each combination of params.yaml's `sweep:` grid is one DVC experiment.

Thin over DVC: `dvc exp run --queue -S …` queues, `dvc exp run --run-all --jobs N` runs the queue
(each experiment in a temporary copy of the repository, sharing the cache and the run-cache, so a
stage DVC has already run with the same inputs is restored instead of re-run), `dvc exp show
--json` reads the results and `dvc exp branch` turns the best one into a branch. mlgate plans and
checks the grid, ranks by the configured score in its better direction, and reports failures.

`plan` (grid → experiments), `results` (`dvc exp show` → results), `ranking` (best first, the
outcome), `run` (one sweep, start to end, its programs run through mlgate.vcs), `render` (table,
JSON, notes) and `command` (`mlgate sweep`'s options → exit status).
"""

from mlgate.errors import MlgateError


class SweepError(MlgateError):
    """The sweep cannot start or finish: a tool is missing, the queue is busy, a branch exists."""
