"""junit.xml: the scan as JUnit test results, for the test views of Azure DevOps and GitHub.

One test suite per rule (in catalogue order, rules without findings included), one test case per
resource the rule evaluated: `fail` is a failure carrying the finding's message, `unknown`,
`manual` and `waived` are skipped with the reason, `pass` passes. Written as a stream with the
standard library's XMLGenerator (it escapes every text and attribute), so a large estate's document
never exists in memory as a tree.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from xml.sax.saxutils import XMLGenerator
from xml.sax.xmlreader import AttributesImpl

from scanner.model import ScanResult, python_value

#: Characters XML 1.0 cannot carry at all, even escaped; tenant text could hold them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
SKIPPED = ("unknown", "manual", "waived")
_COLUMNS = ("rule_id", "status", "severity", "resource_id", "resource_name", "message", "remediation")


def _text(value: Any) -> str:
    value = python_value(value)
    return "" if value is None else _NOT_XML.sub("\ufffd", str(value))


def skip_reason(status: str, message: str, waiver: Any) -> str:
    """Why a finding is skipped, in one line."""
    if status == "waived" and isinstance(waiver, dict):
        parts = [f"waived: {waiver.get('justification') or ''}".strip()]
        parts += [f"{k} {waiver[k]}" for k in ("owner", "expires", "ticket") if waiver.get(k)]
        return "; ".join(parts)
    if status == "manual":
        return f"manual check: {message}"
    return f"{status}: {message}"


def write(result: ScanResult, path: Path) -> None:
    findings = result.findings
    columns = {name: findings[name].tolist() for name in _COLUMNS}
    waivers = findings["waiver"].tolist()
    evidence = findings["evidence"].tolist()
    by_rule: dict[str, list[int]] = {}
    for position, rule_id in enumerate(columns["rule_id"]):
        by_rule.setdefault(str(rule_id), []).append(position)
    statuses = [str(s) for s in columns["status"]]
    timestamp = str(result.meta.started_at).removesuffix("Z")

    def counts(positions: list[int]) -> dict[str, str]:
        failures = sum(1 for i in positions if statuses[i] == "fail")
        skipped = sum(1 for i in positions if statuses[i] in SKIPPED)
        return {
            "tests": str(len(positions)),
            "failures": str(failures),
            "errors": "0",
            "skipped": str(skipped),
            "time": "0",
        }

    with path.open("w", encoding="utf-8") as fh:
        xml = XMLGenerator(fh, encoding="utf-8", short_empty_elements=True)
        xml.startDocument()
        xml.startElement("testsuites", _attrs(name="classic-scan", **counts(list(range(len(statuses))))))
        for rule in result.pack.rules:
            positions = by_rule.get(rule.id, [])
            xml.ignorableWhitespace("\n")
            name = _text(f"{rule.id}: {rule.spec.title}")
            xml.startElement("testsuite", _attrs(name=name, **counts(positions), timestamp=timestamp))
            for i in positions:
                xml.ignorableWhitespace("\n")
                case = _text(columns["resource_id"][i])
                xml.startElement("testcase", _attrs(classname=_text(rule.id), name=case, time="0"))
                status, message = statuses[i], _text(columns["message"][i])
                if status == "fail":
                    body = _failure_body(columns["remediation"][i], evidence[i])
                    xml.startElement("failure", _attrs(message=message, type=_text(columns["severity"][i])))
                    xml.characters(body)
                    xml.endElement("failure")
                elif status in SKIPPED:
                    reason = _text(skip_reason(status, message, python_value(waivers[i])))
                    xml.startElement("skipped", _attrs(message=reason))
                    xml.endElement("skipped")
                xml.endElement("testcase")
            xml.endElement("testsuite")
        xml.ignorableWhitespace("\n")
        xml.endElement("testsuites")
        xml.ignorableWhitespace("\n")
        xml.endDocument()


def _attrs(**values: str) -> AttributesImpl[str]:
    return AttributesImpl(values)


def _failure_body(remediation: Any, evidence: Any) -> str:
    parts = []
    if _text(remediation):
        parts.append(f"Remediation: {_text(remediation)}")
    value = python_value(evidence)
    if value:
        parts.append("Evidence: " + _text(json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)))
    return "\n".join(parts)
