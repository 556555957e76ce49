"""What the audit trail must hold for every route and every ``cyberdelta`` command
(docs/security.md, "V16 Security logging"): each one either writes named entries, or is listed
with the reason it writes none. A new route or command must be added here, or
``test_every_action_audited`` fails.

A route's entry names the scenario of ``test_every_action_audited`` that calls it; every route of a
scenario is called there, with real input, and must write one of the listed actions under its
request id.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Audited:
    scenario: str
    actions: frozenset[str]


def audited(scenario: str, *actions: str) -> Audited:
    return Audited(scenario, frozenset(actions))


# Reasons a route writes nothing.
OWN_READ = "reads the caller's own organisation's data, or public data"
PUBLIC = "public page or document"
CEREMONY = "hands out a one-time passkey challenge; the ceremony's verify step is audited"
TRAIL = "reads the audit trail itself (auditing it would grow the trail without end)"
SHARED_READ = "reads intelligence shared with the caller under TLP; publishing and deleting are audited"
STATUS = "polls the status of work whose start is audited"
AGGREGATE = "shows published aggregate figures only; exports of them are audited"
FORM = "shows a form; what it submits is audited"
ORGANISER_READ = "shows the exercise organiser the scenario library; imports and exports are audited"
NAMED_READ = "shows an engagement to a person named on it; deliverable reads and every change are audited"

ROUTES: dict[tuple[str, str], Audited | str] = {
    ("GET", "/"): PUBLIC,
    ("GET", "/lang/{code}"): PUBLIC,
    ("GET", "/catalogs"): PUBLIC,
    ("GET", "/catalogs/{key}/{version}"): PUBLIC,
    ("GET", "/catalogs/{key}/{version}/controls/{control_id}"): PUBLIC,
    ("GET", "/catalogs/{key}/{version}/search"): PUBLIC,
    ("GET", "/catalogs/{key}/{version}/profile"): PUBLIC,
    ("GET", "/catalogs/{key}/diff/{old}/{new}"): PUBLIC,
    ("GET", "/catalogs/profiles/new"): FORM,
    ("POST", "/catalogs/profiles"): audited("catalog", "catalog.profile_imported"),
    ("GET", "/catalogs/{key}/{version}/mappings/new"): FORM,
    ("POST", "/catalogs/{key}/{version}/mappings"): audited("catalog", "catalog.mapping_imported"),
    ("GET", "/api/v1/catalogs/{key}/versions/{version}/mappings/{mapping_uuid}"): PUBLIC,
    ("GET", "/api/v1/catalogs"): PUBLIC,
    ("GET", "/api/v1/catalogs/{key}/versions/{version}/controls"): PUBLIC,
    ("GET", "/api/v1/catalogs/{key}/versions/{version}/oscal"): PUBLIC,
    ("GET", "/api/v1/catalogs/{key}/versions/{version}/xlsx"): PUBLIC,
    ("GET", "/api/v1/catalogs/{key}/versions/{version}/profile"): PUBLIC,
    ("GET", "/api/v1/health"): PUBLIC,
    # Accounts
    ("GET", "/auth/sign-in"): FORM,
    ("POST", "/auth/sign-in/options"): CEREMONY,
    ("POST", "/auth/sign-in/verify"): audited("accounts", "auth.sign_in", "auth.sign_in_failed"),
    ("GET", "/auth/enrol/{token}"): FORM,
    ("POST", "/auth/enrol/{token}/options"): CEREMONY,
    ("POST", "/auth/enrol/{token}/verify"): audited("accounts", "auth.enrolled"),
    ("POST", "/auth/enrol/{token}/accept"): audited("accounts", "tenancy.invitation_accepted"),
    ("GET", "/auth/step-up"): FORM,
    ("POST", "/auth/step-up/options"): CEREMONY,
    ("POST", "/auth/step-up/verify"): audited("accounts", "auth.step_up"),
    ("POST", "/auth/sign-out"): audited("accounts", "auth.sign_out"),
    ("POST", "/auth/sign-out-everywhere"): audited("accounts", "auth.sign_out_everywhere"),
    ("GET", "/auth/recover"): FORM,
    ("POST", "/auth/recover"): audited("accounts", "auth.recovery_code_used", "auth.sign_in_failed"),
    ("GET", "/account"): OWN_READ,
    ("POST", "/account/organisation"): audited("accounts", "auth.switch_organisation"),
    ("POST", "/account/email-language"): audited("accounts", "auth.email_language_changed"),
    ("POST", "/account/passkeys/options"): CEREMONY,
    ("POST", "/account/passkeys/verify"): audited("accounts", "auth.passkey_added"),
    ("POST", "/account/passkeys/{passkey_id}/rename"): audited("accounts", "auth.passkey_renamed"),
    ("POST", "/account/passkeys/{passkey_id}/revoke"): audited("accounts", "auth.passkey_revoked"),
    ("POST", "/account/recovery-codes"): audited("accounts", "auth.recovery_codes_renewed"),
    ("GET", "/api/v1/me"): OWN_READ,
    ("GET", "/org/tokens"): OWN_READ,
    ("POST", "/org/tokens"): audited("accounts", "auth.token_created"),
    ("POST", "/org/tokens/{token_id}/revoke"): audited("accounts", "auth.token_revoked"),
    ("GET", "/api/v1/tokens"): OWN_READ,
    ("DELETE", "/api/v1/tokens/{token_id}"): audited("accounts", "auth.token_revoked"),
    ("GET", "/org/members"): OWN_READ,
    ("POST", "/org/invitations"): audited("accounts", "tenancy.invitation_created"),
    ("POST", "/org/invitations/{invitation_id}/revoke"): audited("accounts", "tenancy.invitation_revoked"),
    ("POST", "/org/members/{membership_id}/role"): audited("accounts", "tenancy.role_changed"),
    ("POST", "/org/members/{membership_id}/remove"): audited("accounts", "tenancy.member_removed"),
    ("GET", "/admin/organisations"): OWN_READ,
    ("POST", "/admin/organisations"): audited(
        "accounts", "tenancy.organisation_created", "tenancy.invitation_created"
    ),
    ("GET", "/org/audit"): TRAIL,
    ("GET", "/api/v1/audit"): TRAIL,
    # Self-assessment
    ("GET", "/assessment"): OWN_READ,
    ("POST", "/assessment/start"): audited("assessment", "assessment.started"),
    ("GET", "/assessment/profile"): OWN_READ,
    ("POST", "/assessment/profile"): audited("assessment", "assessment.profile_changed"),
    ("GET", "/assessment/{assessment_id}"): OWN_READ,
    ("GET", "/assessment/{assessment_id}/domains/{code}"): OWN_READ,
    ("POST", "/assessment/{assessment_id}/responses/{control_id}"): audited(
        "assessment", "assessment.answer_saved"
    ),
    ("GET", "/assessment/{assessment_id}/evidence"): OWN_READ,
    ("GET", "/assessment/{assessment_id}/controls/{control_id}"): OWN_READ,
    ("POST", "/assessment/{assessment_id}/evidence"): audited("assessment", "assessment.evidence_added"),
    ("POST", "/assessment/{assessment_id}/controls/{control_id}/evidence"): audited(
        "assessment", "assessment.evidence_attached", "assessment.evidence_detached"
    ),
    ("GET", "/assessment/evidence/{evidence_id}/download"): audited(
        "assessment", "assessment.evidence_downloaded"
    ),
    ("GET", "/assessment/{assessment_id}/export.xlsx"): audited("assessment", "assessment.exported"),
    ("POST", "/assessment/{assessment_id}/import"): audited("assessment", "assessment.imported"),
    ("GET", "/assessment/{assessment_id}/oscal/assessment-results.json"): audited(
        "assessment", "assessment.exported"
    ),
    ("GET", "/assessment/{assessment_id}/oscal/poam.json"): audited("assessment", "assessment.exported"),
    ("GET", "/assessment/{assessment_id}/report"): OWN_READ,
    ("POST", "/assessment/{assessment_id}/report/jobs"): audited("assessment", "assessment.report_requested"),
    ("GET", "/assessment/report-jobs/{job_id}"): STATUS,
    ("GET", "/assessment/report-jobs/{job_id}/report.pdf"): audited("assessment", "assessment.exported"),
    ("GET", "/assessment/{assessment_id}/plan"): OWN_READ,
    ("GET", "/assessment/{assessment_id}/csf"): OWN_READ,
    ("POST", "/assessment/{assessment_id}/plan/{item_id}"): audited(
        "assessment", "assessment.plan_item_updated"
    ),
    ("POST", "/assessment/{assessment_id}/transitions/{action}"): audited(
        "assessment", "assessment.request_review", "assessment.back_to_draft"
    ),
    ("POST", "/assessment/{assessment_id}/sign-off"): audited("assessment", "assessment.sign_off"),
    ("POST", "/assessment/{assessment_id}/reopen"): audited("supervision", "assessment.reopen"),
    ("GET", "/cycles"): OWN_READ,
    ("POST", "/cycles/{cycle_id}/start"): audited("supervision", "assessment.started"),
    # Supervision
    ("POST", "/review/assessments/{assessment_id}/{action}"): audited(
        "supervision", "assessment.accept", "assessment.return"
    ),
    ("GET", "/supervision/cycles"): OWN_READ,
    ("POST", "/supervision/cycles"): audited("supervision", "cycle.open"),
    ("GET", "/supervision/cycles/{cycle_id}"): audited("supervision", "cycle.dashboard_read"),
    ("GET", "/supervision/assessments/{assessment_id}"): audited(
        "supervision", "assessment.read_by_supervisor"
    ),
    ("POST", "/supervision/assessments/{assessment_id}/review"): audited(
        "supervision", "assessment.accept", "assessment.return"
    ),
    ("POST", "/supervision/cycles/{cycle_id}/reminders"): audited("supervision", "cycle.reminder_sent"),
    # Benchmarks
    ("GET", "/benchmark"): OWN_READ,
    ("GET", "/benchmark/industry"): AGGREGATE,
    ("GET", "/benchmark/industry/{cycle_id}.csv"): audited("benchmark", "benchmark.industry_exported"),
    ("GET", "/benchmark/industry/{cycle_id}.xlsx"): audited("benchmark", "benchmark.industry_exported"),
    ("GET", "/api/v1/benchmark/position"): OWN_READ,
    ("GET", "/api/v1/benchmark/figures"): audited("benchmark", "benchmark.industry_exported"),
    ("GET", "/benchmark/feedback/{cycle_id}"): OWN_READ,
    ("POST", "/benchmark/feedback/{cycle_id}/runs"): audited("benchmark", "benchmark.feedback_start"),
    ("GET", "/benchmark/feedback/runs/{run_id}"): STATUS,
    ("GET", "/benchmark/feedback/runs/{run_id}/files/{name}"): audited(
        "benchmark", "benchmark.feedback_download"
    ),
    # Intelligence hub
    ("GET", "/taxii2/"): PUBLIC,
    ("GET", "/taxii2/{api_root}/"): PUBLIC,
    ("GET", "/taxii2/{api_root}/status/{status_id}/"): STATUS,
    ("GET", "/taxii2/{api_root}/collections/"): SHARED_READ,
    ("GET", "/taxii2/{api_root}/collections/{collection_id}/"): SHARED_READ,
    ("GET", "/taxii2/{api_root}/collections/{collection_id}/manifest/"): SHARED_READ,
    ("GET", "/taxii2/{api_root}/collections/{collection_id}/objects/"): SHARED_READ,
    ("POST", "/taxii2/{api_root}/collections/{collection_id}/objects/"): audited("intel", "intel.publish"),
    ("GET", "/taxii2/{api_root}/collections/{collection_id}/objects/{object_id}/"): SHARED_READ,
    ("DELETE", "/taxii2/{api_root}/collections/{collection_id}/objects/{object_id}/"): audited(
        "intel", "intel.object_deleted"
    ),
    ("GET", "/taxii2/{api_root}/collections/{collection_id}/objects/{object_id}/versions/"): SHARED_READ,
    ("GET", "/intel"): SHARED_READ,
    ("GET", "/intel/report"): FORM,
    ("POST", "/intel/report"): audited("intel", "intel.publish", "intel.sighting_reported"),
    ("POST", "/api/v1/intel/sightings"): audited("intel", "intel.publish", "intel.sighting_reported"),
    ("GET", "/intel/lesson"): FORM,
    ("POST", "/intel/lesson"): audited("intel", "intel.publish"),
    ("GET", "/intel/import"): FORM,
    ("POST", "/intel/import"): audited("intel", "intel.import"),
    ("GET", "/intel/import/status/{status_id}"): STATUS,
    ("GET", "/intel/collections"): OWN_READ,
    ("POST", "/intel/collections"): audited("intel", "intel.collection_created"),
    ("GET", "/intel/collections/{collection_id}"): OWN_READ,
    ("POST", "/intel/collections/{collection_id}"): audited("intel", "intel.collection_updated"),
    ("POST", "/intel/collections/{collection_id}/delete"): audited("intel", "intel.collection_deleted"),
    ("POST", "/intel/collections/{collection_id}/grants"): audited("intel", "intel.access_granted"),
    ("POST", "/intel/collections/{collection_id}/grants/{organisation_id}/revoke"): audited(
        "intel", "intel.access_revoked"
    ),
    # Screening
    ("GET", "/screening"): OWN_READ,
    ("POST", "/screening"): audited("screening", "screening.check"),
    ("POST", "/api/v1/screening/check"): audited("screening", "screening.check"),
    ("GET", "/api/v1/screening/lists"): OWN_READ,
    ("GET", "/screening/settings"): OWN_READ,
    ("POST", "/screening/settings"): audited("screening", "screening.lists_chosen"),
    ("GET", "/api/v1/screening/settings"): OWN_READ,
    ("PUT", "/api/v1/screening/settings"): audited("screening", "screening.lists_chosen"),
    # Signing guard
    ("GET", "/signing"): OWN_READ,
    ("GET", "/signing/usage"): OWN_READ,
    ("POST", "/signing/checks"): audited("signing", "signing.check"),
    ("POST", "/signing/proposals"): audited("signing", "signing.change_proposed"),
    ("POST", "/signing/proposals/{proposal_id}/approve"): audited("signing", "signing.change_approved"),
    ("POST", "/signing/proposals/{proposal_id}/withdraw"): audited("signing", "signing.change_withdrawn"),
    ("POST", "/signing/proposals/{proposal_id}/reject"): audited("signing", "signing.change_rejected"),
    ("POST", "/api/v1/signing/checks"): audited("signing", "signing.check"),
    ("GET", "/api/v1/signing/checks"): OWN_READ,
    ("GET", "/api/v1/signing/checks/{check_id}"): OWN_READ,
    ("GET", "/api/v1/signing/wallets"): OWN_READ,
    ("GET", "/api/v1/signing/wallets/{wallet_id}"): OWN_READ,
    ("GET", "/api/v1/signing/proposals"): OWN_READ,
    ("GET", "/api/v1/signing/proposals/{proposal_id}"): OWN_READ,
    ("GET", "/exercise/scenarios"): ORGANISER_READ,
    ("POST", "/exercise/scenarios/import"): audited("exercise", "exercise.scenario_imported"),
    ("GET", "/exercise/scenarios/{key}/{version}"): ORGANISER_READ,
    ("GET", "/exercise/scenarios/{key}/{version}/xlsx"): audited("exercise", "exercise.scenario_exported"),
    ("POST", "/signing/checks/{check_id}/report"): audited(
        "signing", "intel.publish", "intel.sighting_reported"
    ),
    ("GET", "/tlpt"): NAMED_READ,
    ("POST", "/tlpt/engagements"): audited("tlpt", "tlpt.engagement_opened"),
    ("GET", "/tlpt/{engagement_id}"): NAMED_READ,
    ("POST", "/tlpt/{engagement_id}/members"): audited("tlpt", "tlpt.member_named"),
    ("POST", "/tlpt/{engagement_id}/providers"): audited("tlpt", "tlpt.provider_selected"),
    ("POST", "/tlpt/{engagement_id}/scope"): audited("tlpt", "tlpt.scope_set"),
    ("POST", "/tlpt/{engagement_id}/phases/complete"): audited("tlpt", "tlpt.phase_completed"),
    ("POST", "/tlpt/{engagement_id}/phases/deadline"): audited("tlpt", "tlpt.deadline_planned"),
    ("POST", "/tlpt/{engagement_id}/deliverables"): audited("tlpt", "tlpt.deliverable_uploaded"),
    ("POST", "/tlpt/{engagement_id}/findings"): audited("tlpt", "tlpt.finding_recorded"),
    ("POST", "/tlpt/{engagement_id}/attestation"): audited("tlpt", "tlpt.attestation_signed"),
    ("GET", "/tlpt/{engagement_id}/deliverables/{deliverable_id}"): audited("tlpt", "tlpt.deliverable_read"),
    ("GET", "/tlpt/{engagement_id}/deadlines.ics"): NAMED_READ,
}

# Every command, with the entries it writes or why it writes none.
COMMANDS: dict[str, frozenset[str] | str] = {
    "serve": "runs the web app (its requests are audited)",
    "worker": "runs the jobs (each job audits its own work)",
    # The seeding (organisations, members, past cycles, invitations of --sign-in-links) writes no
    # entries; the current cycle's workflow steps and the hub's publications are made through the
    # services as the demo members, so they are audited as theirs (tests/home/test_demo.py).
    "demo": "loads demonstration data (seeding unaudited; demo members' workflow steps audited as theirs)",
    "db upgrade": "migrates the schema",
    "admin create": frozenset({"tenancy.invitation_created"}),
    "org create": frozenset({"tenancy.organisation_created", "tenancy.invitation_created"}),
    "org list": "lists organisations (operator's console)",
    "member add": frozenset({"tenancy.invitation_created"}),
    "audit verify": "reads the trail",
    "audit export": "reads the trail",
    "audit checkpoint": "signs the trail's head; the checkpoint is its own record",
    "audit keygen": "writes a key file; touches no database",
    "token create": frozenset({"auth.token_created"}),
    "catalog list": "reads public catalogs",
    "catalog import": frozenset({"catalog.imported"}),
    "catalog import-profile": frozenset({"catalog.profile_imported"}),
    "catalog import-mapping": frozenset({"catalog.mapping_imported"}),
    "catalog export-mapping": "writes a public catalog mapping to a file",
    "catalog export": "writes a public catalog to a file",
    "catalog diff": "compares public catalogs",
    "assessment report": frozenset({"assessment.exported"}),
    "cycle remind": frozenset({"cycle.reminder_sent"}),
    "benchmark recompute": frozenset({"benchmark.published", "benchmark.publication_refused"}),
    "benchmark publish": frozenset({"benchmark.published", "benchmark.publication_refused"}),
    "benchmark audit": "runs the reconstruction audit over what is published, and changes nothing",
    "benchmark feedback": frozenset({"benchmark.feedback_exported"}),
    "intel collection-create": frozenset({"intel.collection_created"}),
    "intel collections": "lists collections",
    "intel grant": frozenset({"intel.access_granted"}),
    "intel import": frozenset({"intel.publish"}),
    "screen import": frozenset({"screening.list_imported"}),
    "screen check": frozenset({"screening.check"}),
    "screen batch": frozenset({"screening.batch"}),
    "screen lists": "lists the imported list versions (public lists)",
    "sign-check safe": "checks a transaction offline on the signing machine, with no database",
    "sign-check psbt": "checks a transaction offline on the signing machine, with no database",
    "exercise scenario import": frozenset({"exercise.scenario_imported"}),
    "exercise scenario export": frozenset({"exercise.scenario_exported"}),
    "exercise scenario list": "lists the scenario library at the operator's console",
    "tlpt rules": "prints a framework's timeline rules, with no database",
}
