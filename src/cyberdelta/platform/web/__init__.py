"""Web plumbing shared by every capability: dependencies, access policies, templates, middleware."""
