"""The 903 return as people send it: dates before birth or after the as-of date, a 1900-01-01 birth,
ids Excel turned into numbers. CSV and XML, on SQLite and PostgreSQL; hand-checked values."""

from __future__ import annotations

import pytest
from test_ssda903 import to_xml, write903

HEADER = "101,1,14/03/2012,WBRI,UN2,,\n"
EPISODES = "101,07/04/2025,S,C1,N1,U4,PR1,,,,,,\n"
REVIEWS = "101,14/03/2012,02/05/2025,PN1\n"


def as_xml(folder, tmp_path):
    path = tmp_path / "return.xml"
    path.write_text(to_xml(folder), encoding="utf-8")
    return [path]


@pytest.mark.parametrize("form", ["csv", "xml"])
@pytest.mark.parametrize("episodes, reviews, where", [
    ("101,07/04/2011,S,C1,N1,U4,PR1,,,,,,\n", REVIEWS, {"csv": "episodes.csv row 2, field DECOM",
                                                        "xml": "return.xml line 6, field DECOM"}),
    (EPISODES, "101,14/03/2012,02/05/2011,PN1\n", {"csv": "reviews.csv row 2, field REVIEW",
                                                   "xml": "return.xml line 4, field REVIEW"}),
])
def test_an_event_before_birth_is_refused_without_quoting_the_birth(cli, tmp_path, form, episodes, reviews, where):
    folder = write903(tmp_path / "903", header=HEADER, episodes=episodes, reviews=reviews)
    paths = [folder] if form == "csv" else as_xml(folder, tmp_path)
    before = cli.digest()
    result = cli("import", "ssda903", *paths, "--as-of", "2025-12-01", ok=False)
    assert result.exit_code == 2 and cli.digest() == before
    assert result.stderr.strip().splitlines() == [
        f"Error: {where[form]}: a date before the child's date of birth (expected one on or after it)"]
    assert "14/03/2012" not in result.stderr and "2012-03-14" not in result.stderr


def test_a_review_after_the_as_of_date_is_refused(cli, tmp_path):
    folder = write903(tmp_path / "903", header=HEADER, episodes=EPISODES, reviews="101,14/03/2012,02/05/2026,PN1\n")
    result = cli("import", "ssda903", folder, "--as-of", "2025-12-01", ok=False)
    assert result.stderr.strip() == ("Error: reviews.csv row 2, field REVIEW: a date after the as-of date 2025-12-01 "
                                     "(expected one on or before it)")


def test_skip_bad_rows_leaves_out_a_review_before_birth(cli, tmp_path):
    folder = write903(tmp_path / "903", header=HEADER, episodes=EPISODES,
                      reviews=REVIEWS + "101,14/03/2012,02/05/2011,PN1\n")
    result = cli.json("import", "ssda903", folder, "--as-of", "2025-12-01", "--skip-bad-rows")
    assert [(s["file"], s["row"], s["field"]) for s in result["skipped"]] == [("reviews.csv", 3, "REVIEW")]
    assert [d for k, d in cli.events("101") if k == "review-held"] == ["2025-05-02"]


def test_without_a_header_the_reviews_own_dob_is_checked(cli, tmp_path):
    folder = write903(tmp_path / "903", header=HEADER, episodes=EPISODES)
    cli("import", "ssda903", folder, "--as-of", "2025-12-01")
    later = tmp_path / "later"
    later.mkdir()
    (later / "reviews.csv").write_text("CHILD,DOB,REVIEW,REVIEW_CODE\n101,14/03/2012,02/05/2011,PN1\n")
    result = cli("import", "ssda903", later / "reviews.csv", "--as-of", "2025-12-01", ok=False)
    assert result.stderr.strip().startswith("Error: reviews.csv row 2, field REVIEW: a date before the child's date")


@pytest.mark.parametrize("form", ["csv", "xml"])
def test_a_birth_of_1900_01_01_is_unknown_and_noted(cli, tmp_path, form):
    folder = write903(tmp_path / "903", header="101,1,01/01/1900,WBRI,UN2,,\n", episodes=EPISODES,
                      reviews="101,01/01/1900,02/05/2025,PN1\n")
    paths = [folder] if form == "csv" else as_xml(folder, tmp_path)
    result = cli.json("import", "ssda903", *paths, "--as-of", "2025-12-01")
    assert result["skipped"] == []
    assert cli.rows("SELECT dob FROM child") == [(None,)]
    assert ("1 date(s) of birth of 1900-01-01 (a placeholder for 'not known') stored as unknown: record the real "
            "one when it is known") in result["notes"]
    assert [e for e in cli.events("101") if e[0] not in ("history-known-from", "tracking-started")][:2] == [
        ("entered-care", "2025-04-07"), ("review-held", "2025-05-02")]


def test_the_summary_says_reviews_are_keyed_by_date(cli, tmp_path):
    folder = write903(tmp_path / "903", header=HEADER, episodes=EPISODES, reviews=REVIEWS)
    result = cli.json("import", "ssda903", folder, "--as-of", "2025-12-01")
    assert any(n.startswith("reviews are keyed by child and date (the return gives a review no id)")
               for n in result["notes"])


@pytest.mark.parametrize("form", ["csv", "xml"])
def test_an_id_excel_made_a_number_is_the_same_child(cli, tmp_path, form):
    # in XML an episode or review has no id of its own: it sits under its child's <CHILDID>101.0</CHILDID>
    episodes = EPISODES if form == "csv" else EPISODES.replace("101,", "101.0,")
    reviews = "101.00,14/03/2012,02/05/2025,PN1\n" if form == "csv" else "101.0,14/03/2012,02/05/2025,PN1\n"
    folder = write903(tmp_path / "903", header="101.0,1,14/03/2012,WBRI,UN2,,\n", episodes=episodes, reviews=reviews)
    paths = [folder] if form == "csv" else as_xml(folder, tmp_path)
    result = cli.json("import", "ssda903", *paths, "--as-of", "2025-12-01")
    assert result["skipped"] == [] and result["children"]["added"] == 1
    assert cli.rows("SELECT id FROM child") == [("101",)]
    assert [e for e in cli.events("101") if e[0] not in ("history-known-from", "tracking-started")][:2] == [
        ("entered-care", "2025-04-07"), ("review-held", "2025-05-02")]


def test_a_later_return_without_a_header_finds_the_stored_child_by_its_excel_id(cli, tmp_path):
    cli("import", "ssda903", write903(tmp_path / "one", header=HEADER, episodes=EPISODES), "--as-of", "2025-12-01")
    later = tmp_path / "later"
    later.mkdir()
    (later / "reviews.csv").write_text("CHILD,DOB,REVIEW,REVIEW_CODE\n101.0,14/03/2012,02/05/2025,PN1\n")
    result = cli.json("import", "ssda903", later / "reviews.csv", "--as-of", "2025-12-01")
    assert result["skipped"] == [] and result["children"]["added"] == 0
    assert ("review-held", "2025-05-02") in cli.events("101")
