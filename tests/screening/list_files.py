"""Real-shaped list files built for the tests: the element names, columns and layouts the
publishers use (OFAC SDN_ADVANCED.XML and sdn.csv, the UN consolidated list, the MoF workbook)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from xml.sax.saxutils import escape

from openpyxl import Workbook

OFAC_NAMESPACE = "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/ADVANCED_XML"
CURRENCY_FEATURE_TYPES = {
    "XBT": 344,
    "ETH": 345,
    "XMR": 566,
    "LTC": 566 + 1,
    "USDT": 887,
    "TRX": 1001,
    "BCH": 1002,
}


def sdn_advanced(
    parties: Sequence[tuple[int, str, str, Sequence[tuple[str, str]]]], *, issued: str = "2026-12-01"
) -> bytes:
    """An SDN_ADVANCED.XML with the given parties: (profile id, name, programme, [(currency, address)])."""
    year, month, day = issued.split("-")
    feature_types = "".join(
        f'<FeatureType ID="{fid}" FeatureTypeGroupID="1">Digital Currency Address - {code}</FeatureType>'
        for code, fid in CURRENCY_FEATURE_TYPES.items()
    )
    party_xml = []
    entries = []
    feature_id = 50000
    for profile, name, programme, addresses in parties:
        features = []
        for code, address in addresses:
            feature_id += 1
            features.append(
                f'<Feature ID="{feature_id}" FeatureTypeID="{CURRENCY_FEATURE_TYPES[code]}">'
                f'<FeatureVersion ID="{feature_id + 1000}" ReliabilityID="1560"><Comment />'
                f'<VersionDetail DetailTypeID="1432">{escape(address)}</VersionDetail></FeatureVersion>'
                f'<IdentityReference IdentityID="{profile + 7}" IdentityFeatureLinkTypeID="1" /></Feature>'
            )
        party_xml.append(
            f'<DistinctParty FixedRef="{profile}"><Comment />'
            f'<Profile ID="{profile}" PartySubTypeID="3">'
            f'<Identity ID="{profile + 7}" FixedRef="{profile}" Primary="true" False="false">'
            f'<Alias FixedRef="{profile}" AliasTypeID="1403" Primary="true" LowQuality="false">'
            f'<DocumentedName ID="{profile + 9}" FixedRef="{profile}" DocNameStatusID="1">'
            f'<DocumentedNamePart><NamePartValue NamePartGroupID="1" ScriptID="215" ScriptStatusID="1" '
            f'Acronym="false">{escape(name)}</NamePartValue></DocumentedNamePart></DocumentedName></Alias>'
            f"</Identity>{''.join(features)}"
            f'<Feature ID="{feature_id + 500}" FeatureTypeID="8"><FeatureVersion ID="1" ReliabilityID="1">'
            f'<VersionDetail DetailTypeID="1432">https://example.org</VersionDetail></FeatureVersion></Feature>'
            f"</Profile></DistinctParty>"
        )
        entries.append(
            f'<SanctionsEntry ID="{profile + 3}" ProfileID="{profile}" ListID="1550">'
            f'<EntryEvent ID="{profile + 4}" EntryEventTypeID="1" LegalBasisID="1"><Date CalendarTypeID="1">'
            f"<Year>2022</Year><Month>8</Month><Day>8</Day></Date></EntryEvent>"
            f'<SanctionsMeasure ID="{profile + 5}" SanctionsTypeID="1705"><Comment /></SanctionsMeasure>'
            f'<SanctionsMeasure ID="{profile + 6}" SanctionsTypeID="1"><Comment>{programme}</Comment>'
            f"</SanctionsMeasure></SanctionsEntry>"
        )
    return (
        f'<?xml version="1.0" encoding="utf-8"?>\n<Sanctions '
        f'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        f'xmlns="{OFAC_NAMESPACE}"><DateOfIssue><Year>{int(year)}</Year><Month>{int(month)}</Month>'
        f"<Day>{int(day)}</Day></DateOfIssue><ReferenceValueSets><AliasTypeValues>"
        f'<AliasType ID="1403">Name</AliasType></AliasTypeValues><FeatureTypeValues>'
        f'<FeatureType ID="8" FeatureTypeGroupID="1">Website</FeatureType>{feature_types}</FeatureTypeValues>'
        f'<SanctionsTypeValues><SanctionsType ID="1">Program</SanctionsType>'
        f'<SanctionsType ID="1705">Block</SanctionsType></SanctionsTypeValues></ReferenceValueSets>'
        f"<Locations /><IDRegDocuments /><DistinctParties>{''.join(party_xml)}</DistinctParties>"
        f"<ProfileRelationships /><SanctionsEntries>{''.join(entries)}</SanctionsEntries></Sanctions>"
    ).encode()


def sdn_csv(rows: Sequence[tuple[int, str, str, str]]) -> bytes:
    """An sdn.csv: (ent_num, name, programme as OFAC writes it, remarks); -0- for the empty columns."""
    out = io.StringIO()
    for ent_num, name, programme, remarks in rows:
        cells = [str(ent_num), f'"{name}"', '"-0- "', f'"{programme}"'] + ['"-0- "'] * 7 + [f'"{remarks}"']
        out.write(",".join(cells) + "\r\n")
    return out.getvalue().encode()


def un_xml(
    entries: Sequence[tuple[str, int, str, str, str]], *, generated: str = "2026-12-01T18:00:03.32Z"
) -> bytes:
    """A UN consolidated.xml: (INDIVIDUAL or ENTITY, DATAID, name, reference number, COMMENTS1)."""
    individuals: list[str] = []
    entities: list[str] = []
    for kind, data_id, name, reference, comments in entries:
        body = (
            f"<{kind}><DATAID>{data_id}</DATAID><VERSIONNUM>1</VERSIONNUM><FIRST_NAME>{escape(name)}</FIRST_NAME>"
            f"<UN_LIST_TYPE>DPRK</UN_LIST_TYPE><REFERENCE_NUMBER>{reference}</REFERENCE_NUMBER>"
            f"<LISTED_ON>2017-06-02</LISTED_ON><COMMENTS1>{escape(comments)}</COMMENTS1>"
            f"<LIST_TYPE><VALUE>UN List</VALUE></LIST_TYPE><LAST_DAY_UPDATED><VALUE/></LAST_DAY_UPDATED>"
            f"</{kind}>"
        )
        (individuals if kind == "INDIVIDUAL" else entities).append(body)
    return (
        f'<?xml version="1.0" encoding="utf-8"?><CONSOLIDATED_LIST '
        f'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        f'xsi:noNamespaceSchemaLocation="https://scsanctions.un.org/resources/xml/sc.xsd" '
        f'dateGenerated="{generated}">'
        f"<INDIVIDUALS>{''.join(individuals)}</INDIVIDUALS><ENTITIES>{''.join(entities)}</ENTITIES></CONSOLIDATED_LIST>"
    ).encode()


MOF_HEADER = ["告示日付", "告示番号", "日 本 語 表 記", "英 語 表 記", "別 名", "住 所", "その他の情報"]


def mof_workbook(sheets: Sequence[tuple[str, str, Sequence[Sequence[str]]]]) -> bytes:
    """The MoF workbook: per sheet (title, the measure in the first row, data rows under 告示日付…)."""
    workbook = Workbook()
    workbook.remove(workbook.active)  # type: ignore[arg-type]
    for title, measure, rows in sheets:
        sheet = workbook.create_sheet(title)
        sheet.append([measure])
        sheet.append(["（注）このリストは参考資料です。"])
        sheet.append(MOF_HEADER)
        for row in rows:
            sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def legacy_sdn_xml(entries: Sequence[tuple[int, str, Sequence[str], Sequence[tuple[str, str]]]]) -> bytes:
    """The legacy SDN.XML: (uid, last name, programmes, [(currency, address)])."""
    body = []
    id_uid = 9000
    for uid, name, programmes, addresses in entries:
        ids = []
        for code, address in addresses:
            id_uid += 1
            ids.append(
                f"<id><uid>{id_uid}</uid><idType>Digital Currency Address - {code}</idType>"
                f"<idNumber>{escape(address)}</idNumber></id>"
            )
        body.append(
            f"<sdnEntry><uid>{uid}</uid><lastName>{escape(name)}</lastName><sdnType>Entity</sdnType>"
            f"<programList>{''.join(f'<program>{p}</program>' for p in programmes)}</programList>"
            f"<idList><id><uid>{uid}1</uid><idType>Website</idType><idNumber>example.org</idNumber></id>"
            f"{''.join(ids)}</idList></sdnEntry>"
        )
    return (
        '<?xml version="1.0" standalone="yes"?>\n<sdnList '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xmlns="https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/XML">'
        "<publshInformation><Publish_Date>12/01/2026</Publish_Date><Record_Count>2</Record_Count>"
        f"</publshInformation>{''.join(body)}</sdnList>"
    ).encode()
