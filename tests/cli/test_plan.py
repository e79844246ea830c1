"""irocli plan: what-if dates for the open review, hand-checked; nothing is written to the store."""

from __future__ import annotations

import json

import pytest


def plan(cli, *args: str) -> dict:
    return json.loads(cli("plan", *args, "--format", "json").stdout)


def dues(rows: list[dict]) -> dict[str, str]:
    return {r["obligation"]: r["due"] for r in rows}


def test_review_on_a_chosen_day(caseload):
    # As of 2025-01-06 C001's first review (entered care 2024-12-20) is open: 20 WD, skipping
    # 25-26 Dec and 1 Jan, is 2025-01-22. Held on Monday 2025-01-20 instead:
    #   review.second 2025-01-20 + 3 months = 2025-04-20
    #   task.decisions 5 WD: 21, 22, 23, 24, 27 Jan = 2025-01-27
    #   task.record-distributed 20 WD: 21-24 Jan (4), 27-31 (9), 3-7 Feb (14), 10-14 (19), 17 = 2025-02-17
    #   task.iro-contact-child 2025-01-20 - 1 day = Sun 2025-01-19, moved back to Fri 2025-01-17 (RULES §6)
    #   ms.iro-before-first-review: judged on the day the review is held, 2025-01-20
    p = plan(caseload, "C001", "--review-on", "2025-01-20", "--as-of", "2025-01-06")
    assert (p["open_review"]["obligation"], p["open_review"]["due"]) == ("review.first", "2025-01-22")
    assert (p["review_on"], p["in_time"], p["too_late"]) == ("2025-01-20", True, 0)
    assert p["after"][0]["obligation"] == "review.second"
    # the IRO's appointment is judged on the day the review is held, and that review shows one chaired it
    assert dues(p["after"]) == {"review.second": "2025-04-20", "task.decisions": "2025-01-27",
                                "task.record-distributed": "2025-02-17", "ms.iro-before-first-review": "2025-01-20"}
    assert dues(p["before"]) == {"task.iro-contact-child": "2025-01-17"}
    assert all(r["anchor"] == {"kind": "review-booked", "date": "2025-01-20"} for r in p["before"])
    assert all(r["anchor"] == {"kind": "review-held", "date": "2025-01-20"} for r in p["after"])
    [decisions] = [r for r in p["after"] if r["obligation"] == "task.decisions"]
    assert decisions["arithmetic"] == "2025-01-20 + 5 working days = 2025-01-27"


def test_a_day_after_the_due_date_is_not_in_time(caseload):
    p = plan(caseload, "C002", "--review-on", "2025-04-02", "--as-of", "2025-03-20")
    assert (p["open_review"]["due"], p["in_time"]) == ("2025-03-31", False)
    assert dues(p["after"])["review.second"] == "2025-07-02"
    table = caseload("plan", "C002", "--review-on", "2025-04-02", "--as-of", "2025-03-20").stdout
    assert "2 days after the due date" in table


@pytest.mark.parametrize("held, due, latest", [
    ("2025-01-22", "2025-04-22", "2025-04-22"),  # a Tuesday: the due date itself
    ("2025-02-10", "2025-05-10", "2025-05-09"),  # Saturday -> Friday
    ("2025-02-11", "2025-05-11", "2025-05-09"),  # Sunday -> Friday
    ("2025-01-21", "2025-04-21", "2025-04-17"),  # Easter Monday, back past Good Friday to Thursday
], ids=["working-day", "saturday", "sunday", "easter"])
def test_latest_steps_back_to_a_working_day(cli, held, due, latest):
    cli("init", "--profile", "england")
    cli("child", "add", "C020", "--name", "Kai Reed", "--dob", "2012-05-01", "--iro", "A. Khan")
    cli("event", "add", "C020", "entered-care", "2024-12-20")
    cli("event", "add", "C020", "review-held", held)
    p = plan(cli, "C020", "--latest", "--as-of", "2025-03-01")
    assert (p["open_review"]["obligation"], p["open_review"]["due"]) == ("review.second", due)
    assert (p["review_on"], p["in_time"]) == (latest, True)
    assert "latest working day" in p["basis"]


def test_latest_over_easter_hand_checked(cli):
    # Held 2025-04-17 (Thursday before Easter): 5 WD skip Good Friday, the weekend and Easter Monday:
    # 22, 23, 24, 25, 28 Apr = 2025-04-28; 20 WD also skip 5 May: 22-25 Apr (4), 28 Apr-2 May (9),
    # 6-9 May (13), 12-16 (18), 19, 20 = 2025-05-20; then 6 months = 2025-10-17.
    cli("init", "--profile", "england")
    cli("child", "add", "C020", "--name", "Kai Reed", "--dob", "2012-05-01")
    cli("event", "add", "C020", "entered-care", "2024-12-20")
    cli("event", "add", "C020", "review-held", "2025-01-21")
    p = plan(cli, "C020", "--latest", "--as-of", "2025-03-01")
    assert dues(p["after"]) == {"review.subsequent": "2025-10-17", "task.decisions": "2025-04-28",
                                "task.record-distributed": "2025-05-20"}
    assert dues(p["before"]) == {"task.iro-contact-child": "2025-04-16"}


