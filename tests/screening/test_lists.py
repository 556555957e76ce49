"""Reading each published list format and importing it as a version, on both databases."""

from __future__ import annotations

import io
from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from cyberdelta.platform.actor import Actor
from cyberdelta.platform.audit.models import AuditEntry
from cyberdelta.platform.db.engine import transaction
from cyberdelta.screening.errors import ListAlreadyImportedError, ListImportError, UnknownSourceError
from cyberdelta.screening.lists import current_versions, import_list
from cyberdelta.screening.models import ScreeningEntry, ScreeningListVersion
from cyberdelta.screening.sources.lines import read_lines
from cyberdelta.screening.sources.mof import read_mof
from cyberdelta.screening.sources.ofac_csv import read_sdn_csv
from cyberdelta.screening.sources.ofac_xml import read_sdn_advanced
from cyberdelta.screening.sources.un_xml import read_un_xml
from tests.screening.list_files import legacy_sdn_xml, mof_workbook, sdn_advanced, sdn_csv, un_xml

LAZARUS_ETH = "0x098B716B8Aaf21512996dC57EB0615e2383E2f96"
LAZARUS_BTC = "1BoatSLRHtKNngkdXEeobR76b53LETtpyT"
XMR_HEX = "5be5543ff73456ab9f2d207887e2af87322c651ea1a873c5b25b7ffae456c320"
USDT_TRON = "TX5GV4DyfxNB3rPkzZJhmqZ1efVmL4rEqG"
BCH_LEGACY = "18M8bJWMzWHDBMxoLqjHHAffdRy4SrzkfB"

SDN_XML = sdn_advanced(
    [
        (27307, "LAZARUS GROUP", "DPRK3", [("ETH", LAZARUS_ETH), ("XBT", LAZARUS_BTC)]),
        (40001, "EXAMPLE MIXER", "CYBER2", [("XMR", XMR_HEX), ("USDT", USDT_TRON), ("BCH", BCH_LEGACY)]),
    ]
)


def test_sdn_advanced_xml_gives_addresses_names_programmes_and_the_date_of_issue() -> None:
    parsed = read_sdn_advanced(SDN_XML)
    assert parsed.published_on == date(2026, 12, 1)
    found = {(e.address.chain, e.address.key, e.entry_ref, e.entry_name, e.programme) for e in parsed.listed}
    assert found == {
        ("ethereum", LAZARUS_ETH.lower(), "27307", "LAZARUS GROUP", "DPRK3"),
        ("bitcoin", LAZARUS_BTC, "27307", "LAZARUS GROUP", "DPRK3"),
        ("tron", USDT_TRON, "40001", "EXAMPLE MIXER", "CYBER2"),
        (
            "bitcoin-cash",
            "bitcoincash:qpgf0ztxq3mwfq6eg5versgfdzq9c3pwv5jsk6wnay",
            "40001",
            "EXAMPLE MIXER",
            "CYBER2",
        ),
    }
    (problem,) = parsed.problems
    assert problem.where.startswith(
        "/Sanctions/DistinctParties/DistinctParty[@FixedRef='40001']/Profile[@ID='40001']"
    )
    assert XMR_HEX in problem.render()
    assert problem.params["reason"].reason == "character"


def test_sdn_csv_remarks_give_every_digital_currency_address() -> None:
    data = sdn_csv(
        [
            (306, "BANCO NACIONAL DE CUBA", "CUBA", "a.k.a. 'BNC'."),
            (
                27307,
                "LAZARUS GROUP",
                "CYBER2] [DPRK3",
                f"a.k.a. 'APT38'; Digital Currency Address - ETH {LAZARUS_ETH}; "
                "alt. Digital Currency Address - "
                f"XBT {LAZARUS_BTC}; Digital Currency Address - XBT 1BoatSLRHtKNngkdXEeobR76b53LETtpyX; "
                "Secondary sanctions risk: North Korea Sanctions Regulations.",
            ),
        ]
    )
    parsed = read_sdn_csv(data)
    assert {(e.address.key, e.programme, e.entry_ref) for e in parsed.listed} == {
        (LAZARUS_ETH.lower(), "CYBER2; DPRK3", "27307"),
        (LAZARUS_BTC, "CYBER2; DPRK3", "27307"),
    }
    (problem,) = parsed.problems
    assert problem.where == "line 2"
    assert problem.params["reason"].reason == "checksum"


def test_sdn_csv_rows_of_the_wrong_width_are_reported_by_line() -> None:
    parsed = read_sdn_csv(b'1,"A","-0- "\r\n')
    assert [p.where for p in parsed.problems] == ["line 1"]


