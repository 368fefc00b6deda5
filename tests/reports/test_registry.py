"""The output registry: one module and one line per format; the CLI and the writer follow it."""

import importlib
import inspect
import subprocess
import sys

from typer.testing import CliRunner

from reports import FORMATS, OUTPUTS, parse_formats, writer
from scanner.cli import app


def test_every_registered_format_has_a_writer_module():
    names = [name for name, _ in OUTPUTS.values()]
    assert len(set(names)) == len(names)
    for fmt, (_, module_name) in OUTPUTS.items():
        module = importlib.import_module(module_name)
        assert writer(fmt) is module.write
        assert list(inspect.signature(module.write).parameters) == ["result", "path"]
    assert parse_formats(",".join(reversed(FORMATS))) == tuple(reversed(FORMATS))


def test_the_scan_help_lists_the_registered_formats():
    text = CliRunner().invoke(app, ["scan", "--help"], terminal_width=200).output
    assert f"Comma-separated: {','.join(FORMATS)}." in " ".join(text.split())


def test_reading_the_registry_loads_no_renderer():
    code = (
        "import sys, reports\n"
        "print(sorted(m for m in sys.modules if m.startswith('reports.') or m == 'pandas'))"
    )
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert loaded.stdout.strip() == "['reports.folder']"
