"""`irocli report discrepancies`: the case system's review due date beside irocli's, and why."""

from __future__ import annotations

import csv
import io
import json

AS_OF = "2026-03-31"
EXPECTED = [
    {"child_id": "1001", "system_due": "2026-01-02", "irocli_due": "2026-01-03", "difference_days": -1,
     "obligation": "review.subsequent", "title": "Subsequent review", "source": "REG reg 33(2)(b)",
     "arithmetic": "2025-07-03 + 6 months = 2026-01-03", "iro": "A. Khan", "team": "North"},
    {"child_id": "1002", "system_due": "2026-03-02", "irocli_due": "2026-03-01", "difference_days": 1,
     "obligation": "review.subsequent", "title": "Subsequent review", "source": "REG reg 33(2)(b)",
     "arithmetic": "2025-09-01 + 6 months = 2026-03-01", "iro": "A. Khan", "team": "South"},
    {"child_id": "1004", "system_due": "2026-01-12", "irocli_due": "2026-01-14", "difference_days": -2,
     "obligation": "review.subsequent", "title": "Subsequent review", "source": "REG reg 33(2)(b)",
     "arithmetic": "2025-07-14 + 6 months = 2026-01-14", "iro": "B. Okafor", "team": "North"},
]


def test_table_json_and_csv_show_the_same_children(cli, ssd):
    cli("import", "extract", ssd, "--map", "ssd")
    args = ("report", "discrepancies", "--as-of", AS_OF)
    # 1003 left care (nothing to compare); 1005's first review: both say 2026-02-02
    rows = json.loads(cli(*args, "--format", "json").stdout)
    assert rows == EXPECTED

    result = cli(*args, "--format", "csv")
    parsed = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(parsed[0]) == list(EXPECTED[0])
    assert [r["child_id"] for r in parsed] == ["1001", "1002", "1004"]
    assert parsed[1]["difference_days"] == "1" and parsed[1]["arithmetic"] == EXPECTED[1]["arithmetic"]
    assert result.stderr == ""

    table = cli(*args).stdout
    assert "Review due dates: case system v irocli (england) as of 2026-03-31" in table
    for row in EXPECTED:
        assert row["child_id"] in table and row["irocli_due"] in table and row["arithmetic"] in table
    assert "+1" in table and "-2" in table
    assert "3 children whose dates differ; the case system's is the later for 1." in table


def test_filters_by_iro_and_team(cli, ssd):
    cli("import", "extract", ssd, "--map", "ssd")
    by_iro = json.loads(cli("report", "discrepancies", "--as-of", AS_OF, "--iro", "B. Okafor", "-f", "json").stdout)
    assert [r["child_id"] for r in by_iro] == ["1004"]
    by_team = json.loads(cli("report", "discrepancies", "--as-of", AS_OF, "--team", "North", "-f", "json").stdout)
    assert [r["child_id"] for r in by_team] == ["1001", "1004"]


def test_the_latest_system_date_counts_and_csv_is_formula_safe(cli, ssd):
    cli("import", "extract", ssd, "--map", "ssd")
    cli("child", "update", "1001", "--team", "=HYPERLINK(\"x\")")
    parsed = list(csv.DictReader(io.StringIO(cli("report", "discrepancies", "--as-of", AS_OF, "-f", "csv").stdout)))
    assert parsed[0]["team"] == "'=HYPERLINK(\"x\")"
    assert parsed[0]["system_due"] == "2026-01-02"  # the latest of 1001's three system dates


def test_no_system_dates_no_rows(cli, files903):
    cli("import", "ssda903", files903)
    assert json.loads(cli("report", "discrepancies", "--as-of", AS_OF, "-f", "json").stdout) == []
    table = cli("report", "discrepancies", "--as-of", AS_OF).stdout
    assert " ".join(table.split()) == (
        f"Review due dates: case system v irocli (england) as of {AS_OF}: no differences (every case-system review "
        "due date on record matches irocli's, or none has been imported).")
