"""Check the content of the built-in CSSA catalog (OSCAL 1.1 JSON).

Validates the file with compliance-trestle and then checks the structural
rules the application relies on: ids, props and their order, the four parts,
level/weight/CSF/tag/seed vocabularies, links to back-matter resources,
Japanese/English separation, counts per domain and the share of basic controls.

Usage: python scripts/check_catalog_content.py [path/to/cssa-catalog.json]
Exit status 0 when clean, 1 when any problem is found.
"""

from __future__ import annotations

import json
import re
import sys
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

NS = "https://cyberdelta.dev/ns/oscal"
DEFAULT_PATH = Path(__file__).resolve().parent.parent / "src/cyberdelta/catalog/data/cssa-catalog.json"

CATALOG_UUID = "5b1f3c2e-8a7d-4f6b-9c1e-2d4a6b8c0e13"
DOMAINS = ["gv", "id", "pr", "de", "rs", "tp", "cx"]
DOMAIN_SECTIONS = {
    "gv": "2.1",
    "id": "2.2",
    "pr": "2.3",
    "de": "2.4",
    "rs": "2.5",
    "tp": "2.6",
    "cx": "crypto",
}
DOMAIN_RANGES = {
    "gv": (15, 18),
    "id": (18, 22),
    "pr": (22, 26),
    "de": (10, 12),
    "rs": (12, 14),
    "tp": (12, 14),
    "cx": (30, 36),
}
TOTAL_RANGE = (120, 140)
BASIC_SHARE = (0.55, 0.60)

TAGS = {
    "crypto",
    "social-engineering",
    "third-party",
    "signing",
    "wallet",
    "aml",
    "pqc",
    "management",
    "exercise",
    "intel-sharing",
    "withdrawal",
    "customer-protection",
}
SEEDS = {"000", "001", "002", "003", "004", "framework"}
LEVELS = {"basic", "desirable"}
WEIGHTS = {"1", "2", "3"}


def _csf_subcategories() -> set[str]:
    """NIST CSF 2.0 subcategory identifiers (withdrawn ones excluded)."""
    spec = {
        "GV.OC": range(1, 6),
        "GV.RM": range(1, 8),
        "GV.RR": range(1, 5),
        "GV.PO": range(1, 3),
        "GV.OV": range(1, 4),
        "GV.SC": range(1, 11),
        "ID.AM": [1, 2, 3, 4, 5, 7, 8],
        "ID.RA": range(1, 11),
        "ID.IM": range(1, 5),
        "PR.AA": range(1, 7),
        "PR.AT": range(1, 3),
        "PR.DS": [1, 2, 10, 11],
        "PR.PS": range(1, 7),
        "PR.IR": range(1, 5),
        "DE.CM": [1, 2, 3, 6, 9],
        "DE.AE": [2, 3, 4, 6, 7, 8],
        "RS.MA": range(1, 6),
        "RS.AN": [3, 6, 7, 8],
        "RS.CO": [2, 3],
        "RS.MI": [1, 2],
        "RC.RP": range(1, 7),
        "RC.CO": [3, 4],
    }
    return {f"{cat}-{n:02d}" for cat, numbers in spec.items() for n in numbers}


CSF = _csf_subcategories()

JA_CHAR = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")
HALF_WIDTH_PUNCT_JA = re.compile(r"[,;:!?()]|(?<![A-Za-z0-9])\.")
ABBREVIATIONS = re.compile(r"\b(e\.g\.|i\.e\.|etc\.|Ver\.|No\.)")


class Report:
    def __init__(self) -> None:
        self.errors: list[str] = []

    def error(self, where: str, message: str) -> None:
        self.errors.append(f"{where}: {message}")


def is_uuid4(value: str) -> bool:
    try:
        return uuid.UUID(value).version == 4 and str(uuid.UUID(value)) == value.lower()
    except ValueError:
        return False


def english_sentences(text: str) -> int:
    cleaned = ABBREVIATIONS.sub("", text)
    return len(re.findall(r"[.!?](?=\s|$)", cleaned))


def japanese_sentences(text: str) -> int:
    return text.count("。")


def check_prop(report: Report, where: str, prop: dict[str, Any], name: str, namespaced: bool) -> None:
    if prop.get("name") != name:
        report.error(where, f"expected prop {name!r}, found {prop.get('name')!r}")
    if namespaced and prop.get("ns") != NS:
        report.error(where, f"prop {name!r} must have ns {NS}")
    if not namespaced and "ns" in prop:
        report.error(where, f"prop {name!r} must not have ns")


def check_english(report: Report, where: str, text: str) -> None:
    if JA_CHAR.search(text):
        report.error(where, "English text contains Japanese characters")
    if not text or text != text.strip():
        report.error(where, "empty text or surrounding whitespace")


