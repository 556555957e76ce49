"""The supervisor's side of a cycle (docs/benchmark.md): schedule, participants, collection dashboard,
reviews."""
