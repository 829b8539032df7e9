"""The DVC stages, one module each: `run(config, progress)` reads the stage's inputs, calls the
pure domain functions and writes the stage's outputs. Each module is one of its stage's `deps` in
dvc.yaml, with everything it imports, so editing it re-runs exactly that stage and those after.
"""
