"""The permission table: which role may do what (docs/accounts.md, "Roles and what each may do", least
privilege).

This is the only place that says what a role may do. Routes name the permission they need
(:func:`cyberdelta.platform.web.access.require`); the role × route test reads this table.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from types import MappingProxyType

from cyberdelta.tenancy.models import OrganisationKind


class Role(enum.StrEnum):
    """A member's role in one organisation (docs/accounts.md, "Roles and what each may do")."""

    ORG_ADMIN = "org_admin"
    SECURITY_OFFICER = "security_officer"
    CONTRIBUTOR = "contributor"
    EXECUTIVE_APPROVER = "executive_approver"
    VIEWER = "viewer"
    ANALYST = "analyst"
    INSPECTOR = "inspector"
    PLATFORM_ADMIN = "platform_admin"
    # A named tester of a TLPT provider (docs/tlpt.md): what they see is decided per engagement by
    # name, so the role itself grants nothing.
    TESTER = "tester"


class Permission(enum.StrEnum):
    """Something a route lets its caller do."""

    INTEL_READ = "intel:read"
    INTEL_WRITE = "intel:write"
    INTEL_ADMIN = "intel:admin"
    CATALOG_MANAGE = "catalog:manage"
    AUDIT_READ = "audit:read"
    AUDIT_READ_ALL = "audit:read_all"
    MEMBERS_MANAGE = "members:manage"
    TOKENS_MANAGE = "tokens:manage"
    ORGANISATIONS_MANAGE = "organisations:manage"
    ASSESSMENT_READ = "assessment:read"
    ASSESSMENT_WRITE = "assessment:write"
    ASSESSMENT_SIGN_OFF = "assessment:sign_off"
    ASSESSMENT_REVIEW = "assessment:review"
    BENCHMARK_READ = "benchmark:read"
    # The industry view and exports (docs/benchmark.md), not for exchanges.
    BENCHMARK_INDUSTRY = "benchmark:industry"
    DATA_EXPORT = "data:export"
    # Screening addresses against the sanctions lists (docs/screening.md).
    SCREENING_CHECK = "screening:check"
    # Choosing which list sources apply to the organisation's screening (docs/screening.md).
    SCREENING_MANAGE = "screening:manage"
    # The signing guard in the platform (docs/signing.md, "In the platform"): checking transactions
    # against the firm's wallets, and proposing or approving changes to those wallets and policies.
    SIGNING_CHECK = "signing:check"
    SIGNING_MANAGE = "signing:manage"
    # Organising industry exercises (docs/exercise.md): the scenario library, for the supervisor's
    # inspectors and the SRO's (and ISAC's) analysts, never for exchanges (blind injects).
    EXERCISE_ORGANISE = "exercise:organise"
    # Opening threat-led penetration tests (docs/tlpt.md): the authority's test managers. Everything
    # inside an engagement is decided by being named on it, not by a role.
    TLPT_MANAGE = "tlpt:manage"


P = Permission
_EXCHANGE_BASE = frozenset({P.INTEL_READ, P.ASSESSMENT_READ})

ROLE_PERMISSIONS: Mapping[Role, frozenset[Permission]] = MappingProxyType(
    {
        Role.ORG_ADMIN: _EXCHANGE_BASE
        | {
            P.INTEL_WRITE,
            P.MEMBERS_MANAGE,
            P.TOKENS_MANAGE,
            P.AUDIT_READ,
            P.DATA_EXPORT,
            P.SCREENING_CHECK,
            P.SCREENING_MANAGE,
            P.SIGNING_CHECK,
            P.SIGNING_MANAGE,
        },
        Role.SECURITY_OFFICER: _EXCHANGE_BASE
        | {
            P.INTEL_WRITE,
            P.ASSESSMENT_WRITE,
            P.BENCHMARK_READ,
            P.DATA_EXPORT,
            P.SCREENING_CHECK,
            P.SCREENING_MANAGE,
            P.SIGNING_CHECK,
            P.SIGNING_MANAGE,
        },
        Role.CONTRIBUTOR: _EXCHANGE_BASE | {P.ASSESSMENT_WRITE, P.SCREENING_CHECK, P.SIGNING_CHECK},
        Role.EXECUTIVE_APPROVER: _EXCHANGE_BASE | {P.ASSESSMENT_SIGN_OFF, P.BENCHMARK_READ},
        Role.VIEWER: _EXCHANGE_BASE,
        Role.ANALYST: frozenset(
            {
                P.INTEL_READ,
                P.INTEL_WRITE,
                P.INTEL_ADMIN,
                P.BENCHMARK_READ,
                P.BENCHMARK_INDUSTRY,
                P.SCREENING_CHECK,
                P.EXERCISE_ORGANISE,
            }
        ),
        Role.INSPECTOR: frozenset(
            {
                P.INTEL_READ,
                P.ASSESSMENT_REVIEW,
                P.BENCHMARK_READ,
                P.BENCHMARK_INDUSTRY,
                P.EXERCISE_ORGANISE,
                P.TLPT_MANAGE,
            }
        ),
        # The operator manages tenants and catalogs but sees no assessment content (docs/accounts.md,
        # "Roles and what each may do").
        Role.PLATFORM_ADMIN: frozenset(
            {
                P.INTEL_ADMIN,
                P.CATALOG_MANAGE,
                P.AUDIT_READ,
                P.AUDIT_READ_ALL,
                P.MEMBERS_MANAGE,
                P.TOKENS_MANAGE,
                P.ORGANISATIONS_MANAGE,
            }
        ),
        Role.TESTER: frozenset(),
    }
)

ROLES_BY_KIND: Mapping[OrganisationKind, frozenset[Role]] = MappingProxyType(
    {
        OrganisationKind.EXCHANGE: frozenset(
            {Role.ORG_ADMIN, Role.SECURITY_OFFICER, Role.CONTRIBUTOR, Role.EXECUTIVE_APPROVER, Role.VIEWER}
        ),
        OrganisationKind.SRO: frozenset({Role.ORG_ADMIN, Role.ANALYST}),
        OrganisationKind.ISAC: frozenset({Role.ORG_ADMIN, Role.ANALYST}),
        OrganisationKind.SUPERVISOR: frozenset({Role.ORG_ADMIN, Role.INSPECTOR}),
        OrganisationKind.OPERATOR: frozenset({Role.PLATFORM_ADMIN}),
        OrganisationKind.TLPT_PROVIDER: frozenset({Role.ORG_ADMIN, Role.TESTER}),
    }
)

# Actions that commit the organisation need a passkey assertion within the step-up window.
STEP_UP_PERMISSIONS: frozenset[Permission] = frozenset(
    {
        P.ASSESSMENT_SIGN_OFF,
        P.ASSESSMENT_REVIEW,
        P.DATA_EXPORT,
        P.MEMBERS_MANAGE,
        P.TOKENS_MANAGE,
        P.SIGNING_MANAGE,
    }
)


def permissions_for(role: Role | None) -> frozenset[Permission]:
    return ROLE_PERMISSIONS.get(role, frozenset()) if role is not None else frozenset()


def role_allowed(kind: str, role: Role) -> bool:
    try:
        return role in ROLES_BY_KIND[OrganisationKind(kind)]
    except ValueError:
        return False


def parse_role(value: str) -> Role | None:
    try:
        return Role(value)
    except ValueError:
        return None


def parse_permission(value: str) -> Permission | None:
    try:
        return Permission(value)
    except ValueError:
        return None
