"""Address screening speed (docs/screening.md, "Speed").

Against 100,000 listed addresses, batch screening of 1,000,000 mixed addresses (lower-case and
EIP-55 EVM, Base58Check and Bech32 Bitcoin, Tron, and mistyped ones) is printed beside a plain
Python ``set`` lookup of the same pre-normalised keys (the physical limit), and beside the same
batch through the Python normalisers only (without the C fast path); then an SDN-shaped
SDN_ADVANCED.XML of about 100 MB is generated and imported into SQLite, with its time and the
process's peak memory.

    PYTHONPATH=src python benchmarks/screening.py [--inputs 1000000] [--listed 100000] [--xml-mb 100]
"""

from __future__ import annotations

import argparse
import hashlib
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from cyberdelta.screening.addresses import base58, bech32
from cyberdelta.screening.addresses.other_chains import eip55
from cyberdelta.screening.index import ACCELERATED, Hit, ScreeningIndex

rng = random.Random(23)


def btc_p2pkh() -> str:
    return base58.encode_check(b"\x00" + rng.randbytes(20))


def btc_p2wpkh() -> str:
    return bech32.encode_segwit("bc", 0, rng.randbytes(20))


def evm_lower() -> str:
    return "0x" + rng.randbytes(20).hex()


def evm_eip55() -> str:
    return eip55(rng.randbytes(20).hex())


def tron() -> str:
    return base58.encode_check(b"\x41" + rng.randbytes(20))


def mistyped() -> str:
    address = btc_p2pkh()
    return address[:-1] + ("z" if address[-1] != "z" else "y")


MIX = [(evm_lower, 30), (evm_eip55, 15), (btc_p2pkh, 20), (btc_p2wpkh, 15), (tron, 10), (mistyped, 10)]


def key_of(address: str) -> str:
    if address.startswith("0x"):
        return "evm\0" + address.lower()
    if address.startswith("bc1"):
        return "bitcoin\0" + address
    if address.startswith("T"):
        return "tron\0" + address
    return "bitcoin\0" + address