def check_japanese(
    report: Report, where: str, text: str, sentence_end: bool = True, punctuation: bool = True
) -> None:
    if not JA_CHAR.search(text):
        report.error(where, "Japanese text contains no Japanese characters")
    match = HALF_WIDTH_PUNCT_JA.search(text) if punctuation else None
    if match:
        report.error(where, f"half-width punctuation in Japanese text: {match.group()!r}")
    if sentence_end and not text.endswith("。"):
        report.error(where, "Japanese prose must end with 。")


def check_control(
    report: Report, ctl: dict[str, Any], area_id: str, resources: dict[str, str]
) -> dict[str, Any]:
    cid = ctl.get("id", "?")
    where = f"control {cid}"
    if not re.fullmatch(rf"{re.escape(area_id)}\.[1-9][0-9]*", cid):
        report.error(where, f"id must look like {area_id}.N")
    if ctl.get("class") != "cssa-control":
        report.error(where, "class must be cssa-control")
    check_english(report, where + " title", ctl.get("title", ""))

    props = ctl.get("props", [])
    names = [pr.get("name") for pr in props]
    expected_head = ["label", "title-ja", "level", "weight"]
    if names[:4] != expected_head:
        report.error(where, f"props must start with {expected_head}, found {names[:4]}")
    rest = names[4:]
    order = {"csf-2.0": 0, "tag": 1, "seed": 2}
    ranks = [order.get(n, -1) for n in rest]
    if -1 in ranks or ranks != sorted(ranks):
        report.error(where, f"after weight, props must be csf-2.0*, tag*, seed* in that order, found {rest}")
    info: dict[str, Any] = {"id": cid, "level": None, "weight": None, "csf": [], "tags": [], "seeds": []}
    for prop in props:
        name, value = prop.get("name"), prop.get("value", "")
        if name == "label":
            check_prop(report, where, prop, "label", namespaced=False)
            if value != cid.upper():
                report.error(where, f"label {value!r} must be {cid.upper()!r}")
        elif name == "title-ja":
            check_prop(report, where, prop, "title-ja", namespaced=True)
            check_japanese(report, where + " title-ja", value, sentence_end=False)
        elif name == "level":
            check_prop(report, where, prop, "level", namespaced=True)
            if value not in LEVELS:
                report.error(where, f"level {value!r} not in {sorted(LEVELS)}")
            info["level"] = value
        elif name == "weight":
            check_prop(report, where, prop, "weight", namespaced=True)
            if value not in WEIGHTS:
                report.error(where, f"weight {value!r} not in {sorted(WEIGHTS)}")
            info["weight"] = value
        elif name == "csf-2.0":
            check_prop(report, where, prop, "csf-2.0", namespaced=True)
            if value not in CSF:
                report.error(where, f"unknown CSF 2.0 subcategory {value!r}")
            info["csf"].append(value)
        elif name == "tag":
            check_prop(report, where, prop, "tag", namespaced=True)
            if value not in TAGS:
                report.error(where, f"unknown tag {value!r}")
            info["tags"].append(value)
        elif name == "seed":
            check_prop(report, where, prop, "seed", namespaced=True)
            if value not in SEEDS:
                report.error(where, f"unknown seed {value!r}")
            info["seeds"].append(value)
        else:
            report.error(where, f"unexpected prop {name!r}")
    for key in ("csf", "tags", "seeds"):
        if len(set(info[key])) != len(info[key]):
            report.error(where, f"duplicate {key} values")
    if not 1 <= len(info["csf"]) <= 3:
        report.error(where, "needs 1 to 3 csf-2.0 mappings")
    if not info["seeds"]:
        report.error(where, "needs at least one seed")
    if "framework" in info["seeds"] and len(info["seeds"]) > 1:
        report.error(where, "seed 'framework' is only for controls drawn from public frameworks alone")
    if info["level"] is None or info["weight"] is None:
        report.error(where, "level and weight are required")
    if "title-ja" not in names:
        report.error(where, "title-ja is required")

    expected_links = [
        {"href": "#" + resources[s], "rel": "reference"} for s in info["seeds"] if s in resources
    ]
    if ctl.get("links") != expected_links:
        report.error(
            where, "links must reference exactly the back-matter resources of its seeds, in seed order"
        )

    parts = ctl.get("parts", [])
    expected_parts = [
        (f"{cid}_smt", "statement", False),
        (f"{cid}_smt.ja", "statement-ja", True),
        (f"{cid}_gdn", "guidance", False),
        (f"{cid}_gdn.ja", "guidance-ja", True),
    ]
    if [(pt.get("id"), pt.get("name")) for pt in parts] != [(i, n) for i, n, _ in expected_parts]:
        report.error(where, "parts must be statement, statement-ja, guidance, guidance-ja with matching ids")
    for part, (_, name, japanese) in zip(parts, expected_parts, strict=False):
        prose = part.get("prose", "")
        pwhere = f"{where} {name}"
        if japanese:
            if part.get("ns") != NS:
                report.error(pwhere, f"part must have ns {NS}")
            check_japanese(report, pwhere, prose)
        else:
            if "ns" in part:
                report.error(pwhere, "part must not have ns")
            check_english(report, pwhere, prose)
        if name.startswith("guidance"):
            count = japanese_sentences(prose) if japanese else english_sentences(prose)
            if not 1 <= count <= 3:
                report.error(pwhere, f"guidance should have 1-3 sentences, found {count}")
        if name.startswith("statement") and not japanese and not prose.endswith("."):
            report.error(pwhere, "English statement must end with a full stop")
    return info


