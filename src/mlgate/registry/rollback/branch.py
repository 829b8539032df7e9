"""The rollback branch: one commit on the stage branch, written with git's plumbing.

A temporary index and `commit-tree`, so neither the workspace nor the current branch is touched.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from mlgate.registry import RegistryError
from mlgate.registry.rollback.plan import RollbackPlan
from mlgate.registry.rollback.text import rollback_body, rollback_title
from mlgate.vcs import gh, git

NEW_FILE_MODE = "100644"


def create_branch(root: Path, plan: RollbackPlan) -> str:
    """The rollback branch's commit; preparing the same rollback again finds the branch it made."""
    ref = f"refs/heads/{plan.branch}"
    tree = _rollback_tree(root, plan)
    existing = git.commit_of(root, ref)
    if existing:
        same = (
            git.text(root, "rev-parse", f"{existing}^{{tree}}") == tree
            and git.text(root, "rev-parse", f"{existing}^") == plan.base_commit
        )
        if same:
            return existing
        raise RegistryError(
            f"branch {plan.branch} exists and holds something else; delete it "
            f"(git branch -D {plan.branch}) to prepare the rollback again"
        )
    name, email = git.identity(root)
    people = {
        "GIT_AUTHOR_NAME": name,
        "GIT_AUTHOR_EMAIL": email,
        "GIT_COMMITTER_NAME": name,
        "GIT_COMMITTER_EMAIL": email,
    }
    message = f"{rollback_title(plan)}\n\n{rollback_body(plan)}"
    commit = git.text(root, "commit-tree", tree, "-p", plan.base_commit, "-m", message, env=people)
    git.text(root, "update-ref", ref, commit, "")
    return commit


def _rollback_tree(root: Path, plan: RollbackPlan) -> str:
    """The stage branch's tree with the plan's files written (objects only, no refs)."""
    with tempfile.TemporaryDirectory() as folder:
        index = {"GIT_INDEX_FILE": os.path.join(folder, "index")}
        git.text(root, "read-tree", plan.base_commit, env=index)
        for path, data in plan.files.items():
            if data is None:
                git.text(root, "update-index", "--force-remove", "--", path, env=index)
                continue
            blob = git.text(root, "hash-object", "-w", "--stdin", input=data)
            mode = _mode(root, plan.base_commit, path)
            git.text(
                root, "update-index", "--add", "--cacheinfo", f"{mode},{blob},{path}", env=index
            )
        return git.text(root, "write-tree", env=index)


def _mode(root: Path, commit: str, path: str) -> str:
    """The file's mode at `commit` (an executable stays executable), else a plain file's."""
    listing = git.text(root, "ls-tree", commit, "--", path).split()
    return listing[0] if listing else NEW_FILE_MODE


def open_pull_request(root: Path, plan: RollbackPlan, remote: str) -> tuple[str, bool]:
    """Push the branch and open its PR into the stage branch (an open one is reused)."""
    git.push_branch(root, remote, plan.branch)
    return gh.open_pull_request(
        root, plan.stage, plan.branch, rollback_title(plan), rollback_body(plan)
    )