def test_un_list_addresses_are_taken_from_comments_when_labelled_or_checksummed() -> None:
    data = un_xml(
        [
            (
                "ENTITY",
                6908555,
                "EXAMPLE TRADING",
                "KPe.099",
                f"Digital Currency Address - ETH {LAZARUS_ETH}. "
                f"Also used {LAZARUS_BTC} and passport 472310104.",
            ),
            (
                "INDIVIDUAL",
                6908556,
                "KIM IL",
                "KPi.099",
                "Digital Currency Address - XBT 1BoatSLRHtKNngkdXEeobR76b53LETtpyX",
            ),
            ("INDIVIDUAL", 6908557, "PAK IL", "KPi.100", "No address; hash 0x" + "ab" * 32),
        ]
    )
    parsed = read_un_xml(data)
    assert parsed.published_on == date(2026, 12, 1)
    assert {(e.address.key, e.entry_ref, e.programme) for e in parsed.listed} == {
        (LAZARUS_ETH.lower(), "KPe.099", "DPRK"),
        (LAZARUS_BTC, "KPe.099", "DPRK"),
    }
    (problem,) = parsed.problems
    assert problem.where == "/CONSOLIDATED_LIST/INDIVIDUALS/INDIVIDUAL[DATAID='6908556']"


def test_mof_workbook_addresses_come_from_the_other_information_column() -> None:
    data = mof_workbook(
        [
            (
                "北朝鮮",
                "北朝鮮のミサイル又は大量破壊兵器計画に関連する者",
                [
                    [
                        "2023年9月29日",
                        "財務省告示第250号",
                        "ラザルス・グループ",
                        "LAZARUS GROUP",
                        "APT38",
                        "",
                        f"デジタル通貨アドレス：XBT {LAZARUS_BTC}、ETH {LAZARUS_ETH}",
                    ],
                    ["2023年9月29日", "財務省告示第251号", "キム", "KIM", "", "平壌", "生年月日 1980年"],
                    [
                        "2023年9月29日",
                        "財務省告示第252号",
                        "パク",
                        "PAK",
                        "",
                        "",
                        f"ETH {LAZARUS_ETH.lower()}",
                    ],
                ],
            )
        ]
    )
    parsed = read_mof(data)
    measure = "北朝鮮のミサイル又は大量破壊兵器計画に関連する者"
    assert {(e.address.key, e.entry_ref, e.entry_name, e.programme) for e in parsed.listed} == {
        (LAZARUS_BTC, "財務省告示第250号", "LAZARUS GROUP / ラザルス・グループ", measure),
        (LAZARUS_ETH.lower(), "財務省告示第250号", "LAZARUS GROUP / ラザルス・グループ", measure),
        # A lower-case EVM address has no checksum: it is taken only after a currency code.
        (LAZARUS_ETH.lower(), "財務省告示第252号", "PAK / パク", measure),
    }
    assert parsed.problems == []


def test_a_file_that_is_not_a_workbook_is_reported() -> None:
    assert [p.where for p in read_mof(b"not a zip").problems] == ["file"]


def test_plain_lines_with_or_without_a_chain_column() -> None:
    parsed = read_lines(
        f"# exchange hack, shared by members\n{LAZARUS_BTC}\nethereum,{LAZARUS_ETH},drainer\n"
        "bitcoin,bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5\ndogecoin,D8vFz4p1L37jdg47HXKtSHA5uYLYxbGgPD\n".encode(),
        chain="bitcoin",
    )
    assert [(e.address.chain, e.entry_name) for e in parsed.listed] == [
        ("bitcoin", None),
        ("ethereum", "drainer"),
    ]
    assert [p.where for p in parsed.problems] == ["line 4", "line 5"]


def _import(factory: sessionmaker[Session], data: bytes, source: str, name: str = "sdn_advanced.xml") -> int:
    with transaction(factory) as session:
        return import_list(session, data, source=source, filename=name, actor=Actor.console()).version_id


def test_an_import_stores_a_version_with_its_hash_dates_counts_and_an_audit_entry(
    session_factory: sessionmaker[Session],
) -> None:
    version_id = _import(session_factory, SDN_XML, "ofac-sdn-xml")
    with session_factory() as session:
        version = session.get(ScreeningListVersion, version_id)
        assert version is not None
        assert (version.source, version.published_on, version.entry_count, version.skipped_count) == (
            "ofac-sdn-xml",
            date(2026, 12, 1),
            4,
            1,
        )
        assert len(version.content_sha256) == 64
        keys = set(session.scalars(select(ScreeningEntry.key).where(ScreeningEntry.version_id == version_id)))
        assert LAZARUS_ETH.lower() in keys
        entry = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "screening.list_imported")
        ).one()
        assert entry.details["entries"] == 4
        assert entry.details["skipped"] == 1


