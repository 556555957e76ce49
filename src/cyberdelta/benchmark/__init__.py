"""Industry benchmarks of submitted self-assessments: peer groups, percentiles, k-anonymity
(docs/benchmark.md, "What is computed")."""
