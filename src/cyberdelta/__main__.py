"""``python -m cyberdelta`` is the ``cyberdelta`` command."""

from cyberdelta.cli import main

main()
