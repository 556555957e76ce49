"""The supervisor's side of a cycle (issue #6): schedule, participants, collection dashboard, reviews."""