def collect_ids(node: Any, found: Counter[str]) -> None:
    if isinstance(node, dict):
        if isinstance(node.get("id"), str):
            found[node["id"]] += 1
        for value in node.values():
            collect_ids(value, found)
    elif isinstance(node, list):
        for item in node:
            collect_ids(item, found)


def collect_uuids(node: Any, found: list[str]) -> None:
    if isinstance(node, dict):
        if isinstance(node.get("uuid"), str):
            found.append(node["uuid"])
        for value in node.values():
            collect_uuids(value, found)
    elif isinstance(node, list):
        for item in node:
            collect_uuids(item, found)


def validate_with_trestle(report: Report, catalog: dict[str, Any]) -> None:
    try:
        from trestle.oscal.catalog import Catalog
    except ImportError:
        report.error(
            "trestle", "compliance-trestle is not installed; cannot validate against the OSCAL model"
        )
        return
    try:
        if hasattr(Catalog, "model_validate"):
            Catalog.model_validate(catalog)
        else:
            Catalog.parse_obj(catalog)
    except Exception as exc:  # trestle raises pydantic validation errors; report them all
        report.error("trestle", f"OSCAL validation failed: {exc}")


def check(path: Path) -> tuple[Report, list[dict[str, Any]]]:
    report = Report()
    raw = path.read_bytes().decode("utf-8")
    doc = json.loads(raw)
    if raw != json.dumps(doc, ensure_ascii=False, indent=2) + "\n":
        report.error("file", "not formatted as json.dumps(ensure_ascii=False, indent=2) plus a final newline")
    if list(doc) != ["catalog"]:
        report.error("file", "top-level key must be exactly 'catalog'")
    catalog = doc.get("catalog", {})
    validate_with_trestle(report, catalog)

    if catalog.get("uuid") != CATALOG_UUID:
        report.error("catalog", f"uuid must be {CATALOG_UUID}")
    meta = catalog.get("metadata", {})
    expected_meta = {
        "title": "CyberDelta CSSA control catalog for crypto-asset exchanges",
        "last-modified": "2026-11-23T00:00:00+00:00",
        "version": "2026.1",
        "oscal-version": "1.1.2",
    }
    for key, value in expected_meta.items():
        if meta.get(key) != value:
            report.error("metadata", f"{key} must be {value!r}, found {meta.get(key)!r}")
    title_ja = [pr for pr in meta.get("props", []) if pr.get("name") == "title-ja" and pr.get("ns") == NS]
    if len(title_ja) != 1:
        report.error("metadata", "needs exactly one title-ja prop")
    if not meta.get("remarks"):
        report.error("metadata", "remarks are required")

    resources: dict[str, str] = {}
    for res in catalog.get("back-matter", {}).get("resources", []):
        where = f"resource {res.get('uuid')}"
        seed = [pr.get("value") for pr in res.get("props", []) if pr.get("name") == "seed"]
        if not res.get("title") or not any(pr.get("name") == "title-ja" for pr in res.get("props", [])):
            report.error(where, "needs title and title-ja")
        if not res.get("citation", {}).get("text"):
            report.error(where, "needs citation.text")
        else:
            # Citations may quote English titles, so only require some Japanese text.
            check_japanese(
                report, where + " citation", res["citation"]["text"], sentence_end=False, punctuation=False
            )
        if len(seed) == 1:
            resources[seed[0]] = res["uuid"]
    if set(resources) != SEEDS:
        report.error(
            "back-matter", f"needs one resource per seed and one for the framework, found {sorted(resources)}"
        )

    uuids: list[str] = []
    collect_uuids(catalog, uuids)
    for value in uuids:
        if not is_uuid4(value):
            report.error("uuid", f"{value} is not a lowercase version-4 UUID")
    if len(set(uuids)) != len(uuids):
        report.error("uuid", "duplicate uuids")
    ids: Counter[str] = Counter()
    collect_ids(catalog, ids)
    for value, count in ids.items():
        if count > 1:
            report.error("ids", f"{value} is used {count} times")

    controls: list[dict[str, Any]] = []
    groups = catalog.get("groups", [])
    if [g.get("id") for g in groups] != DOMAINS:
        report.error("groups", f"domains must be {DOMAINS} in that order")
    for group in groups:
        gid = group.get("id", "?")
        where = f"domain {gid}"
        if group.get("class") != "domain" or not group.get("title"):
            report.error(where, "class must be domain and title is required")
        names = [pr.get("name") for pr in group.get("props", [])]
        if names != ["label", "title-ja", "guideline-section"]:
            report.error(where, f"props must be label, title-ja, guideline-section; found {names}")
        else:
            label, title, section = group["props"]
            check_prop(report, where, label, "label", namespaced=False)
            check_prop(report, where, title, "title-ja", namespaced=True)
            check_prop(report, where, section, "guideline-section", namespaced=True)
            if label.get("value") != gid.upper():
                report.error(where, "label must be the upper-case id")
            if section.get("value") != DOMAIN_SECTIONS.get(gid):
                report.error(where, f"guideline-section must be {DOMAIN_SECTIONS.get(gid)}")
        for number, area in enumerate(group.get("groups", []), start=1):
            aid = area.get("id", "?")
            awhere = f"area {aid}"
            if aid != f"{gid}-{number}":
                report.error(awhere, f"expected id {gid}-{number}")
            if area.get("class") != "area" or not area.get("title"):
                report.error(awhere, "class must be area and title is required")
            anames = [pr.get("name") for pr in area.get("props", [])]
            if anames != ["label", "title-ja"] or area["props"][0].get("value") != aid.upper():
                report.error(awhere, "props must be label (upper-case id) and title-ja")
            if not area.get("controls"):
                report.error(awhere, "area has no controls")
            for index, ctl in enumerate(area.get("controls", []), start=1):
                if ctl.get("id") != f"{aid}.{index}":
                    report.error(f"control {ctl.get('id')}", f"expected id {aid}.{index} (sequential)")
                info = check_control(report, ctl, aid, resources)
                info["domain"] = gid
                controls.append(info)

    for gid, (low, high) in DOMAIN_RANGES.items():
        count = sum(1 for c in controls if c["domain"] == gid)
        if not low <= count <= high:
            report.error("counts", f"{gid}: {count} controls, expected {low}-{high}")
    if not TOTAL_RANGE[0] <= len(controls) <= TOTAL_RANGE[1]:
        report.error("counts", f"{len(controls)} controls in all, expected {TOTAL_RANGE[0]}-{TOTAL_RANGE[1]}")
    if controls:
        share = sum(1 for c in controls if c["level"] == "basic") / len(controls)
        if not BASIC_SHARE[0] <= share <= BASIC_SHARE[1]:
            report.error(
                "counts", f"basic share {share:.1%}, expected {BASIC_SHARE[0]:.0%}-{BASIC_SHARE[1]:.0%}"
            )
    return report, controls


