"""Tenancy: organisations (tenants), users and their memberships (DESIGN §1, §4)."""
