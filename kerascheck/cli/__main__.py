"""``python -m kerascheck.cli``: the same command line as the ``kerascheck`` script."""

from . import main

main(prog_name="kerascheck")
