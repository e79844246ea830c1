"""`python -m irocli`: the same entry point as the `irocli` command."""

from irocli.cli import main

main()
