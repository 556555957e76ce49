"""Authentication and authorisation: passkeys, sessions, step-up, API tokens, the permission table."""
