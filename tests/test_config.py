"""--config FILE: TOML with every scan option; validation errors name the file and key; precedence."""

from __future__ import annotations

from pathlib import Path

import pytest

from scanner.config import OPTIONS, PARAM_NAMES, load_config, merge
from scanner.errors import InputError


def write(tmp_path: Path, text: str, name: str = "scan.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


FULL = """
input = ["snap", "/abs/export.json"]
demo = false
out = "reports/contoso"
format = ["xlsx", "json"]
as_of = 2026-12-31
rules = "custom-rules"
cloud = "usgov"
customer = "Contoso Ltd"
prepared-by = "Fabrikam Consulting"
logo = "~/logo.png"
subscription = ["0b1c2d3e-0000-4000-8000-000000000001", "@subs.txt"]
management_group = "corp"
tenant = "contoso.onmicrosoft.com"
auth = "msi"
arm_endpoint = "https://management.usgovcloudapi.net"
arm_details = true
save_snapshot = "snapshots/today"
waivers = "waivers.yaml"
history = "/var/lib/classic-scan/contoso.sqlite"
fail_on = "high"
mask = true
compress = true
"""


def test_every_option_converts_to_the_cli_types(tmp_path):
    values = load_config(write(tmp_path, FULL))
    assert set(values) == set(PARAM_NAMES.values())
    assert values["inputs"] == [tmp_path / "snap", Path("/abs/export.json")]
    assert values["demo"] is False
    assert values["out"] == tmp_path / "reports/contoso"
    assert values["formats"] == "xlsx,json"
    assert values["as_of"] == "2026-12-31"
    assert values["rules_dirs"] == [tmp_path / "custom-rules"]
    assert values["cloud"] == "usgov"
    assert values["prepared_by"] == "Fabrikam Consulting"
    assert values["logo"] == Path("~/logo.png").expanduser()
    assert values["subscription"] == ["0b1c2d3e-0000-4000-8000-000000000001", f"@{tmp_path / 'subs.txt'}"]
    assert values["management_group"] == ["corp"]
    assert values["auth"] == "msi"
    assert values["save_snapshot"] == tmp_path / "snapshots/today"
    assert values["waivers"] == tmp_path / "waivers.yaml"
    assert values["history"] == Path("/var/lib/classic-scan/contoso.sqlite")
    assert values["fail_on"] == "high"
    assert values["mask"] is True
    assert values["compress"] is True
    assert values["arm_details"] is True


def test_options_cover_the_documented_keys():
    documented = {
        "out",
        "format",
        "as_of",
        "rules",
        "cloud",
        "customer",
        "prepared_by",
        "logo",
        "subscription",
        "management_group",
        "tenant",
        "auth",
        "arm_endpoint",
        "arm_details",
        "save_snapshot",
        "waivers",
        "history",
        "fail_on",
        "mask",
        "compress",
        "input",
        "demo",
    }
    assert set(OPTIONS) == documented


def test_scan_table_and_string_forms(tmp_path):
    values = load_config(write(tmp_path, '[scan]\nformat = "json, csv"\nas-of = "2027-01-05"\ndemo = true\n'))
    assert values == {"formats": "json,csv", "as_of": "2027-01-05", "demo": True}


def test_relative_paths_follow_the_config_file_not_the_working_directory(tmp_path, monkeypatch):
    folder = tmp_path / "etc"
    folder.mkdir()
    path = write(folder, 'out = "../reports"\n')
    monkeypatch.chdir(tmp_path)
    assert load_config(path)["out"] == folder / "../reports"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("colour = 'red'\n", "unknown key 'colour'"),
        ("config = 'other.toml'\n", "unknown key 'config' (a config file cannot name another)"),
        ("[scan]\nout = 'x'\nbogus = 1\n", "unknown key 'scan.bogus'"),
        ("out = 'x'\n[scan]\ndemo = true\n", "key 'out' outside the [scan] table"),
        ("demo = 'yes'\n", "'demo' must be true or false, not a string"),
        ("mask = 1\n", "'mask' must be true or false, not a number"),
        ("out = 3\n", "'out' must be a path (string), not a number"),
        ("out = ''\n", "'out' must be a path (string), not an empty string"),
        ("input = ['a', 3]\n", "'input' must be a path or a list of paths, not a number (item 2)"),
        ("rules = []\n", "'rules' must be a path or a list of paths, not an empty list"),
        ("subscription = {id = 'x'}\n", "'subscription' must be a subscription id, @FILE, or a list"),
        ("format = 7\n", "'format' must be a format name"),
        (
            "as_of = 2026-12-31T10:00:00\n",
            "'as_of' must be a date (2026-12-31, quoted or not), not a date-time",
        ),
        ("as_of = '31/12/2026'\n", "'as_of' must be a date (2026-12-31, quoted or not), not '31/12/2026'"),
        ("cloud = 'mars'\n", "'cloud' is 'mars'; choose from public, usgov, china"),
        ("auth = 'password'\n", "'auth' is 'password'; choose from default, cli, env, msi, workload, device"),
        ("customer = ['a']\n", "'customer' must be a string, not a list"),
        ("prepared_by = 'a'\nprepared-by = 'b'\n", "'prepared-by' repeats 'prepared_by'"),
    ],
)
def test_errors_name_the_file_and_the_key(tmp_path, text, expected):
    path = write(tmp_path, text)
    with pytest.raises(InputError) as info:
        load_config(path)
    message = str(info.value)
    assert message.startswith(f"--config {path}: ")
    assert expected in message
    assert "\n" not in message


