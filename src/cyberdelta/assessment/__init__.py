"""自助 self-assessment (CSSA): answers, scoring, gaps, improvement plan, workflow, exports
(docs/assessment.md, "Scoring")."""
