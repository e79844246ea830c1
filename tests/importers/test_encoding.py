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


# -- an --encoding that cannot be the file's: refused before it garbles a name ------------------------------


def _flat_utf8(tmp_path: Path, bom: bytes = b"", name: str = NAME) -> Path:
    path = tmp_path / "cla_reviews.csv"
    path.write_bytes(bom + FLAT.read_text(encoding="utf-8").replace("Amir Shah", name).encode("utf-8"))
    return path


def _is_utf8(encoding: str) -> str:
    return (f"this file is UTF-8 text, not {encoding}: leave out --encoding (or give --encoding utf-8); --encoding is "
            f"every file's, so if other files are {encoding}, in Excel save them as 'CSV UTF-8' first")


def test_the_names_utf8_bytes_read_as_cp1252_are_garbled():
    # hand-checked: é is C3 A9 in UTF-8, which cp1252 reads as Ã and ©; £ is C2 A3, read as Â and £
    assert "é £".encode() == b"\xc3\xa9 \xc2\xa3"
    assert "é £".encode().decode("cp1252") == "Ã© Â£"


@pytest.mark.parametrize("bom, name", [
    (b"", NAME),  # no BOM, but é, ’ and £ in UTF-8's two and three bytes
    (b"\xef\xbb\xbf", "Amir Shah"),  # plain ASCII after a UTF-8 BOM: the BOM alone says UTF-8
    (b"\xef\xbb\xbf", NAME),
])
@pytest.mark.parametrize("encoding, shown_as", [("cp1252", "cp1252"), ("latin-1", "iso8859-1"), ("ascii", "ascii"),
                                                ("utf-16", "utf-16"), ("utf-32-le", "utf-32-le")])
def test_a_utf8_file_given_another_encoding_is_refused_naming_it(cli, tmp_path, bom, name, encoding, shown_as):
    path = _flat_utf8(tmp_path, bom, name)
    before = cli.digest()
    result = cli("import", "extract", path, "--map", "one-row-per-review", "--encoding", encoding, ok=False)
    assert result.exit_code == 2 and result.stderr.strip().splitlines() == [
        f"Error: cla_reviews.csv: {_is_utf8(shown_as)}"]
    assert cli.digest() == before
    cli("import", "extract", path, "--map", "one-row-per-review")  # as advised: no --encoding
    assert cli.rows("SELECT name FROM child WHERE id = '2001'") == [(name,)]


def test_a_plain_ascii_file_reads_alike_in_any_byte_encoding(cli):
    cli("import", "extract", FLAT, "--map", "one-row-per-review", "--encoding", "cp1252")
    assert cli.rows("SELECT name FROM child WHERE id = '2001'") == [("Amir Shah",)]


def test_a_folder_mixing_encodings_names_the_utf8_file(cli, tmp_path):
    folder = _native(tmp_path, "cp1252")  # children.csv has the name in cp1252; events.csv, in UTF-8:
    (folder / "events.csv").write_bytes(
        "child_id,kind,date,meeting,note,details\nC2,entered-care,2025-04-03,,Renée’s first day,\n".encode())
    before = cli.digest()
    result = cli("import", "native", folder, "--encoding", "cp1252", ok=False)
    assert result.exit_code == 2 and result.stderr.strip().splitlines() == [
        f"Error: events.csv: {_is_utf8('cp1252')}"]
    assert cli.digest() == before


def test_a_903_csv_file_in_utf8_given_cp1252_is_refused(cli, files903):
    header = files903 / "header.csv"
    header.write_bytes(b"\xef\xbb\xbf" + header.read_bytes())  # the others stay ASCII, read alike in cp1252
    result = cli("import", "ssda903", files903, "--encoding", "cp1252", ok=False)
    assert result.exit_code == 2 and result.stderr.strip().splitlines() == [f"Error: header.csv: {_is_utf8('cp1252')}"]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "UTF-16BE", "utf-32", "utf_32_be"])
def test_an_ascii_file_said_to_be_utf16_or_32_is_refused_naming_it(cli, encoding):
    import codecs

    shown_as = codecs.lookup(encoding).name  # "utf-16-be" for UTF-16BE, as the --encoding wording has it
    before = cli.digest()
    result = cli("import", "extract", FLAT, "--map", "one-row-per-review", "--encoding", encoding, ok=False)
    # ASCII has no NUL byte; UTF-16 writes "P" of "Person ID" as 50 00 (or 00 50), UTF-32 with three NULs
    assert result.exit_code == 2 and result.stderr.strip().splitlines() == [
        f"Error: cla_reviews.csv: not {shown_as} text (check --encoding)"]
    assert cli.digest() == before


def test_a_utf16_file_said_to_be_cp1252_is_refused_with_the_utf16_advice(cli, tmp_path):
    folder = _native(tmp_path, "utf-16")
    result = cli("import", "native", folder, "--encoding", "cp1252", ok=False)
    assert result.exit_code == 2 and result.stderr.strip().splitlines() == [
        "Error: children.csv: not cp1252 text: it looks like UTF-16 (run again with --encoding utf-16, or in Excel "
        "save as 'CSV UTF-8')"]


def test_encoding_with_only_a_903_xml_file_is_refused(cli, tmp_path):
    xml = tmp_path / "ssda903.xml"
    xml.write_text('<?xml version="1.0" encoding="utf-8"?>\n<Message></Message>\n', encoding="utf-8")
    before = cli.digest()
    result = cli("import", "ssda903", xml, "--encoding", "cp1252", ok=False)
    assert result.exit_code == 2 and result.stderr.strip().splitlines() == [
        "Error: --encoding is for CSV files; none of the files given is one (an XML file declares its own)"]
    assert cli.digest() == before


@pytest.mark.parametrize("encoding, message", [
    # latin-1 reads ’ (0x92) as an invisible control character: the file is cp1252
    ("latin-1", "cla_reviews.csv: not latin-1 text: its bytes 0x80–0x9F are Windows-1252 characters (’ “ ” – €): "
                "run again with --encoding cp1252"),
    # said to be UTF-8 and is not: the same advice as without --encoding
    ("utf-8", f"cla_reviews.csv row 2: {ADVICE}"),
])
def test_a_cp1252_file_given_a_near_miss_encoding_is_named_cp1252(cli, tmp_path, encoding, message):
    path = _flat_cp1252(tmp_path)
    before = cli.digest()
    refused = cli("import", "extract", path, "--map", "one-row-per-review", "--encoding", encoding, ok=False)
    assert (refused.exit_code, refused.stderr.strip().splitlines()) == (2, [f"Error: {message}"])
    assert cli.digest() == before


def test_a_latin_1_file_without_cp1252_bytes_loads_with_latin_1(cli, tmp_path):
    path = tmp_path / "cla_reviews.csv"
    path.write_bytes(FLAT.read_text(encoding="utf-8").replace("Amir Shah", "Renée Brien £").encode("latin-1"))
    cli("import", "extract", path, "--map", "one-row-per-review", "--encoding", "latin-1")
    assert cli.rows("SELECT name FROM child WHERE id = '2001'") == [("Renée Brien £",)]
