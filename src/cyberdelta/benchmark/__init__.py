"""Industry benchmarks of submitted self-assessments: peer groups, percentiles, k-anonymity (DESIGN §6)."""
