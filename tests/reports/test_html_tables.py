"""The compact forms of report.html's scan-data tables: each decodes to exactly what it encoded."""

from __future__ import annotations

import numpy as np
import pytest

from reports import html_tables

SUB_A, SUB_B = "3b9e6d2a-41c7-4f85-a0d3-8e2c5f7b1a94", "c4a81f3e-92d6-4b07-b5e1-6f0d3a9c2e58"
VM = (
    f"/subscriptions/{SUB_A}/resourceGroups/Prod-RG/providers/Microsoft.ClassicCompute/virtualMachines/web-01"
)
ROWS = [
    # the usual form: stored as the index of its provider path
    [VM, "web-01", "microsoft.classiccompute/virtualmachines", 0, "Prod-RG", "northeurope", 1],
    # a child resource: its path holds the parent's name
    [
        f"/subscriptions/{SUB_B}/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm/extensions/ext",
        "ext",
        "microsoft.compute/virtualmachines/extensions",
        1,
        "rg",
        "westeurope",
        0,
    ],
    # no resource group in the id: kept as it is
    [
        f"/subscriptions/{SUB_A}/providers/Microsoft.Authorization/classicAdministrators/0003BFFD",
        "0003BFFD",
        "microsoft.authorization/classicadministrators",
        0,
        "",
        "",
        0,
    ],
    # the group's case differs between the id and the group column: kept as it is
    [VM.replace("Prod-RG", "PROD-RG").replace("web-01", "web-02"), "web-02", "t", 0, "Prod-RG", "x", 2],
    # the name is not the id's last segment
    [VM, "Web Front End", "t", 0, "Prod-RG", "x", 0],
    # no subscription known
    [VM, "web-01", "t", -1, "Prod-RG", "x", 0],
    # a subscription id upper-cased in the id, lower-cased in the table
    [VM.replace(SUB_A, SUB_A.upper()), "web-01", "t", 0, "Prod-RG", "x", 0],
]


def test_resources_by_column_give_back_every_row_and_id():
    columns = html_tables.resource_columns(ROWS, [SUB_A, SUB_B])
    assert columns["id"][:3] == [0, 1, ROWS[2][0]]
    assert columns["paths"] == [
        "Microsoft.ClassicCompute/virtualMachines",
        "Microsoft.Compute/virtualMachines/vm/extensions",
    ]
    assert all(isinstance(i, str) for i in columns["id"][2:])
    assert html_tables.resource_rows(columns, [SUB_A, SUB_B]) == ROWS


@pytest.mark.parametrize(
    "templates",
    [
        [
            "Classic VM \u0001 in cloud service cs-1 has no data disk.",
            "Classic VM \u0001 in cloud service cs-22 has no data disk.",
        ],
        ["abcab", "ab"],  # beginning and end would overlap in the shortest
        ["same", "same"],
        ["only one"],
        ["", "x"],
        ["aaa", "aa", "a"],
    ],
)
def test_message_templates_are_their_rule_affixes_and_a_middle(templates):
    first, last = html_tables.rule_affixes(templates)
    assert len(first) + len(last) <= min(len(t) for t in templates)
    for text in templates:
        assert text.startswith(first) and text.endswith(last)
        middle = text[len(first) : len(text) - len(last)]
        assert html_tables.template_text(first, middle, last) == text


def test_affixes_take_out_what_a_rule_repeats():
    first, last = html_tables.rule_affixes(
        ["Classic VM \u0001 in cs-1 has no disk.", "Classic VM \u0001 in cs-22 has no disk."]
    )
    assert (first, last) == ("Classic VM \u0001 in cs-", " has no disk.")


@pytest.mark.parametrize(
    "values",
    [
        [],
        [7],
        [0] * 100,
        [0] * 50 + [3] * 30 + [-1] * 20,
        list(range(40)),
        [1, 2] * 30,
    ],
)
def test_columns_in_runs_give_back_their_values(values):
    stored = html_tables.column_value(np.asarray(values, dtype=np.int64))
    assert html_tables.column_values(stored) == values


def test_a_column_is_stored_in_runs_only_when_that_is_much_shorter():
    assert html_tables.column_value(np.asarray([4] * 100, dtype=np.int64)) == {"runs": [4, 100]}
    alternating = np.asarray([1, 2] * 30, dtype=np.int64)
    assert html_tables.column_value(alternating) == alternating.tolist()
