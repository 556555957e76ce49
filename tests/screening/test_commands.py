"""``cyberdelta screen …`` as a real process on both databases: exit 0 no hit, 5 hit, 2 bad input."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from cyberdelta.platform.settings import Settings
from tests.screening.test_lists import LAZARUS_BTC, LAZARUS_ETH, SDN_XML
from tests.test_cli import run_cli


def test_import_check_batch_and_lists(settings: Settings, tmp_path: Path) -> None:
    sdn = tmp_path / "sdn_advanced.xml"
    sdn.write_bytes(SDN_XML)
    imported = run_cli(settings, "screen", "import", str(sdn), "--source", "ofac-sdn-xml")
    assert imported.returncode == 0, imported.stderr
    assert "4 addresses, 1 skipped" in imported.stdout
    assert "5be5543ff73456ab9f2d207887e2af87322c651ea1a873c5b25b7ffae456c320" in imported.stderr

    hit = run_cli(settings, "screen", "check", LAZARUS_ETH.lower(), "--format", "json")
    assert hit.returncode == 5, hit.stderr
    (result,) = json.loads(hit.stdout)
    assert result["chain"] == "evm"
    assert result["normalised"] == LAZARUS_ETH.lower()
    assert result["hits"][0]["entry"] == "27307"
    assert result["hits"][0]["programme"] == "DPRK3"

    clean = run_cli(settings, "screen", "check", "1BpEi6DfDAUFd7GtittLSdBeYJvcoaVggu", "--chain", "bitcoin")
    assert clean.returncode == 0, clean.stderr
    assert "no hit" in clean.stdout

    bad = run_cli(settings, "screen", "check", "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5")
    assert bad.returncode == 2
    assert "checksum does not match" in bad.stdout

    batch_in = tmp_path / "in.csv"
    batch_in.write_text(f"address,chain\n{LAZARUS_BTC},\n=HYPERLINK(1),\n{LAZARUS_ETH},ethereum\n")
    batch_out = tmp_path / "out.csv"
    batch = run_cli(settings, "screen", "batch", str(batch_in), "--out", str(batch_out))
    assert batch.returncode == 5, batch.stderr
    rows = list(csv.DictReader(batch_out.read_text(encoding="utf-8-sig").splitlines()))
    assert [(r["input"], r["valid"], r["hits"]) for r in rows] == [
        (LAZARUS_BTC, "true", "1"),
        ("'=HYPERLINK(1)", "false", "0"),
        (LAZARUS_ETH, "true", "1"),
    ]

    lists = run_cli(settings, "screen", "lists")
    assert lists.returncode == 0
    assert "ofac-sdn-xml" in lists.stdout


def test_bad_input_exits_2(settings: Settings, tmp_path: Path) -> None:
    unknown_chain = run_cli(settings, "screen", "check", LAZARUS_BTC, "--chain", "dogecoin")
    assert unknown_chain.returncode == 2
    assert "unknown chain" in unknown_chain.stderr
    unknown_source = run_cli(settings, "screen", "import", str(tmp_path), "--source", "eu")
    assert unknown_source.returncode == 2
    japanese = run_cli(settings, "screen", "check", "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5", lang="ja")
    assert japanese.returncode == 2
    assert "チェックサムが一致しません" in japanese.stdout
