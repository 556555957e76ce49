"""The check printed for the signer (docs/signing.md, "Reading the result"): the values to compare
with the hardware wallet's screen first, then what the transaction does, the findings and the
verdict, in the language in force. Built from the same JSON object ``--format json`` prints."""

from __future__ import annotations

from typing import Any

from cyberdelta.platform.i18n import current_language
from cyberdelta.platform.i18n import gettext as _


def _verdict_line(verdict: str) -> str:
    if verdict == "block":
        return _("Verdict: BLOCK — do not sign.")
    if verdict == "warn":
        return _("Verdict: WARN — sign only once every warning is explained.")
    return _("Verdict: PASS — nothing in the policy stops this transaction.")


def _call_lines(call: dict[str, Any], depth: int = 0) -> list[str]:
    indent = "  " * (depth + 1)
    args = ", ".join(f"{name}={value}" for name, value in call["args"].items())
    what = call["method"] or call["kind"]
    if call["kind"] == "unknown":
        what = _("unknown call, selector %(selector)s", selector=call.get("selector", ""))
    line = f"{indent}{call['path']}  {call['operation']} → {call['to']}  {what}"
    if args and call["kind"] != "multisend":
        line += f"({args})"
    if call["value"] != "0":
        line += "  " + _("value %(value)s", value=call["value"])
    lines = [line]
    for inner in call.get("calls", []):
        lines += _call_lines(inner, depth + 1)
    return lines


def _finding_lines(findings: list[dict[str, Any]]) -> list[str]:
    key = "message_ja" if current_language() == "ja" else "message_en"
    lines = [_("Findings:")] if findings else [_("Findings: none")]
    for finding in findings:
        where = f" ({finding['path']})" if finding.get("path") else ""
        lines.append(f"  [{finding['severity'].upper()}] {finding['code']}{where}: {finding[key]}")
    return lines


def safe_text(result: dict[str, Any]) -> str:
    chain = result["chain_id"] if result["chain_id"] is not None else "-"
    lines = [
        _("Safe transaction check"),
        "  "
        + _(
            "Safe %(safe)s, chain %(chain)s, version %(version)s",
            safe=result["safe"],
            chain=chain,
            version=result["safe_version"],
        ),
        "  " + _("Nonce %(nonce)s", nonce=result["transaction"]["nonce"]),
        _("Compare with the hardware wallet:"),
        "  " + _("Domain hash") + f":  {result['domain_hash']}",
        "  " + _("Message hash") + f": {result['message_hash']}",
        f"  safeTxHash:   {result['safe_tx_hash']}",
        _("What it does:"),
        *_call_lines(result["decoded"]),
        *_finding_lines(result["findings"]),
        _verdict_line(result["verdict"]),
    ]
    return "\n".join(lines)


def psbt_text(result: dict[str, Any]) -> str:
    lines = [
        _("Bitcoin PSBT check"),
        "  "
        + _(
            "PSBT version %(version)s, network %(network)s",
            version=result["psbt_version"],
            network=result["network"],
        ),
        f"  txid: {result['txid']}",
        _("Inputs:"),
    ]
    for item in result["decoded"]["inputs"]:
        amount = item["amount"] if item["amount"] is not None else "?"
        lines.append(f"  #{item['index']} {item['prevout']}  {amount} sat  {item['address'] or '-'}")
    lines.append(_("Outputs:"))
    for item in result["decoded"]["outputs"]:
        mark = "  " + _("(change)") if item["change"] else ""
        lines.append(f"  #{item['index']} {item['address'] or item['script']}  {item['amount']} sat{mark}")
    fee = result["fee"] if result["fee"] is not None else "?"
    rate = result["fee_rate_sat_vb"] if result["fee_rate_sat_vb"] is not None else "?"
    lines.append(_("Fee: %(fee)s sat (about %(rate)s sat/vB)", fee=fee, rate=rate))
    lines += _finding_lines(result["findings"])
    lines.append(_verdict_line(result["verdict"]))
    return "\n".join(lines)
