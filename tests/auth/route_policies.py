"""The expected policy of every route: a new route must be added here, or the matrix test fails.

Values: a :class:`Permission` of the table, ``"public"``, ``"signed_in"`` (any signed-in user) or
``"authenticated"`` (a signed-in user or an API token).
"""

from __future__ import annotations

from cyberdelta.auth.permissions import Permission

P = Permission

EXPECTED: dict[tuple[str, str], Permission | str] = {
    ("GET", "/"): "public",
    ("GET", "/lang/{code}"): "public",
    ("GET", "/catalogs"): "public",
    ("GET", "/catalogs/{key}/{version}"): "public",
    ("GET", "/catalogs/{key}/{version}/controls/{control_id}"): "public",
    ("GET", "/catalogs/{key}/{version}/search"): "public",
    ("GET", "/catalogs/{key}/diff/{old}/{new}"): "public",
    ("GET", "/api/v1/catalogs"): "public",
    ("GET", "/api/v1/catalogs/{key}/versions/{version}/controls"): "public",
    ("GET", "/api/v1/catalogs/{key}/versions/{version}/oscal"): "public",
    ("GET", "/api/v1/catalogs/{key}/versions/{version}/xlsx"): "public",
    ("GET", "/auth/sign-in"): "public",
    ("POST", "/auth/sign-in/options"): "public",
    ("POST", "/auth/sign-in/verify"): "public",
    ("GET", "/auth/enrol/{token}"): "public",
    ("POST", "/auth/enrol/{token}/options"): "public",
    ("POST", "/auth/enrol/{token}/verify"): "public",
    ("POST", "/auth/enrol/{token}/accept"): "signed_in",
    ("GET", "/auth/step-up"): "signed_in",
    ("POST", "/auth/step-up/options"): "signed_in",
    ("POST", "/auth/step-up/verify"): "signed_in",
    ("POST", "/auth/sign-out"): "signed_in",
    ("POST", "/auth/sign-out-everywhere"): "signed_in",
    ("GET", "/auth/recover"): "public",
    ("POST", "/auth/recover"): "public",
    ("GET", "/account"): "signed_in",
    ("POST", "/account/organisation"): "signed_in",
    ("POST", "/account/passkeys/options"): "signed_in",
    ("POST", "/account/passkeys/verify"): "signed_in",
    ("POST", "/account/passkeys/{passkey_id}/rename"): "signed_in",
    ("POST", "/account/passkeys/{passkey_id}/revoke"): "signed_in",
    ("POST", "/account/recovery-codes"): "signed_in",
    ("GET", "/api/v1/me"): "authenticated",
    ("GET", "/org/tokens"): P.TOKENS_MANAGE,
    ("POST", "/org/tokens"): P.TOKENS_MANAGE,
    ("POST", "/org/tokens/{token_id}/revoke"): P.TOKENS_MANAGE,
    ("GET", "/api/v1/tokens"): P.TOKENS_MANAGE,
    ("DELETE", "/api/v1/tokens/{token_id}"): P.TOKENS_MANAGE,
    ("GET", "/org/members"): P.MEMBERS_MANAGE,
    ("POST", "/org/invitations"): P.MEMBERS_MANAGE,
    ("POST", "/org/invitations/{invitation_id}/revoke"): P.MEMBERS_MANAGE,
    ("POST", "/org/members/{membership_id}/role"): P.MEMBERS_MANAGE,
    ("POST", "/org/members/{membership_id}/remove"): P.MEMBERS_MANAGE,
    ("GET", "/admin/organisations"): P.ORGANISATIONS_MANAGE,
    ("POST", "/admin/organisations"): P.ORGANISATIONS_MANAGE,
    ("GET", "/org/audit"): P.AUDIT_READ,
    ("GET", "/api/v1/audit"): P.AUDIT_READ,
    ("GET", "/api/v1/health"): "public",
    # Intelligence hub (issue #7). TAXII is open to anonymous clients for public collections;
    # intel:read / intel:write are checked per collection and TLP per object (docs/intel.md).
    ("GET", "/taxii2/"): "public",
    ("GET", "/taxii2/{api_root}/"): "public",
    ("GET", "/taxii2/{api_root}/status/{status_id}/"): "public",
    ("GET", "/taxii2/{api_root}/collections/"): "public",
    ("GET", "/taxii2/{api_root}/collections/{collection_id}/"): "public",
    ("GET", "/taxii2/{api_root}/collections/{collection_id}/manifest/"): "public",
    ("GET", "/taxii2/{api_root}/collections/{collection_id}/objects/"): "public",
    ("POST", "/taxii2/{api_root}/collections/{collection_id}/objects/"): "public",
    ("GET", "/taxii2/{api_root}/collections/{collection_id}/objects/{object_id}/"): "public",
    ("DELETE", "/taxii2/{api_root}/collections/{collection_id}/objects/{object_id}/"): "public",
    ("GET", "/taxii2/{api_root}/collections/{collection_id}/objects/{object_id}/versions/"): "public",
    ("GET", "/intel"): P.INTEL_READ,
    ("GET", "/intel/report"): P.INTEL_WRITE,
    ("POST", "/intel/report"): P.INTEL_WRITE,
    ("GET", "/intel/lesson"): P.INTEL_WRITE,
    ("POST", "/intel/lesson"): P.INTEL_WRITE,
}
