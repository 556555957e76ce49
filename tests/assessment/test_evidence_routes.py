"""Evidence over HTTP: content-type sniffing, size limit, stored once by SHA-256, attached to
several controls, listed with its uses, downloaded only as an attachment."""

from __future__ import annotations

import hashlib
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from cyberdelta.assessment.models import Assessment, Evidence, EvidenceUse
from cyberdelta.platform.db.engine import transaction
from cyberdelta.platform.settings import Settings
from cyberdelta.tenancy.models import Organisation, OrganisationKind
from cyberdelta.tenancy.permissions import Role
from tests.accounts_factories import make_organisation
from tests.assessment.test_routes import member
from tests.public_ids import public

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def count(factory: sessionmaker[Session], model: type) -> int:
    with transaction(factory) as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_a_file_is_stored_once_attached_to_several_controls_and_downloaded_as_attachment(
    client: TestClient,
    session_factory: sessionmaker[Session],
    settings: Settings,
    exchange: Organisation,
    assessment: Assessment,
) -> None:
    member(session_factory, exchange, Role.SECURITY_OFFICER, client)
    url = f"/assessment/{public(client, 'assessment', assessment.id)}/evidence"
    for title in ("規程", "規程（再掲）"):
        answer = client.post(
            url,
            data={"title": title, "control_id": "gv-1 cx-1"},
            files={"file": ("policy.pdf", PDF, "application/pdf")},
            follow_redirects=False,
        )
        assert answer.status_code == 303
    digest = hashlib.sha256(PDF).hexdigest()
    assert [p.name for p in (settings.data_dir / "evidence").rglob("*") if p.is_file()] == [digest]
    assert count(session_factory, EvidenceUse) == 4
    listing = client.get(url)
    assert "gv-1" in listing.text and "cx-1" in listing.text and "規程（再掲）" in listing.text
    with transaction(session_factory) as session:
        evidence_id = session.scalars(select(Evidence.id)).first()
    download = client.get(f"/assessment/evidence/{public(client, 'evidence', evidence_id)}/download")
    assert download.status_code == 200 and download.content == PDF
    assert download.headers["content-disposition"].startswith("attachment")
    assert download.headers["x-content-type-options"] == "nosniff"
    assert download.headers["content-type"] == "application/octet-stream"


def test_files_are_judged_by_content_and_size_and_rejected_with_the_field(
    client: TestClient,
    session_factory: sessionmaker[Session],
    settings: Settings,
    exchange: Organisation,
    assessment: Assessment,
    tmp_path: Path,
) -> None:
    member(session_factory, exchange, Role.SECURITY_OFFICER, client)
    url = f"/assessment/{public(client, 'assessment', assessment.id)}/evidence"
    cases = [
        (("report.pdf", b"MZ\x90\x00\x03\x00\x00\x00binary"), "この種類のファイルは受け付けません"),
        (("empty.txt", b""), "ファイルが空です"),
        (("big.txt", b"a" * (settings.max_upload_bytes + 1)), "バイトを超えています"),
    ]
    for upload, reason in cases:
        answer = client.post(url, data={"title": "x"}, files={"file": upload})
        assert answer.status_code == 422 and "ファイル" in answer.text and reason in answer.text
    link = client.post(url, data={"title": "x", "url": "javascript:alert(1)"})
    assert link.status_code == 422 and "リンク" in link.text
    unknown = client.post(url, data={"url": "https://x.example", "control_id": "zz-9"})
    assert unknown.status_code == 422 and "zz-9" in unknown.text
    assert count(session_factory, Evidence) == 0
    assert not (settings.data_dir / "evidence").exists()


def test_evidence_of_another_organisation_is_invisible(
    client: TestClient, session_factory: sessionmaker[Session], exchange: Organisation, assessment: Assessment
) -> None:
    member(session_factory, exchange, Role.SECURITY_OFFICER, client)
    client.post(
        f"/assessment/{public(client, 'assessment', assessment.id)}/evidence",
        data={"title": "wiki", "url": "https://wiki.example.jp/a"},
    )
    with transaction(session_factory) as session:
        evidence_id = session.scalars(select(Evidence.id)).one()
        other = make_organisation(session, OrganisationKind.EXCHANGE)
        session.expunge(other)
    member(session_factory, other, Role.SECURITY_OFFICER, client)
    assert (
        client.get(f"/assessment/evidence/{public(client, 'evidence', evidence_id)}/download").status_code
        == 404
    )