@pytest.fixture
def blackpool(cli):
    cli("init", "--profile", "blackpool")
    cli("child", "add", "C030", "--name", "Mia Cole", "--dob", "2012-05-01", "--iro", "A. Khan")
    cli("event", "add", "C030", "entered-care", "2025-03-03")  # review.first 20 WD = 2025-03-31
    return cli


def test_before_tasks_already_too_late(blackpool):
    # R = 2025-03-31, as of 2025-03-20 (a first review: sw-documents uses its 3 WD "initial" value):
    #   consult-child  20 WD back: 28,27,26,25,24 (5), 21-17 (10), 14-10 (15), 7-3 Mar (20) = 2025-03-03: too late
    #   invitations    14 days back = 2025-03-17: too late
    #   sw-documents   3 WD back: 28, 27, 26 = 2025-03-26
    #   iro-preparation 3 days back = 2025-03-28; iro-visit and iro-contact-child 1 day back = Sun
    #   2025-03-30, moved back to Fri 2025-03-28 (RULES §6)
    p = plan(blackpool, "C030", "--review-on", "2025-03-31", "--as-of", "2025-03-20")
    assert dues(p["before"]) == {"task.consult-child": "2025-03-03", "task.invitations": "2025-03-17",
                                 "task.sw-documents": "2025-03-26", "task.iro-preparation": "2025-03-28",
                                 "task.iro-visit": "2025-03-28", "task.iro-contact-child": "2025-03-28"}
    assert {r["obligation"] for r in p["before"] if r["too_late"]} == {"task.consult-child", "task.invitations"}
    assert p["too_late"] == 2
    table = blackpool("plan", "C030", "--review-on", "2025-03-31", "--as-of", "2025-03-20").stdout
    assert "too late (17d ago)" in table and "2 tasks before the review are already too late." in table


def test_a_done_task_is_not_too_late(blackpool):
    blackpool("event", "add", "C030", "invitations-sent", "2025-03-12")
    p = plan(blackpool, "C030", "--review-on", "2025-03-31", "--as-of", "2025-03-20")
    inv = next(r for r in p["before"] if r["obligation"] == "task.invitations")
    assert (inv["status"], inv["met_on"], inv["too_late"]) == ("met", "2025-03-12", False)
    assert {r["obligation"] for r in p["before"] if r["too_late"]} == {"task.consult-child"}


def test_a_booking_is_replaced_by_the_plan(blackpool):
    blackpool("event", "add", "C030", "review-booked", "2025-03-28")
    p = plan(blackpool, "C030", "--review-on", "2025-03-31", "--as-of", "2025-03-20")
    assert dues(p["before"])["task.invitations"] == "2025-03-17"


def test_nothing_is_written_to_the_store(caseload):
    before = caseload.digest()
    caseload("plan", "C002", "--review-on", "2025-03-28", "--as-of", "2025-03-20")
    caseload("plan", "C002", "--latest", "--as-of", "2025-03-20", "--format", "json")
    assert caseload.digest() == before
    events = json.loads(caseload("event", "list", "C002", "--format", "json").stdout)
    assert [e["kind"] for e in events] == ["entered-care", "iro-allocated"]  # as `child add --iro` left them


def test_table_and_json_agree(caseload):
    args = ("plan", "C001", "--review-on", "2025-01-20", "--as-of", "2025-01-06")
    p = json.loads(caseload(*args, "--format", "json").stdout)
    table = caseload(*args).stdout
    for row in p["before"] + p["after"]:
        assert row["due"] in table and row["obligation"] in table
    assert "C001 SJ" in table and "Sam Jones" not in table


@pytest.mark.parametrize("args, message", [
    (("C999", "--latest"), "Error: unknown child C999"),
    (("C001", "--as-of", "2025-03-01"), "Error: give either --review-on DATE or --latest"),
    (("C001", "--latest", "--review-on", "2025-04-01"), "Error: give either --review-on DATE or --latest"),
    (("C001", "--review-on", "2025-02-30"), None),
    (("C001", "--review-on", "2025-01-10", "--as-of", "2025-03-01"),
     "Error: --review-on: 2025-01-10 is not after review-held on 2025-01-22"),
    (("C001", "--latest", "--as-of", "2024-12-01"), "Error: C001 has no open review on 2024-12-01 to plan"),
], ids=["unknown-child", "neither", "both", "bad-date", "before-window", "not-looked-after"])
def test_bad_input_is_exit_2(caseload, args, message):
    result = caseload("plan", *args, ok=False)
    assert result.exit_code == 2, result.stderr
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ")
    if message:
        assert lines[0] == message