def print_summary(controls: list[dict[str, Any]]) -> None:
    print(f"{'domain':<8}{'controls':>9}{'basic':>7}{'desir.':>8}{'w1':>5}{'w2':>5}{'w3':>5}")
    for gid in [*DOMAINS, "all"]:
        subset = [c for c in controls if gid == "all" or c["domain"] == gid]
        levels = Counter(c["level"] for c in subset)
        weights = Counter(c["weight"] for c in subset)
        print(
            f"{gid:<8}{len(subset):>9}{levels['basic']:>7}{levels['desirable']:>8}"
            f"{weights['1']:>5}{weights['2']:>5}{weights['3']:>5}"
        )
    if controls:
        basic = sum(1 for c in controls if c["level"] == "basic")
        print(f"basic share: {basic / len(controls):.1%}")
    tags = Counter(t for c in controls for t in c["tags"])
    seeds = Counter(s for c in controls for s in c["seeds"])
    print("tags:  " + ", ".join(f"{k}={v}" for k, v in sorted(tags.items())))
    print("seeds: " + ", ".join(f"{k}={v}" for k, v in sorted(seeds.items())))


def main(argv: list[str]) -> int:
    path = Path(argv[1]) if len(argv) > 1 else DEFAULT_PATH
    report, controls = check(path)
    print_summary(controls)
    if report.errors:
        print(f"\n{len(report.errors)} problem(s):")
        for line in report.errors:
            print("  - " + line)
        return 1
    print("\nOK: catalog content is valid")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
