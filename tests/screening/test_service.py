"""Screening against the current lists: hits across spellings, the freshness rule, the audit trail."""

from __future__ import annotations

import dataclasses
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from cyberdelta.platform.actor import Actor
from cyberdelta.platform.audit.models import AuditEntry
from cyberdelta.platform.db.engine import transaction
from cyberdelta.screening.freshness import business_days_after, is_business_day, is_stale
from cyberdelta.screening.lists import import_list
from cyberdelta.screening.service import screen
from tests.screening.list_files import sdn_advanced
from tests.screening.test_lists import BCH_LEGACY, LAZARUS_BTC, LAZARUS_ETH, SDN_XML

ACTOR = dataclasses.replace(Actor.console(), request_id="req-1")


def _load(factory: sessionmaker[Session]) -> None:
    with transaction(factory) as session:
        import_list(session, SDN_XML, source="ofac-sdn-xml", filename="sdn_advanced.xml", actor=ACTOR)


def test_every_spelling_of_a_listed_address_hits(session_factory: sessionmaker[Session]) -> None:
    _load(session_factory)
    inputs = [
        LAZARUS_ETH,
        LAZARUS_ETH.lower(),
        "0x" + LAZARUS_ETH[2:].upper(),
        "bitcoincash:qpgf0ztxq3mwfq6eg5versgfdzq9c3pwv5jsk6wnay",
        f"  {LAZARUS_BTC}  ",
    ]
    with transaction(session_factory) as session:
        screening = screen(session, inputs, actor=ACTOR, today=date(2026, 12, 1))
    assert [len(r.hits) for r in screening.results] == [1, 1, 1, 1, 1]
    hit = screening.results[0].hits[0]
    assert (hit.source, hit.entry_ref, hit.entry_name, hit.programme) == (
        "ofac-sdn-xml",
        "27307",
        "LAZARUS GROUP",
        "DPRK3",
    )
    assert screening.hit
    assert BCH_LEGACY  # listed in its legacy spelling, hit in CashAddr


def test_a_listed_evm_account_hits_on_every_evm_chain(session_factory: sessionmaker[Session]) -> None:
    _load(session_factory)
    with transaction(session_factory) as session:
        screening = screen(session, [LAZARUS_ETH.lower()], actor=ACTOR, chain="bnb-smart-chain")
    assert screening.results[0].chain == "bnb-smart-chain"
    assert screening.results[0].hits


def test_an_invalid_address_is_an_error_never_a_silent_miss(session_factory: sessionmaker[Session]) -> None:
    _load(session_factory)
    flipped = LAZARUS_ETH[:5] + LAZARUS_ETH[5].swapcase() + LAZARUS_ETH[6:]
    with transaction(session_factory) as session:
        screening = screen(session, [flipped, "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5"], actor=ACTOR)
    assert [(r.valid, r.hits) for r in screening.results] == [(False, ()), (False, ())]
    assert all(r.error for r in screening.results)
    assert screening.invalid


def test_each_check_is_audited_with_the_list_versions_it_used(session_factory: sessionmaker[Session]) -> None:
    _load(session_factory)
    with transaction(session_factory) as session:
        screen(
            session,
            [LAZARUS_BTC, "1BpEi6DfDAUFd7GtittLSdBeYJvcoaVggu"],
            actor=ACTOR,
            today=date(2026, 12, 10),
        )
        screen(session, [LAZARUS_BTC] * 3, actor=ACTOR, batch=True, today=date(2026, 12, 1))
    with session_factory() as session:
        checks = session.scalars(select(AuditEntry).where(AuditEntry.action == "screening.check")).all()
        batch = session.scalars(select(AuditEntry).where(AuditEntry.action == "screening.batch")).one()
        version = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "screening.list_imported")
        ).one()
    assert len(checks) == 2
    assert checks[0].details["hits"][0]["entry"] == "27307"
    assert checks[0].details["lists"] == [int(version.object_id or 0)]
    assert checks[0].details["stale_lists"] == [int(version.object_id or 0)]  # 2026-12-01 is old on 12-10
    assert checks[1].details["hits"] == []
    assert checks[0].request_id == "req-1"
    assert (batch.details["inputs"], batch.details["hit_count"], batch.details["stale_lists"]) == (3, 3, [])


def test_a_new_version_replaces_the_old_one_in_screening(session_factory: sessionmaker[Session]) -> None:
    _load(session_factory)
    with transaction(session_factory) as session:
        import_list(
            session,
            sdn_advanced([(9, "OTHER", "CYBER2", [("XBT", "1BpEi6DfDAUFd7GtittLSdBeYJvcoaVggu")])]),
            source="ofac-sdn-xml",
            filename="sdn_advanced.xml",
            actor=ACTOR,
        )
        screening = screen(session, [LAZARUS_BTC, "1BpEi6DfDAUFd7GtittLSdBeYJvcoaVggu"], actor=ACTOR)
    assert [len(r.hits) for r in screening.results] == [0, 1]


