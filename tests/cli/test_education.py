"""The PEP, secure accommodation and core group rules (RULES §7) through the command line: `explain` cites the
guidance, and `profile show` prints the school terms they run by. Values read by hand from england.toml."""

from __future__ import annotations

import json

from clirunner import Cli


def test_explain_cites_the_pep_review_source_and_its_term(cli):
    # Sam, 12, looked after from Fri 2024-12-20 (autumn 2024): the initial PEP stands for autumn; spring 2025
    # (1 Jan-31 Mar) has begun by 2025-02-01 and its review is due on its last day
    cli("init", "--profile", "england")
    cli("child", "add", "C001", "--name", "Sam Jones", "--dob", "2012-05-01")
    cli("event", "add", "C001", "entered-care", "2024-12-20")
    rows = json.loads(cli("explain", "C001", "--as-of", "2025-02-01", "--format", "json").stdout)
    [review] = [r for r in rows if r["obligation"] == "ms.pep-review"]
    assert (review["due"], review["status"], review["owner"], review["source"]) == (
        "2025-03-31", "due", "social-worker", "DfE PEP guidance 2018 (PEP reviewed each school term) [confirm]")
    assert review["arithmetic"] == "spring term 2025-01-01 to 2025-03-31; 2025-03-31 + 0 days = 2025-03-31"
    # 2024-12-20 + 20 working days = 2025-01-22 (DATES.md ✓), not met by 2025-02-01
    [initial] = [r for r in rows if r["obligation"] == "ms.pep"]
    assert (initial["due"], initial["status"]) == ("2025-01-22", "overdue")
    table = cli("explain", "C001", "--as-of", "2025-02-01").stdout
    assert "ms.pep-review" in table and "DfE PEP" in table


def test_a_pep_review_in_the_term_meets_it(cli):
    cli("init", "--profile", "england")
    cli("child", "add", "C001", "--name", "Sam Jones", "--dob", "2012-05-01")
    cli("event", "add", "C001", "entered-care", "2024-12-20")
    cli("event", "add", "C001", "pep-review", "2025-03-14")
    rows = json.loads(cli("explain", "C001", "--as-of", "2025-03-20", "--format", "json").stdout)
    [review] = [r for r in rows if r["obligation"] == "ms.pep-review"]
    assert (review["due"], review["status"]) == ("2025-03-31", "met")


def test_profile_show_prints_the_terms_table_with_its_file(tmp_path):
    nostore = Cli(tmp_path / "absent.db")
    shown = json.loads(nostore("profile", "show", "england", "terms", "--format", "json").stdout)
    keys = {key: (v["value"], v["from"]) for key, v in shown["keys"].items()}
    assert keys["year_starts"] == ("09-01", "england.toml")
    assert keys["pattern"] == ([{"term": "autumn", "first": "09-01", "last": "12-31"},
                                {"term": "spring", "first": "01-01", "last": "03-31"},
                                {"term": "summer", "first": "04-01", "last": "07-31"}], "england.toml")
    assert "[confirm]" in keys["source"][0]
    table = nostore("profile", "show", "england", "terms").stdout
    assert "term autumn, first 09-01, last 12-31" in table
    rule = json.loads(nostore("profile", "show", "england", "ms.pep-review", "--format", "json").stdout)
    assert rule["keys"]["type"]["value"] == "term-review" and rule["keys"]["until_age"]["value"] == "16 years"


def test_an_authoritys_own_term_dates_come_from_its_file(tmp_path):
    own = tmp_path / "myla.toml"
    own.write_text('extends = "england"\nname = "myla"\n[terms.years]\n'
                   '2025 = [{ term = "autumn", first = 2025-09-03, last = 2025-12-19 }]\n')
    nostore = Cli(tmp_path / "absent.db")
    shown = json.loads(nostore("profile", "show", str(own), "terms", "--format", "json").stdout)
    assert shown["keys"]["years.2025"] == {"value": [{"term": "autumn", "first": "2025-09-03", "last": "2025-12-19"}],
                                           "from": str(own)}
    assert shown["keys"]["pattern"]["from"] == "england.toml"
    bad = tmp_path / "bad.toml"
    bad.write_text('extends = "england"\n[terms]\nyear_starts = "1 September"\n')
    result = nostore("profile", "show", str(bad), ok=False)
    assert result.exit_code == 2
    assert f"{bad}: terms.year_starts: '1 September' is not a day of every year like '09-01' (MM-DD)" in result.stderr
