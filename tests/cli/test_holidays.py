"""irocli holidays: the closed weekdays of a year and why, as table, JSON and CSV from the same call.

The days are DATES.md §1 (gov.uk England and Wales); the names are the holidays package's.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from zoneinfo import ZoneInfo

import holidays
import pytest

from clirunner import Cli

VERSION_NOTE = f"Bank holidays from the holidays package {holidays.__version__} (GB, subdiv ENG).\n"

ENGLAND_2024 = [
    ("2024-01-01", "Mon", "New Year's Day", "bank holiday"),
    ("2024-03-29", "Fri", "Good Friday", "bank holiday"),
    ("2024-04-01", "Mon", "Easter Monday", "bank holiday"),
    ("2024-05-06", "Mon", "May Day", "bank holiday"),
    ("2024-05-27", "Mon", "Spring Bank Holiday", "bank holiday"),
    ("2024-08-26", "Mon", "Late Summer Bank Holiday", "bank holiday"),
    ("2024-12-25", "Wed", "Christmas Day", "bank holiday"),
    ("2024-12-26", "Thu", "Boxing Day", "bank holiday"),
]
ENGLAND_2025 = [
    ("2025-01-01", "Wed", "New Year's Day", "bank holiday"),
    ("2025-04-18", "Fri", "Good Friday", "bank holiday"),
    ("2025-04-21", "Mon", "Easter Monday", "bank holiday"),
    ("2025-05-05", "Mon", "May Day", "bank holiday"),
    ("2025-05-26", "Mon", "Spring Bank Holiday", "bank holiday"),
    ("2025-08-25", "Mon", "Late Summer Bank Holiday", "bank holiday"),
    ("2025-12-25", "Thu", "Christmas Day", "bank holiday"),
    ("2025-12-26", "Fri", "Boxing Day", "bank holiday"),
]
FIELDS = ("date", "weekday", "name", "source")


def as_rows(days) -> list[dict]:
    return [dict(zip(FIELDS, day, strict=True)) for day in days]


@pytest.mark.parametrize("year, days", [(2024, ENGLAND_2024), (2025, ENGLAND_2025)])
def test_table_json_and_csv_list_the_same_days(cli, year, days):
    cli("init", "--profile", "england")
    as_json = cli("holidays", "--year", year, "--format", "json")
    assert json.loads(as_json.stdout) == as_rows(days)
    assert as_json.stderr == VERSION_NOTE
    as_csv = cli("holidays", "--year", year, "--format", "csv")
    assert list(csv.reader(io.StringIO(as_csv.stdout))) == [list(FIELDS), *map(list, days)]
    assert as_csv.stderr == VERSION_NOTE
    table = cli("holidays", "--year", year)
    assert table.stderr == ""
    lines = table.stdout.splitlines()
    assert lines[0].strip() == f"Days closed in {year} under profile england (weekends not listed)"
    assert [[cell.strip() for cell in line.strip("│").split("│")] for line in lines if line.startswith("│")] == [
        list(day) for day in days]
    assert lines[-1].strip() == VERSION_NOTE.strip()


def test_exact_table_for_2024(cli):
    cli("init")
    assert cli("holidays", "--year", "2024").stdout == (
        "Days closed in 2024 under profile england (weekends not listed)\n"
        "┏━━━━━━━━━━━━┳━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━┓\n"
        "┃ Date       ┃ Day ┃ Name                     ┃ Source       ┃\n"
        "┡━━━━━━━━━━━━╇━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━┩\n"
        "│ 2024-01-01 │ Mon │ New Year's Day           │ bank holiday │\n"
        "│ 2024-03-29 │ Fri │ Good Friday              │ bank holiday │\n"
        "│ 2024-04-01 │ Mon │ Easter Monday            │ bank holiday │\n"
        "│ 2024-05-06 │ Mon │ May Day                  │ bank holiday │\n"
        "│ 2024-05-27 │ Mon │ Spring Bank Holiday      │ bank holiday │\n"
        "│ 2024-08-26 │ Mon │ Late Summer Bank Holiday │ bank holiday │\n"
        "│ 2024-12-25 │ Wed │ Christmas Day            │ bank holiday │\n"
        "│ 2024-12-26 │ Thu │ Boxing Day               │ bank holiday │\n"
        "└────────────┴─────┴──────────────────────────┴──────────────┘\n"
        f"{VERSION_NOTE.strip()}\n"
    )


def test_substitute_days_and_local_closures(cli, tmp_path):
    # 2027: Christmas Sat 25 and Boxing Day Sun 26 are weekends (not listed); their substitutes Mon 27
    # and Tue 28 are. The profile closes Wed 29 and Thu 30; Sat 1 Jan 2028 and 28 Dec are not repeated.
    profile = tmp_path / "myla.toml"
    profile.write_text('extends = "england"\nname = "myla"\n'
                       'closures = ["2027-12-29", "2027-12-30", "2027-12-28", "2028-01-01"]\n')
    cli("init", "--profile", str(profile))
    rows = cli.json("holidays", "--year", "2027")
    assert [tuple(r.values()) for r in rows if r["date"] >= "2027-12"] == [
        ("2027-12-27", "Mon", "Christmas Day (observed)", "substitute day"),
        ("2027-12-28", "Tue", "Boxing Day (observed)", "substitute day"),
        ("2027-12-29", "Wed", "Local closure", "local closure"),
        ("2027-12-30", "Thu", "Local closure", "local closure"),
    ]
    # 2028: New Year's Day Sat 1 Jan (a closure too), substitute Mon 3 Jan.
    first = cli.json("holidays", "--year", "2028")[0]
    assert first == {"date": "2028-01-03", "weekday": "Mon", "name": "New Year's Day (observed)",
                     "source": "substitute day"}
    assert "under profile myla" in cli("holidays", "--year", "2027").stdout


def test_one_off_days(cli):
    cli("init")
    rows = {r["date"]: r for r in cli.json("holidays", "--year", "2022")}
    assert rows["2022-09-19"] == {"date": "2022-09-19", "weekday": "Mon",
                                  "name": "State Funeral of Queen Elizabeth II", "source": "bank holiday"}
    assert rows["2022-06-03"]["name"] == "Platinum Jubilee of Elizabeth II"
    assert len(rows) == 10  # DATES.md §1: ten weekday bank holidays in 2022


def test_year_defaults_to_this_year_in_london(cli):
    cli("init")
    this_year = dt.datetime.now(ZoneInfo("Europe/London")).year
    rows = cli.json("holidays")
    assert rows and {r["date"][:4] for r in rows} == {str(this_year)}


def test_root_profile_option_is_followed(cli, tmp_path):
    profile = tmp_path / "shut.toml"
    profile.write_text('extends = "england"\nname = "shut"\nclosures = ["2025-12-24"]\n')
    cli("init")
    rows = cli.json("--profile", str(profile), "holidays", "--year", "2025")
    assert ("2025-12-24", "local closure") in [(r["date"], r["source"]) for r in rows]


@pytest.mark.parametrize("year", ["1899", "2101", "abc", "20x5", "-2025", "99999", "", "２０２５"])
def test_a_year_out_of_range_is_one_line_and_exit_2(cli, year):
    cli("init")
    result = cli("holidays", "--year", year, ok=False)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == f"Error: --year must be a year from 1900 to 2100 (got {year!r})\n"


@pytest.mark.parametrize("year, first", [
    # New Year's Day became an England and Wales bank holiday only in 1974; Easter Sunday 1900 was 15 April.
    ("1900", {"date": "1900-04-13", "weekday": "Fri", "name": "Good Friday", "source": "bank holiday"}),
    ("2100", {"date": "2100-01-01", "weekday": "Fri", "name": "New Year's Day", "source": "bank holiday"}),
])
def test_the_bounds_are_allowed(cli, year, first):
    cli("init")
    assert cli.json("holidays", "--year", year)[0] == first


def test_a_bad_format_is_exit_2(cli):
    cli("init")
    result = cli("holidays", "--format", "xml", ok=False)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == "Error: --format must be one of table, json, csv (got 'xml')\n"


def test_a_missing_store_is_treated_as_due_treats_it(tmp_path):
    holidays_cli, due_cli = Cli(tmp_path / "h.db"), Cli(tmp_path / "d.db")
    got, expected = holidays_cli("holidays", ok=False), due_cli("due", ok=False)
    assert got.exit_code == expected.exit_code
    assert (tmp_path / "h.db").exists() == (tmp_path / "d.db").exists()


def test_a_store_that_cannot_be_opened_exits_3(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    result = Cli(blocker / "store.db")("holidays", "--year", "2025", ok=False)
    assert result.exit_code == 3, (result.stdout, result.stderr)
    assert result.stdout == "" and len(result.stderr.strip().splitlines()) == 1
