"""The platform layer below every capability: settings, i18n, database, web plumbing, jobs, reports."""
