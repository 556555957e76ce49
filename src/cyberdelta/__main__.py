"""``python -m cyberdelta`` is the ``cyberdelta`` command."""

from cyberdelta.launcher import main

main()
