"""`python -m voltgate` runs the `voltgate` command."""

from voltgate.cli import main

main()