def test_toml_syntax_error_names_the_line(tmp_path):
    path = write(tmp_path, 'out = "x"\ncustomer = "unterminated\n')
    with pytest.raises(InputError, match=r"not valid TOML: .*line 2"):
        load_config(path)


def test_unreadable_files(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        load_config(tmp_path / "missing.toml")
    with pytest.raises(InputError, match="is a directory"):
        load_config(tmp_path)
    bad = tmp_path / "latin1.toml"
    bad.write_bytes(b'customer = "Soci\xe9t\xe9"\n')
    with pytest.raises(InputError, match=r"latin1\.toml: not (UTF-8|valid TOML)"):
        load_config(bad)


# --- precedence ----------------------------------------------------------------------------------------

DEFAULTS = {
    "inputs": None,
    "demo": False,
    "out": Path("classic-scan-report"),
    "formats": "xlsx,html,json,csv",
    "as_of": None,
    "rules_dirs": None,
    "customer": None,
    "subscription": None,
    "management_group": None,
    "auth": "default",
    "save_snapshot": None,
    "fail_on": None,
    "mask": False,
}


def test_config_fills_what_the_command_line_did_not_give():
    config = {"out": Path("/r"), "formats": "json", "auth": "msi", "mask": True, "fail_on": "high"}
    merged = merge(DEFAULTS, set(), config)
    assert merged == {**DEFAULTS, **config}


def test_command_line_wins_even_when_it_repeats_the_default():
    config = {"out": Path("/r"), "auth": "msi", "formats": "json", "rules_dirs": [Path("/a"), Path("/b")]}
    cli = {**DEFAULTS, "auth": "default", "rules_dirs": [Path("/c")]}
    merged = merge(cli, {"auth", "rules_dirs"}, config)
    assert merged["auth"] == "default"  # given explicitly, although it is the default
    assert merged["rules_dirs"] == [Path("/c")]  # a list on the command line replaces the config's
    assert merged["out"] == Path("/r")
    assert merged["formats"] == "json"


def test_an_offline_source_on_the_command_line_drops_the_configs_live_options():
    config = {"subscription": ["s1"], "save_snapshot": Path("/snap"), "auth": "msi", "out": Path("/r")}
    cli = {**DEFAULTS, "inputs": [Path("export.json")]}
    merged = merge(cli, {"inputs"}, config)
    assert merged["inputs"] == [Path("export.json")]
    assert merged["subscription"] is None
    assert merged["save_snapshot"] is None
    assert merged["auth"] == "msi"
    assert merged["out"] == Path("/r")


def test_demo_on_the_command_line_replaces_the_configs_inputs():
    merged = merge({**DEFAULTS, "demo": True}, {"demo"}, {"inputs": [Path("/x")], "management_group": ["mg"]})
    assert merged["demo"] is True
    assert merged["inputs"] is None
    assert merged["management_group"] is None


def test_a_scope_on_the_command_line_replaces_the_configs_scope_and_source():
    config = {"management_group": ["corp"], "inputs": [Path("/x")], "save_snapshot": Path("/snap")}
    merged = merge({**DEFAULTS, "subscription": ["s1"]}, {"subscription"}, config)
    assert merged["subscription"] == ["s1"]
    assert merged["management_group"] is None
    assert merged["inputs"] is None
    assert merged["save_snapshot"] == Path("/snap")  # still a live scan: the snapshot option applies


def test_config_source_stays_when_the_command_line_chooses_none(tmp_path):
    config = load_config(write(tmp_path, "input = ['snap']\n"))
    merged = merge(DEFAULTS, {"out"}, config)
    assert merged["inputs"] == [tmp_path / "snap"]


def test_choice_values_are_case_insensitive(tmp_path):
    cfg = tmp_path / "c.toml"
    cfg.write_text('cloud = "USGov"\nauth = "MSI"\n')
    values = load_config(cfg)
    assert (values["cloud"], values["auth"]) == ("usgov", "msi")