def test_the_same_file_twice_is_refused_and_a_new_one_becomes_current(
    session_factory: sessionmaker[Session],
) -> None:
    first = _import(session_factory, SDN_XML, "ofac-sdn-xml")
    with pytest.raises(ListAlreadyImportedError):
        _import(session_factory, SDN_XML, "ofac-sdn-xml")
    second = _import(
        session_factory, sdn_advanced([(1, "X", "CYBER2", [("XBT", LAZARUS_BTC)])]), "ofac-sdn-xml"
    )
    lines = _import(session_factory, f"bitcoin,{LAZARUS_BTC}\n".encode(), "lines", "hub.txt")
    with session_factory() as session:
        assert [v.id for v in current_versions(session)] == [lines, second]  # ordered by source
        assert first < second


def test_a_file_of_nothing_but_malformed_entries_stores_nothing(
    session_factory: sessionmaker[Session],
) -> None:
    with pytest.raises(ListImportError):
        _import(session_factory, b"bitcoin,1BoatSLRHtKNngkdXEeobR76b53LETtpyX\n", "lines", "bad.txt")
    with pytest.raises(ListImportError) as raised:
        _import(session_factory, b"<Sanctions><unclosed>", "ofac-sdn-xml")
    assert "XML" in raised.value.render()
    with session_factory() as session:
        assert session.scalars(select(ScreeningListVersion)).all() == []


def test_an_unknown_source_is_an_error_naming_the_option(session_factory: sessionmaker[Session]) -> None:
    with pytest.raises(UnknownSourceError) as raised:
        _import(session_factory, b"", "eu-fsf")
    assert raised.value.field == "source"


def test_a_listed_evm_address_with_a_broken_eip55_checksum_is_kept_in_lower_case_and_reported(
    session_factory: sessionmaker[Session],
) -> None:
    broken = LAZARUS_ETH[:5] + LAZARUS_ETH[5].swapcase() + LAZARUS_ETH[6:]
    data = sdn_advanced([(5, "TYPO", "CYBER2", [("ETH", broken)])])
    with transaction(session_factory) as session:
        result = import_list(session, data, source="ofac-sdn-xml", filename="sdn.xml", actor=Actor.console())
    assert (result.entry_count, result.problems, result.checksum_mismatches) == (1, [], [broken])
    with session_factory() as session:
        entry = session.scalars(select(ScreeningEntry)).one()
        assert (entry.key, entry.original) == (LAZARUS_ETH.lower(), broken)


def test_a_chain_address_header_line_is_skipped() -> None:
    parsed = read_lines(f"chain,address\nbitcoin,{LAZARUS_BTC}\n".encode(), chain=None)
    assert (len(parsed.listed), parsed.problems) == (1, [])


def test_the_legacy_sdn_xml_is_read_too() -> None:
    data = legacy_sdn_xml(
        [
            (27307, "LAZARUS GROUP", ["CYBER2", "DPRK3"], [("ETH", LAZARUS_ETH), ("XBT", LAZARUS_BTC + "X")]),
            (306, "BANCO NACIONAL DE CUBA", ["CUBA"], []),
        ]
    )
    parsed = read_sdn_advanced(data)
    assert parsed.published_on == date(2026, 12, 1)
    assert [(e.address.key, e.entry_ref, e.entry_name, e.programme) for e in parsed.listed] == [
        (LAZARUS_ETH.lower(), "27307", "LAZARUS GROUP", "CYBER2; DPRK3")
    ]
    assert [p.where for p in parsed.problems] == ["/sdnList/sdnEntry[uid='27307']/idList/id[uid='9002']"]


def test_an_xml_file_that_is_no_ofac_list_is_refused(session_factory: sessionmaker[Session]) -> None:
    with pytest.raises(ListImportError) as raised:
        _import(session_factory, b"<CONSOLIDATED_LIST><INDIVIDUALS/></CONSOLIDATED_LIST>", "ofac-sdn-xml")
    assert raised.value.problems[0].where == "file"


def test_files_of_another_format_are_refused_as_a_whole() -> None:
    assert [p.where for p in read_un_xml(b"<sdnList/>").problems] == ["file"]
    not_mof = mof_workbook([("Sheet1", "a title", [["x"]])])
    # mof_workbook writes the header; a workbook without it is another file.
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(["title"])  # type: ignore[union-attr]
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert [p.where for p in read_mof(buffer.getvalue()).problems] == ["file"]
    assert read_mof(not_mof).problems == []