def test_business_days_skip_weekends_national_holidays_and_the_year_end() -> None:
    assert not is_business_day(date(2026, 12, 5))  # Saturday
    assert not is_business_day(date(2026, 11, 23))  # 勤労感謝の日
    assert not is_business_day(date(2026, 12, 31))
    assert is_business_day(date(2027, 1, 4))  # the first business day of 2027
    assert business_days_after(date(2026, 12, 4), date(2026, 12, 7)) == 1  # Friday → Monday


def test_a_list_is_stale_after_one_japanese_business_day() -> None:
    friday = date(2026, 12, 4)
    assert not is_stale(friday, date(2026, 12, 7))  # Monday
    assert is_stale(friday, date(2026, 12, 8))  # Tuesday
    before_holiday = date(2026, 11, 20)  # Friday before 勤労感謝の日 (Monday 23 November)
    assert not is_stale(before_holiday, date(2026, 11, 24))
    assert is_stale(before_holiday, date(2026, 11, 25))
    assert not is_stale(date(2026, 12, 30), date(2027, 1, 4))  # over the year-end closing days


def test_each_row_may_name_its_chain_and_key_spaces_stay_apart(
    session_factory: sessionmaker[Session],
) -> None:
    _load(session_factory)  # BCH_LEGACY is listed under BCH
    with transaction(session_factory) as session:
        screening = screen(
            session,
            [BCH_LEGACY, BCH_LEGACY, BCH_LEGACY],
            chains=["bitcoin-cash", "bitcoin", None],
            actor=ACTOR,
        )
    assert [(r.chain, bool(r.hits)) for r in screening.results] == [
        ("bitcoin-cash", True),
        ("bitcoin", False),
        ("bitcoin", False),
    ]


def test_the_compiled_index_follows_the_content_even_when_an_id_is_reused(
    session_factory: sessionmaker[Session],
) -> None:
    from sqlalchemy import delete

    from cyberdelta.screening.models import ScreeningEntry, ScreeningListVersion

    _load(session_factory)
    with transaction(session_factory) as session:
        assert screen(session, [LAZARUS_BTC], actor=ACTOR).hit
        session.execute(delete(ScreeningEntry))
        session.execute(delete(ScreeningListVersion))
    with transaction(session_factory) as session:
        other = sdn_advanced([(9, "OTHER", "CYBER2", [("XBT", "1BpEi6DfDAUFd7GtittLSdBeYJvcoaVggu")])])
        version = import_list(session, other, source="ofac-sdn-xml", filename="sdn_advanced.xml", actor=ACTOR)
        assert version.version_id >= 1  # on SQLite, the deleted version's id again
        screening = screen(session, [LAZARUS_BTC, "1BpEi6DfDAUFd7GtittLSdBeYJvcoaVggu"], actor=ACTOR)
    assert [bool(r.hits) for r in screening.results] == [False, True]


def test_hit_history_is_read_back_from_the_audit_trail_per_organisation(
    session_factory: sessionmaker[Session],
) -> None:
    from cyberdelta.screening.service import recent_hits
    from cyberdelta.tenancy.models import Organisation, OrganisationKind
    from cyberdelta.tenancy.permissions import Role
    from tests.accounts_factories import make_member, make_organisation

    _load(session_factory)
    with transaction(session_factory) as session:
        mine = make_organisation(session, OrganisationKind.EXCHANGE).id
        theirs = make_organisation(session, OrganisationKind.EXCHANGE).id
        organisation = session.get(Organisation, mine)
        assert organisation is not None
        user_id = make_member(session, organisation, Role.SECURITY_OFFICER).id
        addresses = [LAZARUS_BTC, "1BpEi6DfDAUFd7GtittLSdBeYJvcoaVggu"]
        screen(session, addresses, actor=Actor.person(user_id, mine))
    with session_factory() as session:
        (past,) = recent_hits(session, mine)
        assert (past.input, past.chain, past.hits[0]["entry"]) == (LAZARUS_BTC, "bitcoin", "27307")
        assert recent_hits(session, theirs) == []


def test_a_row_naming_an_unknown_chain_is_an_invalid_result_not_a_failed_batch(
    session_factory: sessionmaker[Session],
) -> None:
    _load(session_factory)
    with transaction(session_factory) as session:
        screening = screen(
            session, [LAZARUS_BTC, LAZARUS_BTC], chains=["dogecoin", None], actor=ACTOR, batch=True
        )
    assert [(r.valid, bool(r.hits)) for r in screening.results] == [(False, False), (True, True)]
    assert "dogecoin" in (screening.results[0].error or "")
