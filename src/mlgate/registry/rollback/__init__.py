"""Rolling a stage back is a pull request: a branch off the stage branch that restores a version.

What is restored, from the commit the version's tag points at: the dvc.lock entries of the
model's stage and of every stage that reads the model (train, evaluate, drift), the params those
entries record (only those: gates, serving and the rest stay the stage branch's), and the
committed outputs of those stages (metrics, plots). The model file itself is not in git: DVC
fetches it by the restored hash. Everything else must be as the version had it, or the restored
entries would be stale; the plan refuses then, naming what changed.

Layers: `restorable` decides from two dvc.lock files (pure), `plan` reads them from git and GTO,
`text` words the pull request (pure), `branch` writes the commit with git's plumbing and opens it.
"""
