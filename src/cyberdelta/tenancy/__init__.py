"""Tenancy: organisations (tenants), users and their memberships (docs/accounts.md, "Roles and what each
may do")."""
