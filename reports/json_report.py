"""findings.json: the machine contract (schema_version "1", see DESIGN.md)."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

from scanner.engine.evaluate import python_value
from scanner.model import ScanResult

SCHEMA_VERSION = "1"


def document(result: ScanResult) -> dict[str, Any]:
    """The findings.json document as a Python object."""
    records = result.findings.astype(object).to_dict("records")
    findings = [{k: python_value(v) for k, v in r.items()} for r in records]
    return {
        "schema_version": SCHEMA_VERSION,
        "scan": asdict(result.meta),
        "summary": result.summary(),
        "findings": findings,
        "plan": dict(result.plan),
        "waivers": dict(result.waivers),
        "history": dict(result.history),
        "rules": [
            {
                "id": r.spec.id,
                "title": r.spec.title,
                "severity": r.spec.severity or "calendar",
                "category": r.spec.category,
                "target": r.spec.target,
                "verdict": r.spec.verdict,
                "retirement": r.spec.retirement,
                "references": [ref.model_dump() for ref in r.spec.references],
            }
            for r in result.pack.rules
        ],
    }


def write(result: ScanResult, path: Path) -> None:
    with path.open("w", encoding="utf-8") as fh:
        json.dump(document(result), fh, ensure_ascii=False, indent=1, default=str)
        fh.write("\n")
