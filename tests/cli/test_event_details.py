"""`event add --detail NAME=VALUE`: the structured facts a kind may carry (domain.EVENT_DETAILS), refused
in one line naming the detail, and shown by `event list`, `child show` and `event kinds`."""

from __future__ import annotations

import datetime as dt

import pytest


@pytest.fixture
def child(cli):
    cli("init", "--profile", "england")
    cli("child", "add", "C001", "--name", "Sam Jones", "--dob", "2012-05-01")
    cli("event", "add", "C001", "entered-care", "2025-03-03")
    return cli


def test_a_visit_records_whether_the_child_was_seen_alone(child):
    added = child("event", "add", "C001", "sw-visit", "2025-03-07", "--detail", "Seen-Alone = Refused")
    event_id = added.stdout.strip()
    [row] = [r for r in child.json("event", "list", "C001") if r["kind"] == "sw-visit"]
    assert (str(row["id"]), row["details"]) == (event_id, "seen-alone=refused")
    table = child("event", "list", "C001").stdout
    assert "seen-alone=refused" in table
    page = child.json("child", "show", "C001")
    assert [e["details"] for e in page["events"] if e["kind"] == "sw-visit"] == ["seen-alone=refused"]
    # the entered-care event carries none
    assert [e["details"] for e in page["events"] if e["kind"] == "entered-care"] == [None]


@pytest.mark.parametrize("args, message", [
    pytest.param(["sw-visit", "--detail", "seen-alone=maybe"],
                 "--detail seen-alone=maybe: not one of yes, no, refused, inappropriate, unable", id="bad-value"),
    pytest.param(["sw-visit", "--detail", "seen-alone"], "--detail 'seen-alone' is not NAME=VALUE", id="no-equals"),
    pytest.param(["iro-visit", "--detail", "seen-alone=yes"],
                 "--detail seen-alone: iro-visit events carry no such detail (their details: none)",
                 id="kind-without-details"),
    pytest.param(["review-held", "--detail", "seen-alone=yes"],
                 "--detail seen-alone: review-held events carry no such detail (their details: participation)",
                 id="kind-with-other-details"),
    pytest.param(["sw-visit", "--detail", "seen-alone=yes", "--detail", "seen-alone=no"],
                 "--detail seen-alone is given twice", id="twice"),
])
def test_a_bad_detail_is_one_line_exit_2_and_nothing_written(child, args, message):
    before = child.digest()
    kind, *options = args
    result = child("event", "add", "C001", kind, "2025-03-07", *options, ok=False)
    assert result.exit_code == 2
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert child.digest() == before


def test_event_kinds_lists_each_kinds_details(child):
    rows = {r["kind"]: r["details"] for r in child.json("event", "kinds")}
    assert rows["sw-visit"] == "seen-alone: yes|no|refused|inappropriate|unable"
    assert rows["review-held"] == "participation: PN0|PN1|PN2|PN3|PN4|PN5|PN6|PN7"
    assert rows["iro-visit"] == ""


def test_an_sdq_records_its_score(child):
    child("event", "add", "C001", "sdq", "2025-03-07", "--detail", "score=14")
    assert [e["details"] for e in child.json("event", "list", "C001") if e["kind"] == "sdq"] == ["score=14"]
    result = child("event", "add", "C001", "sdq", "2025-03-08", "--detail", "score=41", ok=False)
    assert result.exit_code == 2 and "--detail score=41: not one of 0 to 40" in result.stderr
    assert "did you mean" not in result.stderr  # 41 is no misspelt 4
    assert {r["kind"]: r["details"] for r in child.json("event", "kinds")}["sdq"] == "score: 0 to 40"


@pytest.mark.parametrize("given", ["U1", "u1", " u1 "])
def test_a_placement_change_records_its_ssda903_placement_type_as_the_return_writes_it(child, given):
    child("event", "add", "C001", "placement-change", "2025-04-01", "--detail", f"placement={given}")
    [row] = [r for r in child.json("event", "list", "C001") if r["kind"] == "placement-change"]
    assert row["details"] == "placement=U1"  # upper case, as the 903 codes it
    [(details,)] = child.rows("SELECT details FROM event WHERE kind = 'placement-change'")
    assert details == '{"placement": "U1"}'


