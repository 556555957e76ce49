"""Generated intelligence for the walkable demo (docs/home.md): the JPCrypto-ISAC's alert collection with
Lazarus-family intrusion sets and malware (MITRE ATT&CK G0032 Lazarus Group, G0082 APT38, and the
TraderTraitor cluster of the FBI/CISA advisory AA22-108A), wallet addresses on Bitcoin, Ethereum and
Tron that are valid per chain (built and checked with the screening normalisers,
docs/screening.md), phishing domains under the reserved ``.example`` top-level domain (RFC 2606),
sightings by exchanges (some anonymous through the ISAC), and lessons learned, across the TLP 2.0
levels (CLEAR, GREEN, AMBER, AMBER+STRICT, RED to named recipients).

Everything is published through :func:`cyberdelta.intel.publishing.publish` as the organisation
that would publish it, by its analyst or security officer, so the hub's identities, ownership,
TLP rules and audit trail apply as to any publication. Ids are UUIDv5 of fixed names, so the
content is the same on every run; a collection that already holds objects is left alone.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cyberdelta.intel import service
from cyberdelta.intel.caller import Caller
from cyberdelta.intel.models import IntelCollection, IntelObject
from cyberdelta.intel.publishing import identity, identity_id, publish
from cyberdelta.intel.tlp import TLP2_MARKING_IDS, Reader, Tlp
from cyberdelta.intel.wallet import STIX_SCO_NAMESPACE, address_pattern, wallet_address
from cyberdelta.platform.actor import Actor, Channel
from cyberdelta.screening.addresses import base58, bech32
from cyberdelta.screening.addresses.chains import normalise
from cyberdelta.tenancy import service as tenancy
from cyberdelta.tenancy.models import Organisation

ALIAS = "isac-alerts"
NAMESPACE = uuid.UUID("5b0c0d6e-1a7d-5a8e-8f3e-0d2c6b9a4e17")
ISAC_SLUG = "jpcrypto-isac"
SRO_SLUG = "jvcea"
ANONYMOUS = "x_cyberdelta_anonymous"
RECIPIENTS = "x_cyberdelta_recipients"


def _id(kind: str, name: str) -> str:
    return f"{kind}--{uuid.uuid5(NAMESPACE, name)}"


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _bytes(name: str, length: int) -> bytes:
    return hashlib.sha256(name.encode()).digest()[:length]


def bitcoin_address(name: str) -> str:
    """A native SegWit (P2WPKH, BIP-173) address whose program is derived from ``name``."""
    return normalise("bitcoin", bech32.encode_segwit("bc", 0, _bytes(name, 20))).key


def ethereum_address(name: str) -> str:
    return normalise("ethereum", "0x" + _bytes(name, 20).hex()).key


def tron_address(name: str) -> str:
    """A Tron address: Base58Check of 0x41 and a 20-byte account."""
    return normalise("tron", base58.encode_check(b"\x41" + _bytes(name, 20))).key


@dataclass(frozen=True)
class Publisher:
    organisation: Organisation
    user_id: int

    def caller(self) -> Caller:
        reader = Reader(self.organisation.id, self.organisation.kind)
        return Caller(reader=reader, read=True, write=True, user_id=self.user_id)

    def actor(self) -> Actor:
        return Actor.person(self.user_id, self.organisation.id, Channel.CLI)


def _publisher(session: Session, slug: str, email: str) -> Publisher | None:
    organisation = tenancy.get_organisation_by_slug(session, slug)
    user = tenancy.get_user_by_email(session, email)
    if organisation is None or user is None:
        return None
    return Publisher(organisation, user.id)


def _marked(stix: dict[str, Any], tlp: Tlp) -> dict[str, Any]:
    stix["object_marking_refs"] = [TLP2_MARKING_IDS[tlp]]
    return stix


def _sdo(kind: str, key: str, creator: str, when: datetime, tlp: Tlp, **fields: Any) -> dict[str, Any]:
    """An SDO or SRO whose id is derived from ``key`` (the same object on every run)."""
    stamp = _stamp(when)
    stix = {
        "type": kind,
        "spec_version": "2.1",
        "id": _id(kind, key),
        "created_by_ref": creator,
        "created": stamp,
        "modified": stamp,
        **fields,
    }
    return _marked(stix, tlp)


def threat_objects(creator: str, now: datetime) -> list[dict[str, Any]]:
    """Lazarus-family intrusion sets and their malware, with the relationships between them (CLEAR)."""
    day = now - timedelta(days=40)
    sets = [
        (
            "Lazarus Group",
            ["HIDDEN COBRA", "Diamond Sleet"],
            "North Korean state-sponsored group (ATT&CK G0032).",
        ),
        (
            "APT38",
            ["BlueNoroff", "Stardust Chollima"],
            "Financially motivated cluster targeting exchanges (G0082).",
        ),
        (
            "TraderTraitor",
            ["Jade Sleet", "UNC4899"],
            "Targets crypto firms with trojanised trading apps (AA22-108A).",
        ),
    ]
    malware = [
        ("AppleJeus", "Trojanised cryptocurrency trading application."),
        ("KANDYKORN", "macOS remote-access trojan delivered to blockchain engineers."),
        ("RustBucket", "macOS downloader disguised as a PDF viewer."),
        ("POOLRAT", "Backdoor used after supply-chain compromises."),
    ]
    objects = [
        _sdo(
            "intrusion-set",
            name,
            creator,
            day,
            Tlp.CLEAR,
            name=name,
            aliases=aliases,
            description=text,
            primary_motivation="personal-gain",
        )
        for name, aliases, text in sets
    ]
    objects += [
        _sdo(
            "malware",
            name,
            creator,
            day,
            Tlp.CLEAR,
            name=name,
            description=text,
            is_family=True,
            malware_types=["trojan", "remote-access-trojan"],
        )
        for name, text in malware
    ]
    uses = [
        ("TraderTraitor", "AppleJeus"),
        ("TraderTraitor", "RustBucket"),
        ("Lazarus Group", "KANDYKORN"),
        ("APT38", "POOLRAT"),
        ("Lazarus Group", "AppleJeus"),
    ]
    for actor, tool in uses:
        objects.append(
            _sdo(
                "relationship",
                f"{actor} uses {tool}",
                creator,
                day,
                Tlp.CLEAR,
                relationship_type="uses",
                source_ref=_id("intrusion-set", actor),
                target_ref=_id("malware", tool),
            )
        )
    return objects


def _indicator(
    name: str, pattern: str, creator: str, when: datetime, tlp: Tlp, actor: str, description: str
) -> list[dict[str, Any]]:
    indicator = _sdo(
        "indicator",
        name,
        creator,
        when,
        tlp,
        name=name,
        description=description,
        indicator_types=["malicious-activity"],
        pattern=pattern,
        pattern_type="stix",
        valid_from=_stamp(when),
    )
    link = _sdo(
        "relationship",
        f"{name} indicates {actor}",
        creator,
        when,
        tlp,
        relationship_type="indicates",
        source_ref=indicator["id"],
        target_ref=_id("intrusion-set", actor),
    )
    return [indicator, link]


ADDRESSES: list[tuple[str, str, str, Tlp]] = [
    ("bitcoin", "laundering hop 1", "TraderTraitor", Tlp.GREEN),
    ("bitcoin", "laundering hop 2", "TraderTraitor", Tlp.GREEN),
    ("bitcoin", "mixer deposit", "APT38", Tlp.AMBER),
    ("bitcoin", "peel chain", "Lazarus Group", Tlp.GREEN),
    ("ethereum", "drainer contract", "TraderTraitor", Tlp.GREEN),
    ("ethereum", "bridge exit", "Lazarus Group", Tlp.AMBER),
    ("ethereum", "consolidation wallet", "TraderTraitor", Tlp.GREEN),
    ("ethereum", "swap router victim", "APT38", Tlp.CLEAR),
    ("tron", "USDT cash-out", "APT38", Tlp.GREEN),
    ("tron", "OTC broker", "Lazarus Group", Tlp.AMBER),
]
DOMAINS: list[tuple[str, str, Tlp]] = [
    ("sakura-exchange-login.example", "TraderTraitor", Tlp.GREEN),
    ("fuji-coin-support.example", "TraderTraitor", Tlp.GREEN),
    ("jp-crypto-jobs.example", "Lazarus Group", Tlp.CLEAR),
    ("wallet-sync-update.example", "APT38", Tlp.AMBER),
]
_MAKE = {"bitcoin": bitcoin_address, "ethereum": ethereum_address, "tron": tron_address}


def indicator_objects(creator: str, now: datetime) -> list[dict[str, Any]]:
    """Wallet addresses and phishing domains with their indicators (the ISAC's alerts)."""
    objects: list[dict[str, Any]] = []
    for number, (chain, label, actor, tlp) in enumerate(ADDRESSES):
        address = _MAKE[chain](f"cyberdelta-demo:{chain}:{label}")
        when = now - timedelta(days=30 - 2 * number)
        objects.append(wallet_address(chain, address, tlp=tlp))
        objects += _indicator(
            f"{actor} {label} ({chain})",
            address_pattern(chain, address),
            creator,
            when,
            tlp,
            actor,
            f"Address linked to {actor}: {label}.",
        )
    for number, (domain, actor, tlp) in enumerate(DOMAINS):
        when = now - timedelta(days=12 - 2 * number)
        name_json = '{"value":"' + domain + '"}'
        domain_id = f"domain-name--{uuid.uuid5(STIX_SCO_NAMESPACE, name_json)}"
        objects.append(
            _marked({"type": "domain-name", "spec_version": "2.1", "id": domain_id, "value": domain}, tlp)
        )
        objects += _indicator(
            f"Phishing domain {domain}",
            f"[domain-name:value = '{domain}']",
            creator,
            when,
            tlp,
            actor,
            f"Phishing site imitating an exchange, attributed to {actor}.",
        )
    return objects


def sighting(
    publisher: Organisation,
    indicator_name: str,
    when: datetime,
    count: int,
    *,
    anonymous: bool,
    isac_identity: str,
    tlp: Tlp,
) -> dict[str, Any]:
    """A sighting of one of the ISAC's indicators at the exchange (or, anonymously, at the ISAC)."""
    where = isac_identity if anonymous else identity_id(publisher)
    stix = _sdo(
        "sighting",
        f"{publisher.slug} saw {indicator_name}",
        where,
        when,
        tlp,
        sighting_of_ref=_id("indicator", indicator_name),
        where_sighted_refs=[where],
        first_seen=_stamp(when - timedelta(days=3)),
        last_seen=_stamp(when),
        count=count,
        description=f"Seen in a withdrawal request: {indicator_name}",
    )
    if anonymous:
        stix[ANONYMOUS] = True
        del stix["created_by_ref"]
    return stix


def lesson(
    author: Organisation, title: str, body: str, when: datetime, tlp: Tlp, **extra: Any
) -> list[dict[str, Any]]:
    report = _sdo(
        "report",
        title,
        identity_id(author),
        when,
        tlp,
        name=title,
        description=body,
        published=_stamp(when),
        report_types=["lessons-learned"],
        object_refs=[identity_id(author)],
        **extra,
    )
    return [identity(author), report]


@dataclass(frozen=True)
class IntelResult:
    collection_id: str
    published: int


def _collection(session: Session) -> IntelCollection:
    found = service.find_collection(session, ALIAS)
    if found is not None:
        return found
    return service.create_collection(
        session,
        title="JPCrypto-ISAC alerts",
        title_ja="JPCrypto-ISAC 注意喚起",
        alias=ALIAS,
        description="Indicators, sightings and lessons shared among members (demo data).",
        default_tlp=Tlp.AMBER,
    )


def load_intel(session: Session, now: datetime) -> IntelResult | None:
    """Publish the demo intelligence into the ISAC's alert collection (once); None when the demo
    organisations are missing."""
    isac = _publisher(session, ISAC_SLUG, f"analyst@{ISAC_SLUG}.example")
    sro = _publisher(session, SRO_SLUG, f"analyst@{SRO_SLUG}.example")
    exchanges = [
        _publisher(session, slug, f"security.officer@{slug}.example")
        for slug in ("sakura-exchange", "fuji-coin", "kaede-trade", "momiji-bitcoin")
    ]
    if isac is None or sro is None or any(item is None for item in exchanges):
        return None
    collection = _collection(session)
    stored = session.scalar(
        select(func.count()).select_from(IntelObject).where(IntelObject.collection_id == collection.id)
    )
    if stored:
        return IntelResult(collection.id, 0)
    isac_ref = identity_id(isac.organisation)
    batches: list[tuple[Publisher, list[dict[str, Any]]]] = [
        (
            isac,
            [identity(isac.organisation), *threat_objects(isac_ref, now), *indicator_objects(isac_ref, now)],
        )
    ]
    sightings = [
        ("TraderTraitor laundering hop 1 (bitcoin)", 3),
        ("TraderTraitor drainer contract (ethereum)", 1),
        ("Phishing domain sakura-exchange-login.example", 12),
        ("APT38 USDT cash-out (tron)", 2),
    ]
    for number, (publisher, (name, count)) in enumerate(zip(exchanges, sightings, strict=True)):
        assert publisher is not None  # noqa: S101 (checked above)
        anonymous = number % 2 == 1
        batches.append(
            (
                publisher,
                [
                    *([] if anonymous else [identity(publisher.organisation)]),
                    sighting(
                        publisher.organisation,
                        name,
                        now - timedelta(days=5 - number),
                        count,
                        anonymous=anonymous,
                        isac_identity=isac_ref,
                        tlp=Tlp.AMBER,
                    ),
                ],
            )
        )
    sakura, fuji = exchanges[0], exchanges[1]
    assert sakura is not None and fuji is not None  # noqa: S101 (checked above)
    batches.append(
        (
            sro,
            lesson(
                sro.organisation,
                "Lessons from the 2025 multisig signing incident",
                "The signers approved a transaction their screens misrepresented. "
                "Check the Safe transaction hash independently on a second device, "
                "limit delegatecall, and rehearse the freeze procedure.",
                now - timedelta(days=20),
                Tlp.GREEN,
            ),
        )
    )
    batches.append(
        (
            sakura,
            lesson(
                sakura.organisation,
                "Fake recruiter approach to our engineers",
                "A recruiter on a social network sent a coding test that installed a backdoor; "
                "the EDR blocked it. "
                "We now forbid running take-home tests on work machines.",
                now - timedelta(days=4),
                Tlp.AMBER_STRICT,
            ),
        )
    )
    batches.append(
        (
            isac,
            lesson(
                isac.organisation,
                "Early warning: drainer campaign against hot wallets",
                "Credible report of an imminent campaign against Sakura and Fuji hot wallets; "
                "rotate signing keys.",
                now - timedelta(days=1),
                Tlp.RED,
                **{RECIPIENTS: [sakura.organisation.slug, fuji.organisation.slug]},
            ),
        )
    )
    published = 0
    for publisher, objects in batches:
        status = publish(session, publisher.caller(), collection, objects, actor=publisher.actor())
        published += status.success_count
    return IntelResult(collection.id, published)
