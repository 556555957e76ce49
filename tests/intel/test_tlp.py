"""TLP 2.0 rules: the pure rule's properties, and the SQL form agreeing with it on both databases."""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Engine, insert, select
from sqlalchemy.orm import Session, sessionmaker

from cyberdelta.intel import service
from cyberdelta.intel.models import IntelObject
from cyberdelta.intel.tlp import (
    ANONYMOUS,
    ORDER,
    TLP2_MARKING_IDS,
    Reader,
    Tlp,
    encode_recipients,
    level_of,
    marking_definition,
    may_read,
    visible_clause,
)
from cyberdelta.intel.validation import full_problem
from cyberdelta.platform.db.engine import transaction

KINDS = ("exchange", "sro", "isac", "supervisor", "operator")
readers = st.builds(Reader, st.integers(1, 6), st.sampled_from(KINDS)) | st.just(ANONYMOUS)
levels = st.sampled_from(ORDER)
publishers = st.none() | st.integers(1, 6)
recipient_sets = st.frozensets(st.integers(1, 6), max_size=3)


@given(readers, levels, publishers, recipient_sets)
def test_a_reader_who_sees_a_level_sees_every_lower_level(
    reader: Reader, level: Tlp, publisher: int | None, recipients: frozenset[int]
) -> None:
    if may_read(level, reader, publisher, recipients):
        for lower in ORDER[: ORDER.index(level)]:
            assert may_read(lower, reader, publisher, recipients)


@given(levels, publishers, recipient_sets)
def test_anonymous_readers_see_clear_only(
    level: Tlp, publisher: int | None, recipients: frozenset[int]
) -> None:
    assert may_read(level, ANONYMOUS, publisher, recipients) is (level is Tlp.CLEAR)


@given(readers, levels, recipient_sets)
def test_the_publisher_and_named_recipients_always_see_it(
    reader: Reader, level: Tlp, recipients: frozenset[int]
) -> None:
    if reader.organisation_id is not None:
        assert may_read(level, reader, reader.organisation_id, recipients)
        assert may_read(level, reader, None, recipients | {reader.organisation_id})


@given(readers, publishers, recipient_sets)
def test_red_is_for_named_recipients_only(
    reader: Reader, publisher: int | None, recipients: frozenset[int]
) -> None:
    expected = reader.organisation_id is not None and (
        reader.organisation_id == publisher or reader.organisation_id in recipients
    )
    assert may_read(Tlp.RED, reader, publisher, recipients) is expected


def test_amber_reaches_member_kinds_but_not_the_supervisor() -> None:
    assert may_read(Tlp.AMBER, Reader(2, "exchange"), 1, ())
    assert may_read(Tlp.AMBER, Reader(2, "isac"), 1, ())
    assert not may_read(Tlp.AMBER, Reader(2, "supervisor"), 1, ())
    assert not may_read(Tlp.AMBER_STRICT, Reader(2, "exchange"), 1, ())


def test_level_of_takes_the_strictest_marking_and_reads_tlp_1() -> None:
    both = {"object_marking_refs": [TLP2_MARKING_IDS[Tlp.GREEN], TLP2_MARKING_IDS[Tlp.RED]]}
    assert level_of(both, Tlp.CLEAR) is Tlp.RED
    white = {"object_marking_refs": ["marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9"]}
    assert level_of(white, Tlp.AMBER) is Tlp.CLEAR
    assert level_of({}, Tlp.AMBER) is Tlp.AMBER


def test_the_oasis_marking_definitions_are_valid_stix() -> None:
    for level in Tlp:
        assert full_problem(marking_definition(level)) is None


def test_sql_rule_agrees_with_the_pure_rule(engine: Engine, session_factory: sessionmaker[Session]) -> None:
    organisations = (1, 2, 3)
    cases = list(itertools.product(ORDER, (None, 1), ("", encode_recipients([3]))))
    with transaction(session_factory) as session:
        collection = service.create_collection(session, title="rules")
        session.execute(
            insert(IntelObject),
            [
                {
                    "collection_id": collection.id,
                    "stix_id": f"note--00000000-0000-4000-8000-{index:012d}",
                    "stix_type": "note",
                    "spec_version": "2.1",
                    "modified_us": 0,
                    "version": "",
                    "date_added_us": index,
                    "is_latest": True,
                    "tlp": level.value,
                    "publisher_organisation_id": publisher,
                    "recipients": recipients,
                    "search_text": "",
                    "body": "{}",
                }
                for index, (level, publisher, recipients) in enumerate(cases)
            ],
        )
    readers_to_check = [ANONYMOUS] + [Reader(org, kind) for org in organisations for kind in KINDS]
    with session_factory() as session:
        for reader in readers_to_check:
            clause = visible_clause(
                reader, IntelObject.tlp, IntelObject.publisher_organisation_id, IntelObject.recipients
            )
            seen = set(session.scalars(select(IntelObject.date_added_us).where(clause)))
            expected = {
                index
                for index, (level, publisher, recipients) in enumerate(cases)
                if may_read(level, reader, publisher, [3] if recipients else [])
            }
            assert seen == expected, reader
