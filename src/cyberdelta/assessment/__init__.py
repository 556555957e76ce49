"""自助 self-assessment (CSSA): answers, scoring, gaps, improvement plan, workflow, exports (DESIGN §4–5)."""
