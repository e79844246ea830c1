"""Every importer, fed random bytes or rows a step away from valid, ends in exactly one of two ways:
exit 0 having written everything (a re-run adds nothing), or exit 2 with one line and nothing
written. Never a traceback, never a partial write, never a child's name or date of birth in what
it prints. On both backends.

One store serves all of a test's examples (each example's "before" is read afresh), so a
successful example's rows stay, as they would in a store that has lived a while.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from importer_support import FLAT, ROOT, SAMPLE_903, SAMPLE_SSD, Cli

NATIVE = ROOT / "sample_data"
FUZZ = settings(max_examples=20, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def _native(target: Path) -> None:
    """A small native directory: the sample's first three children and their events."""
    children = NATIVE.joinpath("children.csv").read_text().splitlines()[:4]
    ids = {line.split(",")[0] for line in children[1:]}
    events = NATIVE.joinpath("events.csv").read_text().splitlines()
    target.joinpath("children.csv").write_text("\n".join(children) + "\n")
    target.joinpath("events.csv").write_text("\n".join([events[0], *(e for e in events[1:] if e.split(",")[0] in ids)])
                                             + "\n")


def _copy_csvs(source: Path):
    def copy(target: Path) -> None:
        for path in source.glob("*.csv"):
            shutil.copy(path, target / path.name)
    return copy


# name: (fill a directory, the files to spoil, the command given that directory)
IMPORTERS = {
    "native": (_native, ["children.csv", "events.csv"], lambda d: ["import", "native", d]),
    "ssda903": (_copy_csvs(SAMPLE_903), ["header.csv", "episodes.csv", "reviews.csv", "uasc.csv", "oc3.csv"],
                lambda d: ["import", "ssda903", d]),
    "ssd": (_copy_csvs(SAMPLE_SSD), sorted(p.name for p in SAMPLE_SSD.glob("*.csv")),
            lambda d: ["import", "extract", d, "--map", "ssd"]),
    "flat": (_copy_csvs(FLAT.parent), [FLAT.name],
             lambda d: ["import", "extract", d / FLAT.name, "--map", "one-row-per-review"]),
}

# Columns holding a child's name or date of birth: no message, note or summary may repeat them.
PERSONAL_COLUMNS = {"name", "dob", "DOB", "MC_DOB", "Child Name", "Date of Birth", "pers_forename", "pers_surname",
                    "pers_dob"}


def _personal(files: list[Path]) -> set[str]:
    found = set()
    for path in files:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            for row in csv.DictReader(handle):
                found |= {row[c].strip() for c in PERSONAL_COLUMNS & set(row) if len(row[c].strip()) >= 4}
    # a date of birth however it is written back: 04/09/2012 as 2012-09-04, a timestamp as its day
    for value in list(found):
        if re.fullmatch(r"\d\d/\d\d/\d{4}", value):
            found.add(f"{value[6:]}-{value[3:5]}-{value[:2]}")
        elif re.match(r"\d{4}-\d\d-\d\d ", value):
            found.add(value[:10])
    return found


PERSONAL = {
    "native": _personal([NATIVE / "children.csv"]),
    "ssda903": _personal(sorted(SAMPLE_903.glob("*.csv"))),
    "ssd": _personal(sorted(SAMPLE_SSD.glob("*.csv"))),
    "flat": _personal([FLAT]),
}


# Values a messy extract really holds: blanks, other date forms, impossible dates, formulas,
# control characters, very long text, numbers where codes go, codes where numbers go.
NEAR = ["", " ", "0", "-1", "999999999999", "2025-02-30", "30/02/2025", "2025-13-01", "1899-12-31", "9999-12-31",
        "31/12/2025", "2025-06-27 00:00:00.000", "12/31/2025", "N/A", "NULL", "=HYPERLINK(\"x\")", "+1", "@SUM(A1)",
        "\t", "a\nb", "\"", ",", "\x00", "é", "x" * 300, "review-held", "entered-care", "P1", "U4", "C1", "yes",
        "no", "{}", "{\"stage\": 9}", "[1]"]


def _rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")))


def _write(path: Path, rows: list[list[str]]) -> None:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


@st.composite
def near_valid(draw, rows: list[list[str]]) -> list[list[str]]:
    """The rows with one to three small spoils: a field changed, a row dropped or doubled, a
    field too few or too many. The header row is spoilt as well as data rows, but less often."""
    rows = [list(row) for row in rows]
    for _ in range(draw(st.integers(1, 3))):
        if not rows:
            break
        i = draw(st.integers(0, len(rows) - 1) if len(rows) > 1 and draw(st.integers(0, 9)) else st.just(0))
        spoil = draw(st.sampled_from(["field", "field", "field", "drop", "double", "short", "long"]))
        if spoil == "field" and rows[i]:
            j = draw(st.integers(0, len(rows[i]) - 1))
            rows[i][j] = draw(st.sampled_from(NEAR) | st.text(max_size=12))
        elif spoil == "drop":
            del rows[i]
        elif spoil == "double":
            rows.insert(i, list(rows[i]))
        elif spoil == "short" and rows[i]:
            rows[i].pop()
        elif spoil == "long":
            rows[i].append(draw(st.sampled_from(NEAR)))
    return rows


def _import_holds(cli: Cli, args: list, personal: set[str]) -> None:
    """Exit 0 and idempotent, or exit 2, one line, the store as it was; no name or date of birth
    repeated in either case."""
    before = cli.digest()
    result = cli(*args, ok=False)
    crashed = result.exception is not None and not isinstance(result.exception, SystemExit)
    assert not crashed and "Traceback" not in result.stderr, (result.exception, result.stderr)
    repeated = {value for value in personal if value in result.stdout or value in result.stderr}
    assert not repeated, (repeated, result.stderr)
    if result.exit_code == 2:
        [line] = result.stderr.strip().splitlines()
        assert line.startswith("Error: "), result.stderr
        assert cli.digest() == before, "a failed import wrote something"
        return
    assert result.exit_code == 0, (result.exit_code, result.stderr)
    counts = "SELECT (SELECT COUNT(*) FROM child), (SELECT COUNT(*) FROM event)"
    stored = cli.rows(counts)
    cli(*args)
    assert cli.rows(counts) == stored, "a re-run of a successful import added rows"


@pytest.mark.parametrize("importer", sorted(IMPORTERS))
def test_random_bytes_in_any_file(cli, importer):
    fill, files, command = IMPORTERS[importer]

    @FUZZ
    @given(name=st.sampled_from(files), content=st.binary(max_size=1500), keep_header=st.booleans())
    def example(name, content, keep_header):
        with tempfile.TemporaryDirectory() as scratch:
            directory = Path(scratch)
            fill(directory)
            path = directory / name
            header = path.read_bytes().split(b"\n", 1)[0] + b"\n" if keep_header else b""
            path.write_bytes(header + content)
            _import_holds(cli, command(directory), PERSONAL[importer])

    example()


@pytest.mark.parametrize("importer", sorted(IMPORTERS))
def test_rows_a_step_away_from_valid(cli, importer):
    fill, files, command = IMPORTERS[importer]

    @FUZZ
    @given(data=st.data(), name=st.sampled_from(files))
    def example(data, name):
        with tempfile.TemporaryDirectory() as scratch:
            directory = Path(scratch)
            fill(directory)
            path = directory / name
            _write(path, data.draw(near_valid(_rows(path)), label=name))
            _import_holds(cli, command(directory), PERSONAL[importer])

    example()
