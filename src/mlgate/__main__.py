"""`python -m mlgate` runs the CLI."""

from mlgate.cli import main

main()
