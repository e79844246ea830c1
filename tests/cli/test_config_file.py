"""The config file: one declared schema; unknown sections and keys, wrong values and a missing
IROCLI_CONFIG file are exit 2 with one line naming the file and the key (issue 13).

These run on an SQLite store only: the config file is read before any store is opened.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from clirunner import Cli
from irocli.cli import app
from irocli.config import CONFIG_SCHEMA, SMTP_ENV, check_address, check_config
from irocli.errors import BadInput

SRC = Path(__file__).resolve().parents[2] / "src" / "irocli"
NO_SMTP_ENV = {name: None for name in SMTP_ENV.values()}

FULL = """\
[smtp]
host = "smtp.la.gov.uk"
port = 587
user = "irocli"
password = "s3cret-Pa55"
from = "IRO service <irocli@la.gov.uk>"
starttls = true
ssl = false
timeout = 20

[iros]
"A. Khan" = "a.khan@la.gov.uk"
"B. Okafor" = "B.Okafor@LA.GOV.UK"

[teams]
North = "north.manager@la.gov.uk"
"South East" = "se.manager@la.gov.uk"

[email]
to = ["manager@la.gov.uk", "deputy@la.gov.uk"]
full_names = false
"""


@pytest.fixture
def sqlite_cli(tmp_path) -> Cli:
    return Cli(tmp_path / "store.db")


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text)
    path.chmod(0o600)
    return path


def email(cli: Cli, config: Path, *args: str, **env):
    return cli.runner.invoke(app, ["email", "--as-of", "2025-06-01", "--dry-run", *args],
                             env={"IROCLI_CONFIG": str(config), **NO_SMTP_ENV, **env})


@pytest.mark.parametrize("text, message", [
    ('[emial]\nto = "m@la.gov.uk"\n', "unknown section [emial]; did you mean [email]?"),
    ('[smtp]\nhots = "smtp.la.gov.uk"\n', 'unknown key "hots" in [smtp]; did you mean "host"?'),
    ('[email]\nfullnames = true\n', 'unknown key "fullnames" in [email]; did you mean "full_names"?'),
    ('[smtp]\ncolour = "blue"\n', 'unknown key "colour" in [smtp]'),
    ('[printer]\nname = "x"\n', "unknown section [printer]"),
    ('host = "smtp.la.gov.uk"\n', 'unknown key "host" outside any section; it belongs in [smtp]'),
    ('smtp = "smtp.la.gov.uk"\n', "[smtp] must be a table"),
    ('[smtp]\nport = "abc"\n', "[smtp] port: must be a port number from 1 to 65535 (got 'abc')"),
    ("[smtp]\nport = 70000\n", "[smtp] port: must be a port number from 1 to 65535 (got 70000)"),
    ('[smtp]\nstarttls = "maybe"\n', "[smtp] starttls: must be true or false (got 'maybe')"),
    ("[smtp]\ntimeout = 0\n", "[smtp] timeout: must be a number of seconds above 0 (got 0)"),
    ("[smtp]\nhost = 25\n", "[smtp] host: must be text in quotes"),
    ('[iros]\n"A. Khan" = "a.khan@"\n',
     "[iros] \"A. Khan\": 'a.khan@' is not an email address (there must be something after the @-sign)"),
    ('[iros]\n"A. Khan" = 5\n', '[iros] "A. Khan": must be an email address in quotes'),
    ('[teams]\nNorth = "north.manager@"\n',
     "[teams] \"North\": 'north.manager@' is not an email address (there must be something after the @-sign)"),
    ('[teams]\nNorth = "Manager <m@la.gov.uk>"\n',
     "[teams] \"North\": 'Manager <m@la.gov.uk>' is not an email address (a display name and angle brackets "
     "around the email address are not permitted here)"),
    ('[teams]\nNorth = "a@la.gov.uk"\n" NORTH " = "b@la.gov.uk"\n',
     '[teams] " NORTH ": is the same name as "North" (names match ignoring case and spaces)'),
    ('[teams]\n"  " = "a@la.gov.uk"\n', '[teams] "  ": the name is empty'),
    ('[iros]\n"A.\\nKhan" = "a@la.gov.uk"\n',
     '[iros] "A.\\nKhan": the name holds a line break or another control character (a name is one line of text)'),
    ('[email]\nto = ["m@la.gov.uk", "Manager <x@la.gov.uk>"]\n',
     "[email] to[1]: 'Manager <x@la.gov.uk>' is not an email address (a display name and angle brackets "
     "around the email address are not permitted here)"),
    ('[smtp]\nfrom = "irocli at la.gov.uk"\n',
     "[smtp] from: 'irocli at la.gov.uk' is not an email address (an email address must have an @-sign)"),
], ids=["section-typo", "smtp-key-typo", "email-key-typo", "key-not-close", "section-not-close", "key-outside",
        "section-not-table", "port-text", "port-too-big", "starttls-maybe", "timeout-zero", "host-number",
        "iro-address", "iro-number", "team-address", "team-display-name", "team-twice", "team-empty",
        "iro-line-break", "to-display-name", "from-no-at"])
def test_a_bad_config_file_is_exit_2_with_one_line_naming_file_and_key(sqlite_cli, tmp_path, text, message):
    config = write(tmp_path, text)
    result = email(sqlite_cli, config, "--to", "m@la.gov.uk")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == f"Error: {config}: {message}\n"
    assert not (tmp_path / "store.db").exists()


def test_irocli_config_naming_a_missing_file_is_exit_2(sqlite_cli, tmp_path):
    missing = tmp_path / "conifg.toml"
    result = email(sqlite_cli, missing, "--to", "m@la.gov.uk")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == f"Error: IROCLI_CONFIG names {missing}, which does not exist\n"


def test_no_file_at_the_default_path_is_no_config(sqlite_cli, tmp_path):
    sqlite_cli("init")
    result = sqlite_cli.runner.invoke(app, ["email", "--as-of", "2025-06-01", "--dry-run", "--to", "m@la.gov.uk",
                                            "--always"],
                                      env={"IROCLI_CONFIG": None, "XDG_CONFIG_HOME": str(tmp_path / "xdg"),
                                           **NO_SMTP_ENV})
    assert result.exit_code == 0, result.stderr
    assert "To: m@la.gov.uk\n" in result.stdout and "From: irocli@localhost\n" in result.stdout


def test_a_full_config_file_is_read_and_its_manager_summary_sent(sqlite_cli, tmp_path):
    sqlite_cli("init")
    config = write(tmp_path, FULL)
    result = email(sqlite_cli, config, "--always")
    assert result.exit_code == 0, result.stderr
    assert "To: manager@la.gov.uk, deputy@la.gov.uk\n" in result.stdout
    assert "From: IRO service <irocli@la.gov.uk>\n" in result.stdout
    assert result.stderr.endswith("Dry run: 1 message(s) printed, none sent.\n")


def test_config_check_reports_path_source_and_what_is_set(sqlite_cli, tmp_path):
    config = write(tmp_path, FULL)
    result = sqlite_cli.runner.invoke(app, ["config", "check"], env={"IROCLI_CONFIG": str(config)})
    assert (result.exit_code, result.stdout) == (0, f"{config}\n")
    assert result.stderr == ("(from IROCLI_CONFIG) OK: [smtp] host, port, user, password, from, starttls, ssl, "
                             "timeout; [iros] 2 addresses; [teams] 2 addresses; [email] to, full_names\n")
    assert "s3cret" not in result.stdout + result.stderr


def test_config_check_with_no_file_at_the_default_path(sqlite_cli, tmp_path):
    xdg = tmp_path / "xdg"
    result = sqlite_cli.runner.invoke(app, ["config", "check"], env={"IROCLI_CONFIG": None,
                                                                     "XDG_CONFIG_HOME": str(xdg)})
    assert result.exit_code == 0
    assert result.stdout == f"{xdg / 'irocli' / 'config.toml'}\n"
    assert result.stderr == ("(from default; no config file: nothing is set, SMTP settings may come from the "
                             "environment)\n")


@pytest.mark.parametrize("text, message", [
    ("[emial]\n", "{config}: unknown section [emial]; did you mean [email]?"),
    (None, "IROCLI_CONFIG names {config}, which does not exist"),
], ids=["section-typo", "missing-file"])
def test_config_check_refuses_what_email_refuses(sqlite_cli, tmp_path, text, message):
    config = write(tmp_path, text) if text else tmp_path / "config.toml"
    result = sqlite_cli.runner.invoke(app, ["config", "check"], env={"IROCLI_CONFIG": str(config)})
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == f"Error: {message.format(config=config)}\n"


def test_a_misspelt_rule_id_in_a_profile_that_extends_another_is_exit_2(sqlite_cli, tmp_path):
    profile = tmp_path / "myla.toml"
    profile.write_text('extends = "england"\n[rules."review.secnd"]\nenabled = false\n')
    result = sqlite_cli("--profile", str(profile), "init", ok=False)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (f'Error: {profile}: rules.review.secnd: england has no rule "review.secnd" to change '
                             '(a new rule needs a type); did you mean "review.second"?\n')


# --- the schema itself, without the CLI ---


def test_a_full_config_comes_back_checked_and_in_its_own_types():
    import tomllib

    assert check_config(tomllib.loads(FULL), "config.toml") == {
        "smtp": {"host": "smtp.la.gov.uk", "port": 587, "user": "irocli", "password": "s3cret-Pa55",
                 "from": "IRO service <irocli@la.gov.uk>", "starttls": True, "ssl": False, "timeout": 20.0},
        "iros": {"A. Khan": "a.khan@la.gov.uk", "B. Okafor": "B.Okafor@la.gov.uk"},
        "teams": {"North": "north.manager@la.gov.uk", "South East": "se.manager@la.gov.uk"},
        "email": {"to": ["manager@la.gov.uk", "deputy@la.gov.uk"], "full_names": False},
    }


def test_quoted_numbers_and_flags_are_read_as_the_environment_reads_them():
    data = {"smtp": {"port": "2525", "starttls": "yes", "ssl": "off", "timeout": "2.5"},
            "email": {"to": "m@la.gov.uk", "full_names": "true"}}
    assert check_config(data, "c.toml") == {"smtp": {"port": 2525, "starttls": True, "ssl": False, "timeout": 2.5},
                                             "email": {"to": ["m@la.gov.uk"], "full_names": True}}


def test_an_empty_file_is_an_empty_config():
    assert check_config({}, "c.toml") == {}


def test_a_password_of_the_wrong_type_is_never_echoed():
    with pytest.raises(BadInput) as caught:
        check_config({"smtp": {"password": 12345678}}, "c.toml")
    assert str(caught.value) == "c.toml: [smtp] password: must be text in quotes"


def test_the_smtp_section_has_exactly_the_keys_the_environment_can_override():
    assert set(CONFIG_SCHEMA["smtp"]) == set(SMTP_ENV)


def test_every_config_key_the_code_reads_is_in_the_schema():
    # config.get("email", {}).get("to") and the like, anywhere in the package
    read = set()
    for path in SRC.rglob("*.py"):
        for section, key in re.findall(r'config\.get\("(\w+)"[^)]*\)(?:\.get\("(\w+)")?', path.read_text()):
            read.add((section, key))
    # cli/email.py, reports/email.py and smtp_settings
    assert {section for section, _ in read} == {"email", "iros", "smtp", "teams"}
    for section, key in read:
        assert section in CONFIG_SCHEMA, section
        assert not key or key in CONFIG_SCHEMA[section], (section, key)


@pytest.mark.parametrize("value, normalised", [
    ("a.khan@la.gov.uk", "a.khan@la.gov.uk"),
    ("A.Khan@LA.GOV.UK", "A.Khan@la.gov.uk"),
    (" manager@la.gov.uk ", "manager@la.gov.uk"),
])
def test_check_address_gives_the_normalised_address(value, normalised):
    assert check_address(value, "--to") == normalised


@pytest.mark.parametrize("value, message", [
    ("a.khan@", "--to: 'a.khan@' is not an email address (there must be something after the @-sign)"),
    ("a.khan", "--to: 'a.khan' is not an email address (an email address must have an @-sign)"),
    ("x@localhost", "--to: 'x@localhost' is not an email address (the part after the @-sign is not valid. "
                    "It should have a period)"),
    ("m@la.gov.uk\nBcc: all@la.gov.uk", "--to: 'm@la.gov.uk\\nBcc: all@la.gov.uk' is not an email address "
     "(the part after the @-sign contains invalid characters: ':', '@', SPACE, U+000A)"),
    ("x" * 70 + "@", f"--to: '{'x' * 57}...' is not an email address (there must be something after the @-sign)"),
], ids=["nothing-after-at", "no-at", "no-dot", "header-injection", "long"])
def test_check_address_refuses_with_one_line(value, message):
    with pytest.raises(BadInput) as caught:
        check_address(value, "--to")
    assert str(caught.value) == message
    assert "\n" not in str(caught.value)


def test_the_readme_config_file_names_every_key_and_passes():
    import tomllib

    readme = (SRC.parents[1] / "README.md").read_text()
    section = readme[readme.index("## Config file\n"):]
    example = tomllib.loads(section[section.index("```toml\n") + 8:section.index("\n```\n", section.index("```toml"))])
    checked = check_config(example, "README.md")
    assert {s: set(keys) for s, keys in checked.items() if s not in ("iros", "teams")} == {
        s: set(keys) for s, keys in CONFIG_SCHEMA.items() if s not in ("iros", "teams")}
    assert checked["iros"] == {"A. Khan": "a.khan@example.gov.uk", "B. Okafor": "b.okafor@example.gov.uk"}
    assert checked["teams"] == {"North": "north.manager@example.gov.uk", "South": "south.manager@example.gov.uk"}
