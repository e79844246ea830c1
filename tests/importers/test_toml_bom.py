"""TOML files saved with a UTF-8 BOM (Notepad does that) are read: the config file and map files."""

from __future__ import annotations

import tomllib

import pytest
from importer_support import FLAT

from irocli import config
from irocli._toml import load_toml
from irocli.errors import BadInput
from irocli.importers.extract_map import MAPS, load_map


def test_load_toml_reads_a_file_with_or_without_a_bom(tmp_path):
    plain, bom = tmp_path / "plain.toml", tmp_path / "bom.toml"
    plain.write_text('[smtp]\nhost = "mail.example.org"\n', encoding="utf-8")
    bom.write_bytes(b"\xef\xbb\xbf" + plain.read_bytes())
    assert load_toml(plain) == load_toml(bom) == {"smtp": {"host": "mail.example.org"}}


def test_load_toml_raises_what_callers_expect(tmp_path):
    with pytest.raises(FileNotFoundError):
        load_toml(tmp_path / "absent.toml")
    bad = tmp_path / "bad.toml"
    bad.write_bytes(b"\xef\xbb\xbfkey = = 1\n")
    with pytest.raises(tomllib.TOMLDecodeError):
        load_toml(bad)
    latin = tmp_path / "latin.toml"
    latin.write_bytes('name = "caf\u00e9"\n'.encode("latin-1"))
    with pytest.raises(UnicodeDecodeError):
        load_toml(latin)


def test_a_config_file_with_a_bom_is_read(tmp_path, monkeypatch):
    path = tmp_path / "config.toml"
    path.write_bytes(b"\xef\xbb\xbf" + b'[iros]\n"A. Khan" = "a.khan@example.org"\n')
    monkeypatch.setenv(config.CONFIG_ENV, str(path))
    assert config.load_config() == {"iros": {"A. Khan": "a.khan@example.org"}}


def test_a_config_file_that_is_not_toml_is_still_one_line(tmp_path, monkeypatch):
    path = tmp_path / "config.toml"
    path.write_bytes(b"\xef\xbb\xbf[iros\n")
    monkeypatch.setenv(config.CONFIG_ENV, str(path))
    with pytest.raises(BadInput, match="not valid TOML"):
        config.load_config()


def test_a_map_saved_with_a_bom_loads_and_imports(cli, tmp_path):
    mine = tmp_path / "mine.toml"
    mine.write_bytes(b"\xef\xbb\xbf" + (MAPS / "one-row-per-review.toml").read_bytes())
    assert load_map(str(mine)).tables.keys() == {"reviews"}
    result = cli.json("import", "extract", FLAT, "--map", mine)
    assert result["children"]["added"] == 3


def test_a_map_that_is_not_utf8_is_one_line(cli, tmp_path):
    mine = tmp_path / "mine.toml"
    mine.write_bytes('title = "caf\u00e9"\n'.encode("latin-1"))
    result = cli("import", "extract", FLAT, "--map", mine, ok=False)
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == ["Error: mine.toml: not UTF-8 text (save the map as UTF-8)"]


def test_a_profile_saved_with_a_bom_is_read_like_the_same_profile_without(tmp_path):
    from irocli.profiles import load

    text = 'extends = "blackpool"\nname = "notepad"\n[rules."review.second"]\noffset = "90 days"\n'
    plain, bom = tmp_path / "plain.toml", tmp_path / "bom.toml"
    plain.write_text(text, encoding="utf-8")
    bom.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert load(str(bom)).rules["review.second"].offset == load(str(plain)).rules["review.second"].offset
    assert str(load(str(bom)).rules["review.second"].offset) == "90 days"
