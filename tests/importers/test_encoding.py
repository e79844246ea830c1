"""`--encoding NAME` on every import command: CSV files not in UTF-8, and the advice when it is missing.

Excel's plain "CSV" saves Windows-1252 (cp1252) in the UK: £ is the byte 0xA3, é 0xE9, ’ 0x92.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from importer_support import FLAT

NAME = "Renée O’Brien £"  # é, ’ and £: each one byte in cp1252, none of them UTF-8


def test_the_names_bytes_are_windows_1252():
    # hand-checked against the Windows-1252 code page: é E9, ’ 92, £ A3
    assert NAME.encode("cp1252") == b"Ren\xe9e O\x92Brien \xa3"


def _flat_cp1252(tmp_path: Path) -> Path:
    path = tmp_path / "cla_reviews.csv"
    path.write_bytes(FLAT.read_text(encoding="utf-8").replace("Amir Shah", NAME).encode("cp1252"))
    return path


ADVICE = ("not UTF-8 text; it looks like Windows-1252 (cp1252): run again with --encoding cp1252, or in Excel "
          "save as 'CSV UTF-8'")


def test_an_extract_in_cp1252_loads_with_encoding_and_the_name_is_stored_exactly(cli, tmp_path):
    path = _flat_cp1252(tmp_path)
    before = cli.digest()
    refused = cli("import", "extract", path, "--map", "one-row-per-review", ok=False)
    # the name is on rows 2 to 4: row 2 is the first byte that is not UTF-8
    assert refused.exit_code == 2 and refused.stderr.strip().splitlines() == [f"Error: cla_reviews.csv row 2: {ADVICE}"]
    assert cli.digest() == before

    result = cli.json("import", "extract", path, "--map", "one-row-per-review", "--encoding", "cp1252")
    assert result["children"]["added"] == 3
    assert cli.rows("SELECT name FROM child WHERE id = '2001'") == [("Renée O’Brien £",)]


def test_an_encodings_other_names_are_fine(cli, tmp_path):
    cli("import", "extract", _flat_cp1252(tmp_path), "--map", "one-row-per-review", "--encoding", "Windows-1252")
    assert cli.rows("SELECT name FROM child WHERE id = '2001'") == [("Renée O’Brien £",)]


def _native(tmp_path: Path, encoding: str) -> Path:
    folder = tmp_path / "native"
    folder.mkdir()
    (folder / "children.csv").write_bytes(
        f"id,name,dob,iro,social_worker,team\nC1,Ada Lee,2015-01-01,A. Khan,K. Doyle,East\n"
        f"C2,{NAME},2016-02-03,A. Khan,K. Doyle,East\n".encode(encoding))
    (folder / "events.csv").write_bytes("child_id,kind,date,meeting,note,details\nC2,entered-care,2025-04-03,,,\n"
                                        .encode(encoding))  # --encoding is every file's
    return folder


def test_native_files_in_cp1252(cli, tmp_path):
    folder = _native(tmp_path, "cp1252")
    before = cli.digest()
    refused = cli("import", "native", folder, ok=False)
    assert refused.exit_code == 2 and refused.stderr.strip().splitlines() == [f"Error: children.csv row 3: {ADVICE}"]
    assert cli.digest() == before
    cli("import", "native", folder, "--encoding", "cp1252")
    assert cli.rows("SELECT id, name, dob FROM child ORDER BY id") == [
        ("C1", "Ada Lee", "2015-01-01"), ("C2", "Renée O’Brien £", "2016-02-03")]
    assert cli.events("C2")[0] == ("entered-care", "2025-04-03")


def test_utf16_loads_with_its_encoding(cli, tmp_path):
    folder = _native(tmp_path, "utf-16")  # a BOM, then two bytes a character
    refused = cli("import", "native", folder, ok=False)
    assert refused.stderr.strip().splitlines() == [
        "Error: children.csv: not UTF-8 text: it looks like UTF-16 (run again with --encoding utf-16, or in Excel "
        "save as 'CSV UTF-8')"]
    cli("import", "native", folder, "--encoding", "utf-16")
    assert cli.rows("SELECT name FROM child WHERE id = 'C2'") == [("Renée O’Brien £",)]


def test_bytes_that_are_not_windows_1252_get_no_guess(cli, tmp_path):
    path = tmp_path / "cla_reviews.csv"
    # 0x81 is one of the five bytes Windows-1252 leaves undefined: neither UTF-8 nor cp1252
    path.write_bytes(FLAT.read_bytes().replace(b"Lily", b"L\x81ly"))
    refused = cli("import", "extract", path, "--map", "one-row-per-review", ok=False)
    assert refused.exit_code == 2 and refused.stderr.strip().splitlines() == [
        "Error: cla_reviews.csv row 5: not UTF-8 text: give its encoding with --encoding, or in Excel save as "
        "'CSV UTF-8'"]
    refused = cli("import", "extract", path, "--map", "one-row-per-review", "--encoding", "cp1252", ok=False)
    assert refused.exit_code == 2 and refused.stderr.strip().splitlines() == [
        "Error: cla_reviews.csv row 5: not cp1252 text (check --encoding)"]


def test_utf8_given_as_the_encoding_reads_as_before(cli, tmp_path):
    path = tmp_path / "cla_reviews.csv"
    path.write_bytes(b"\xef\xbb\xbf" + FLAT.read_text(encoding="utf-8").replace("Amir Shah", NAME).encode("utf-8"))
    cli("import", "extract", path, "--map", "one-row-per-review", "--encoding", "utf-8")
    assert cli.rows("SELECT name FROM child WHERE id = '2001'") == [("Renée O’Brien £",)]


def test_a_903_return_takes_an_encoding(cli, files903):
    result = cli.json("import", "ssda903", files903, "--encoding", "cp1252")  # plain ASCII reads the same
    assert result["children"]["added"] > 0 and result["skipped"] == []


@pytest.mark.parametrize("command", [
    ("import", "extract", FLAT, "--map", "one-row-per-review"),
    ("import", "native", FLAT.parent),
    ("import", "ssda903", FLAT),
])
@pytest.mark.parametrize("name", ["klingon", "base64"])  # base64 is a codec, but not of text
def test_an_unknown_encoding_is_one_line(cli, command, name):
    before = cli.digest()
    result = cli(*command, "--encoding", name, ok=False)
    assert result.exit_code == 2 and result.stderr.strip().splitlines() == [
        f"Error: --encoding: unknown text encoding '{name}' (e.g. utf-8, cp1252, latin-1, utf-16)"]
    assert cli.digest() == before