def rss_mb() -> float:
    """This process's peak resident set (VmHWM, proc(5)); ``getrusage`` would count the parent's."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def batch_benchmark(listed_count: int, input_count: int) -> None:
    makers = [maker for maker, weight in MIX for _ in range(weight)]
    listed = [rng.choice(makers[:-10])() for _ in range(listed_count)]
    hit = Hit("bench", 1, "1", "LISTED", "CYBER2", "")
    started = time.perf_counter()
    index = ScreeningIndex([], ((key.split("\0")[0], key.split("\0")[1], hit) for key in map(key_of, listed)))
    print(f"index of {len(index):,} listed addresses built in {time.perf_counter() - started:.2f} s")
    inputs = [rng.choice(listed) if rng.random() < 0.05 else rng.choice(makers)() for _ in range(input_count)]
    keys = [key_of(address) for address in inputs]
    plain = set(index.table)

    started = time.perf_counter()
    plain_hits = sum(1 for key in keys if key in plain)
    set_seconds = time.perf_counter() - started

    index.screen_many(inputs[:1])  # splits the index by key space for the C path, once per index
    started = time.perf_counter()
    results = index.screen_many(inputs)
    screen_seconds = time.perf_counter() - started
    started = time.perf_counter()
    index.screen_many(inputs, accelerated=False)
    python_seconds = time.perf_counter() - started
    hits = sum(1 for result in results if result.hits)
    invalid = sum(1 for result in results if not result.valid)

    pool = inputs[:100_000]
    repeated = [rng.choice(pool) for _ in range(input_count)]
    started = time.perf_counter()
    index.screen_many(repeated)
    repeated_seconds = time.perf_counter() - started

    print(f"{'':32}{'addresses/s':>14}{'seconds':>10}{'hits':>10}")
    print(
        f"{'plain set of normalised keys':32}{input_count / set_seconds:>14,.0f}"
        f"{set_seconds:>10.2f}{plain_hits:>10,}"
    )
    print(
        f"{'screen_many (validating)':32}{input_count / screen_seconds:>14,.0f}"
        f"{screen_seconds:>10.2f}{hits:>10,}"
    )
    print(f"{'  the same, Python path only':32}{input_count / python_seconds:>14,.0f}{python_seconds:>10.2f}")
    print(
        f"{'screen_many, 100k distinct':32}{input_count / repeated_seconds:>14,.0f}{repeated_seconds:>10.2f}"
    )
    print(
        f"C fast path built: {'yes' if ACCELERATED else 'no'}; invalid inputs found: {invalid:,}; "
        f"screening / set = {screen_seconds / set_seconds:.1f}x "
        f"(Python path {python_seconds / set_seconds:.0f}x)"
    )
    print("cost of each kind of input (20,000 distinct of one kind):")
    for maker, _weight in MIX:
        sample = [maker() for _ in range(20_000)]
        started = time.perf_counter()
        index.screen_many(sample)
        each = (time.perf_counter() - started) / len(sample)
        print(f"  {maker.__name__:12} {each * 1e6:6.2f} µs  ({1 / each:>11,.0f} addresses/s)")


def write_sdn_xml(path: Path, target_mb: int) -> int:
    """An SDN-shaped file: parties with aliases, addresses, features and sanctions entries."""
    from tests.screening.list_files import OFAC_NAMESPACE  # the element names the tests build

    codes = {"XBT": 344, "ETH": 345, "TRX": 1001}
    addresses = 0
    with path.open("w", encoding="utf-8") as out:
        out.write(f'<?xml version="1.0" encoding="utf-8"?>\n<Sanctions xmlns="{OFAC_NAMESPACE}">')
        out.write(
            "<DateOfIssue><Year>2026</Year><Month>12</Month><Day>1</Day></DateOfIssue><ReferenceValueSets>"
        )
        out.write("<FeatureTypeValues>")
        out.write(
            "".join(
                f'<FeatureType ID="{i}">Digital Currency Address - {c}</FeatureType>'
                for c, i in codes.items()
            )
        )
        out.write('<FeatureType ID="8">Website</FeatureType></FeatureTypeValues><SanctionsTypeValues>')
        out.write('<SanctionsType ID="1">Program</SanctionsType></SanctionsTypeValues></ReferenceValueSets>')
        out.write("<DistinctParties>")
        profile = 0
        while out.tell() < target_mb * 1_000_000 * 0.9:
            profile += 1
            aliases = "".join(
                f'<Alias FixedRef="{profile}" AliasTypeID="1400" Primary="{str(a == 0).lower()}" '
                f'LowQuality="false">'
                f'<DocumentedName ID="{profile * 10 + a}" DocNameStatusID="1"><DocumentedNamePart>'
                f'<NamePartValue NamePartGroupID="{a}" ScriptID="215">NAME {profile} ALIAS {a}'
                f"</NamePartValue>"
                f"</DocumentedNamePart></DocumentedName></Alias>"
                for a in range(6)
            )
            features = ""
            if profile % 5 == 0:
                maker = (btc_p2pkh, evm_eip55, tron)[profile % 3]
                code = ("XBT", "ETH", "TRX")[profile % 3]
                addresses += 1
                features = (
                    f'<Feature ID="{profile}" FeatureTypeID="{codes[code]}"><FeatureVersion ID="{profile}">'
                    f'<VersionDetail DetailTypeID="1432">{maker()}</VersionDetail></FeatureVersion></Feature>'
                )
            features += (
                f'<Feature ID="{profile}9" FeatureTypeID="8"><FeatureVersion ID="{profile}9"><VersionDetail '
                f'DetailTypeID="1432">https://example.org/{hashlib.sha256(str(profile).encode()).hexdigest()}'
                f"</VersionDetail></FeatureVersion></Feature>"
            )
            out.write(
                f'<DistinctParty FixedRef="{profile}"><Profile ID="{profile}" PartySubTypeID="3">'
                f'<Identity ID="{profile}" Primary="true">{aliases}</Identity>{features}'
                f"</Profile></DistinctParty>"
            )
        out.write("</DistinctParties><SanctionsEntries>")
        for number in range(1, profile + 1):
            out.write(
                f'<SanctionsEntry ID="{number}" ProfileID="{number}" ListID="1550">'
                f'<SanctionsMeasure ID="{number}" '
                f'SanctionsTypeID="1"><Comment>CYBER2</Comment></SanctionsMeasure></SanctionsEntry>'
            )
        out.write("</SanctionsEntries></Sanctions>")
    return addresses


def import_benchmark(target_mb: int) -> None:
    from cyberdelta.platform.actor import Actor
    from cyberdelta.platform.db.engine import make_engine, make_session_factory, transaction
    from cyberdelta.platform.db.migrate import upgrade
    from cyberdelta.screening.lists import import_list

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "sdn_advanced.xml"
        started = time.perf_counter()
        addresses = write_sdn_xml(path, target_mb)
        size = path.stat().st_size / 1_000_000
        print(
            f"generated {size:.0f} MB SDN-shaped XML with {addresses:,} addresses "
            f"in {time.perf_counter() - started:.1f} s"
        )
        engine = make_engine(f"sqlite:///{Path(folder) / 'bench.sqlite3'}")
        upgrade(engine)
        before = rss_mb()
        started = time.perf_counter()
        with transaction(make_session_factory(engine)) as session:
            result = import_list(
                session, path, source="ofac-sdn-xml", filename=path.name, actor=Actor.console()
            )
        seconds = time.perf_counter() - started
        print(
            f"imported {result.entry_count:,} addresses in {seconds:.1f} s; peak RSS {rss_mb():.0f} MB "
            f"(before the import {before:.0f} MB; the {size:.0f} MB file is streamed, never read whole)"
        )
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--inputs", type=int, default=1_000_000)
    parser.add_argument("--listed", type=int, default=100_000)
    parser.add_argument("--xml-mb", type=int, default=100)
    parser.add_argument("--import-only", action="store_true", help="only the XML import (a fresh process)")
    args = parser.parse_args()
    if args.import_only:
        import_benchmark(args.xml_mb)
        return
    batch_benchmark(args.listed, args.inputs)
    # The import runs in a process of its own, so that its peak memory is not the batch's.
    subprocess.run([sys.executable, __file__, "--import-only", "--xml-mb", str(args.xml_mb)], check=True)


if __name__ == "__main__":
    main()