def test_a_bad_placement_type_is_one_line_exit_2_and_nothing_written(child):
    before = child.digest()
    result = child("event", "add", "C001", "placement-change", "2025-04-01", "--detail", "placement=U9", ok=False)
    assert result.exit_code == 2
    [line] = result.stderr.strip().splitlines()
    assert "--detail placement=u9: not one of A3, A4, A5" in line and "Z14" in line, line
    assert child.digest() == before
    rows = {r["kind"]: r["details"] for r in child.json("event", "kinds")}
    assert rows["entered-care"].startswith("placement: A3|A4|") and rows["sw-visit"].startswith("seen-alone")


@pytest.mark.parametrize("given", ["PN1", "pn1", " Pn1 "])
def test_participation_is_stored_on_a_held_review_as_the_return_writes_it(child, given):
    # --participation PN1 is --detail participation=PN1: the detail SSDA903 and extract imports write
    child("event", "add", "C001", "review-held", "2025-03-20", "--participation", given)
    assert child.rows("SELECT details FROM event WHERE kind = 'review-held'") == [('{"participation": "PN1"}',)]
    [row] = [r for r in child.json("event", "list", "C001") if r["kind"] == "review-held"]
    assert row["details"] == "participation=PN1"


@pytest.mark.parametrize("args, message", [
    pytest.param(["review-held", "--participation", "PN9"],
                 "--participation PN9: not one of PN0, PN1, PN2, PN3, PN4, PN5, PN6, PN7; did you mean PN7?",
                 id="bad-code"),
    pytest.param(["review-held", "--participation", "attended"],
                 "--participation attended: not one of PN0, PN1, PN2, PN3, PN4, PN5, PN6, PN7", id="not-a-code"),
    pytest.param(["iro-visit", "--participation", "PN1"],
                 "--participation is for review-held events only, not iro-visit", id="other-kind"),
    pytest.param(["review-booked", "--participation", "PN1"],
                 "--participation is for review-held events only, not review-booked", id="a-booking"),
    pytest.param(["review-held", "--participation", "PN1", "--detail", "participation=PN2"],
                 "--participation and --detail participation both given: give one", id="twice"),
])
def test_a_bad_participation_is_one_line_exit_2_and_nothing_written(child, args, message):
    before = child.digest()
    kind, *options = args
    result = child("event", "add", "C001", kind, "2025-03-20", *options, ok=False)
    assert result.exit_code == 2
    [line] = result.stderr.strip().splitlines()
    assert line == f"Error: {message}", line
    assert child.digest() == before


def test_participation_must_fit_the_childs_age_on_the_review_day(cli):
    """PN0 is a child under 4 at the review, PN1-PN7 one of 4 or over (SSDA903 guide): born 2021-02-28, the child
    turns 4 on 2025-02-28. Refused in one line naming the child by id, nothing written."""
    cli("init", "--profile", "england")
    cli("child", "add", "Y1", "--name", "Ada Young", "--dob", "2021-02-28")
    cli("event", "add", "Y1", "entered-care", "2024-12-02")
    for day, code, message in (
            ("2025-02-28", "PN0", "participation PN0 is for a child under 4: Y1 was 4 or over on 2025-02-28"),
            ("2025-02-27", "PN1", "participation PN1 is for a child of 4 or over: Y1 was under 4 on 2025-02-27 "
                                  "(PN0)")):
        result = cli("event", "add", "Y1", "review-held", day, "--participation", code, ok=False)
        assert (result.exit_code, result.stderr) == (2, f"Error: {message}\n")
    assert cli.rows("SELECT kind FROM event WHERE child_id = 'Y1' ORDER BY id") == [("entered-care",)]
    cli("event", "add", "Y1", "review-held", "2025-02-27", "--participation", "PN0")
    cli("event", "add", "Y1", "review-held", "2025-02-28", "--participation", "pn1")
    assert cli.rows("SELECT details FROM event WHERE kind = 'review-held' ORDER BY id") == [
        ('{"participation": "PN0"}',), ('{"participation": "PN1"}',)]


def test_the_fourth_birthday_of_a_leap_day_child_is_1_march():
    from irocli.domain import fourth_birthday

    assert fourth_birthday(dt.date(2020, 2, 29)) == dt.date(2024, 2, 29)  # a leap year four years on
    assert fourth_birthday(dt.date(2096, 2, 29)) == dt.date(2100, 3, 1)  # 2100 is no leap year
    assert fourth_birthday(dt.date(2021, 12, 31)) == dt.date(2025, 12, 31)
