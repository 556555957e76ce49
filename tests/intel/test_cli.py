"""``cyberdelta intel`` commands run as real processes against the test database."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from cyberdelta.intel import service
from cyberdelta.intel.models import IntelCollection, IntelCollectionAccess, IntelObject
from cyberdelta.platform.audit.models import AuditEntry
from cyberdelta.platform.db.engine import transaction
from cyberdelta.platform.settings import Settings
from cyberdelta.tenancy.models import OrganisationKind
from tests.accounts_factories import make_organisation
from tests.intel.attack_factories import attack_bundle_20, misp_event
from tests.intel.stix_factories import make_hub
from tests.test_cli import run_cli


def test_create_list_and_import(
    settings: Settings, session_factory: sessionmaker[Session], tmp_path: Path
) -> None:
    with transaction(session_factory) as session:
        make_organisation(session, OrganisationKind.EXCHANGE, slug="exchange-a")
    created = run_cli(
        settings, "intel", "collection-create", "Crypto feed", "--alias", "crypto", "--default-tlp", "green",
        "--title-ja", "暗号資産フィード",
    )  # fmt: skip
    assert created.returncode == 0, created.stderr
    with session_factory() as session:
        [entry] = session.scalars(select(AuditEntry)).all()
        assert entry.action == "intel.collection_created" and entry.details["default_tlp"] == "green"
    listed = run_cli(settings, "intel", "collections")
    assert "crypto" in listed.stdout and "green" in listed.stdout and "Crypto feed" in listed.stdout
    assert "暗号資産フィード" in run_cli(settings, "intel", "collections", lang="ja").stdout
    event = tmp_path / "event.json"
    event.write_text(json.dumps(misp_event()))
    imported = run_cli(
        settings, "intel", "import", str(event), "--collection", "crypto", "--organisation", "exchange-a"
    )
    assert imported.returncode == 0, imported.stderr
    assert "5 objects: 5 new, 0 already present, 0 refused." in imported.stdout


def test_grant_closes_a_collection_to_all_but_the_named_organisation(
    settings: Settings, session_factory: sessionmaker[Session]
) -> None:
    with transaction(session_factory) as session:
        make_organisation(session, OrganisationKind.ISAC, slug="crypto-isac")
        collection = service.create_collection(session, title="ISAC only", alias="isac-only")
    granted = run_cli(settings, "intel", "grant", "isac-only", "crypto-isac", "--write", "--no-members")
    assert granted.returncode == 0, granted.stderr
    with session_factory() as session:
        found = session.get(IntelCollection, collection.id)
        assert found is not None and not found.members_read and not found.members_write
        [access] = session.scalars(select(IntelCollectionAccess)).all()
        assert (access.can_read, access.can_write) == (True, True)
    unknown = run_cli(settings, "intel", "grant", "isac-only", "nobody")
    assert unknown.returncode == 1 and "organisation:" in unknown.stderr
    with session_factory() as session:
        actions = [
            entry.action for entry in session.scalars(select(AuditEntry).order_by(AuditEntry.sequence))
        ]
    assert actions == ["intel.access_granted"]


def test_a_later_grant_leaves_member_access_as_it_was_unless_told(
    settings: Settings, session_factory: sessionmaker[Session]
) -> None:
    with transaction(session_factory) as session:
        make_organisation(session, OrganisationKind.EXCHANGE, slug="exchange-a")
        make_organisation(session, OrganisationKind.EXCHANGE, slug="exchange-b")
        collection = service.create_collection(session, title="Closed", alias="closed")
        collection.members_read = collection.members_write = False
    for slug in ("exchange-a", "exchange-b"):
        granted = run_cli(settings, "intel", "grant", "closed", slug)
        assert granted.returncode == 0, granted.stderr
    with session_factory() as session:
        found = session.get(IntelCollection, collection.id)
        assert found is not None and not found.members_read and not found.members_write
    reopened = run_cli(settings, "intel", "grant", "closed", "exchange-a", "--members")
    assert reopened.returncode == 0, reopened.stderr
    with session_factory() as session:
        found = session.get(IntelCollection, collection.id)
        assert found is not None and found.members_read and found.members_write


def test_user_errors_are_messages_not_tracebacks(settings: Settings, tmp_path: Path) -> None:
    bad_tlp = run_cli(settings, "intel", "collection-create", "x", "--default-tlp", "purple")
    assert bad_tlp.returncode == 1
    assert "default-tlp" in bad_tlp.stderr and "Traceback" not in bad_tlp.stderr
    junk = tmp_path / "junk.json"
    junk.write_text("[1, 2]")
    refused = run_cli(
        settings, "intel", "import", str(junk), "--collection", "c", "--organisation", "o", lang="ja"
    )
    assert refused.returncode == 1
    assert "file:" in refused.stderr and "Traceback" not in refused.stderr


def test_a_reimport_says_what_was_new_already_present_and_refused(
    settings: Settings, session_factory: sessionmaker[Session], tmp_path: Path
) -> None:
    make_hub(session_factory)
    event = tmp_path / "event.json"
    event.write_text(json.dumps(misp_event()))
    arguments = ("intel", "import", str(event), "--collection", "crypto", "--organisation", "exchange-a")
    first = run_cli(settings, *arguments)
    assert first.returncode == 0, first.stderr
    assert "5 objects: 5 new, 0 already present, 0 refused." in first.stdout
    # The attribute that is no indicator is named with its place and the reason.
    assert "Event.Attribute[3] (comment not an indicator): to_ids: not marked for detection" in first.stderr
    again = run_cli(settings, *arguments)
    assert again.returncode == 0, again.stderr
    assert "5 objects: 0 new, 5 already present, 0 refused." in again.stdout
    japanese = run_cli(settings, *arguments, lang="ja")
    assert "新規 0 件、登録済み 5 件、拒否 0 件" in japanese.stdout


def test_a_stix20_attack_file_is_converted_and_stored(
    settings: Settings, session_factory: sessionmaker[Session], tmp_path: Path
) -> None:
    make_hub(session_factory)
    bundle = tmp_path / "enterprise-attack.json"
    bundle.write_text(json.dumps(attack_bundle_20()))
    imported = run_cli(
        settings, "intel", "import", str(bundle), "--collection", "crypto", "--organisation", "crypto-isac"
    )
    assert imported.returncode == 0, imported.stderr
    assert "STIX 2.0 file: 7 objects converted to STIX 2.1 with stix2-elevator 4.1.7." in imported.stdout
    assert "7 objects: 7 new, 0 already present, 0 refused." in imported.stdout
    with session_factory() as session:
        stored = session.scalars(select(IntelObject.spec_version)).all()
    assert sorted(stored) == ["2.1"] * 7


def test_an_import_that_stores_nothing_exits_non_zero(
    settings: Settings, session_factory: sessionmaker[Session], tmp_path: Path
) -> None:
    make_hub(session_factory)
    broken = [{**item, "spec_version": "2.0"} for item in attack_bundle_20()["objects"]]
    bundle = tmp_path / "broken.json"
    bundle.write_text(
        json.dumps(
            {"type": "bundle", "id": "bundle--" + "1" * 8 + "-1111-4111-8111-" + "1" * 12, "objects": broken}
        )
    )
    imported = run_cli(
        settings, "intel", "import", str(bundle), "--collection", "crypto", "--organisation", "crypto-isac"
    )
    assert imported.returncode == 1
    assert "7 objects: 0 new, 0 already present, 7 refused." in imported.stdout
    assert "Nothing was stored: every object was refused." in imported.stderr
    empty = tmp_path / "empty.json"
    empty.write_text('{"type": "bundle", "objects": []}')
    nothing = run_cli(
        settings, "intel", "import", str(empty), "--collection", "crypto", "--organisation", "crypto-isac"
    )
    assert nothing.returncode == 1 and "empty.json contains no STIX objects" in nothing.stderr
