"""Issue 17's acceptance for allocation: a hand-built IRO service of 4 IROs and 3 teams, on each backend.

`caseload transfer`, `caseload cover` and `iro rename` change exactly the rows they should (child.iro, the
iro-allocated events, the cover rows) and `due`/`overdue --iro` follow them; `iro list` figures, today and
before a transfer (--as-of), are worked out by hand below. Bad input is one line, exit 2, nothing written.

The service (every date in 2025, so today's figures hold on any later day):

    child team   entered care   allocated (iro-allocated, details iro)   then
    C01   North  2025-01-06     A. Khan 2025-01-08                       -> B. Okafor 2025-06-02 (transfer, all A's)
    C02   North  2025-01-06     A. Khan 2025-01-08                       -> B. Okafor 2025-06-02
    C03   South  2025-02-03     A. Khan 2025-02-05                       -> C. Jones 2025-05-01 (transfer --child)
    C04   South  2025-02-03     B. Okafor 2025-02-05
    C05   East   2025-03-03     B. Okafor 2025-03-05                     left care 2025-08-01
    C06   East   2025-03-03     C. Jones 2025-03-05
    C07   North  2025-04-07     D. Patel 2025-04-08
    C08   South  (not in care)  D. Patel 2025-04-08
"""

from __future__ import annotations

import datetime as dt

import pytest

SERVICE = [
    # child, team, entered care (None: never), IRO, allocated on
    ("C01", "North", "2025-01-06", "A. Khan", "2025-01-08"),
    ("C02", "North", "2025-01-06", "A. Khan", "2025-01-08"),
    ("C03", "South", "2025-02-03", "A. Khan", "2025-02-05"),
    ("C04", "South", "2025-02-03", "B. Okafor", "2025-02-05"),
    ("C05", "East", "2025-03-03", "B. Okafor", "2025-03-05"),
    ("C06", "East", "2025-03-03", "C. Jones", "2025-03-05"),
    ("C07", "North", "2025-04-07", "D. Patel", "2025-04-08"),
    ("C08", "South", None, "D. Patel", "2025-04-08"),
]
# A band of 1 to 2 looked-after children, so the four IROs fall below, within and above it.
BAND = 'extends = "england"\n[kpi]\ncaseload_band = [1, 2]\ncaseload_source = "Testshire service plan"\n'


@pytest.fixture
def service(cli, tmp_path):
    profile = tmp_path / "testshire.toml"
    profile.write_text(BAND)
    cli("init", "--profile", str(profile))
    for child, team, entered, iro, allocated in SERVICE:
        cli("child", "add", child, "--name", f"Child {child}", "--dob", "2012-05-01", "--team", team)
        if entered:
            cli("event", "add", child, "entered-care", entered)
        cli("event", "add", child, "iro-allocated", allocated, "--detail", f"iro={iro}")
    cli("event", "add", "C05", "left-care", "2025-08-01")
    return cli


def iros(cli) -> dict[str, str | None]:
    return dict(cli.rows("SELECT id, iro FROM child ORDER BY id"))


def allocations(cli) -> list[tuple]:
    """(child, date, details) of every iro-allocated event, in order of recording."""
    return cli.rows("SELECT child_id, date, details FROM event WHERE kind = 'iro-allocated' ORDER BY id")


def covers(cli) -> list[tuple]:
    return cli.rows("SELECT child_id, iro, absent, start_date, end_date FROM iro_cover ORDER BY id")


def listed(cli, *args) -> list[tuple]:
    """`iro list` as (iro, looked after, allocated, band, covering, covered) tuples."""
    return [(r["iro"], r["looked_after"], r["allocated"], r["band"], r["covering"], r["covered"])
            for r in cli.json("iro", "list", *args)]


def children_listed(cli, command: str, iro: str, *args) -> set[str]:
    return {r["child_id"] for r in cli.json(command, "--iro", iro, *args)}


def detail(iro: str) -> str:
    return '{"iro": "' + iro + '"}'


def test_the_allocation_history_sets_each_childs_iro(service):
    assert iros(service) == {"C01": "A. Khan", "C02": "A. Khan", "C03": "A. Khan", "C04": "B. Okafor",
                             "C05": "B. Okafor", "C06": "C. Jones", "C07": "D. Patel", "C08": "D. Patel"}
    # an earlier allocation recorded later does not change the IRO: the latest by date does
    service("event", "add", "C04", "iro-allocated", "2025-02-04", "--detail", "iro=C. Jones")
    assert iros(service)["C04"] == "B. Okafor"
    # voiding the latest gives the child back the one before it
    [(latest,)] = service.rows("SELECT id FROM event WHERE child_id = 'C04' AND kind = 'iro-allocated' "
                               "AND date = '2025-02-05'")
    service("event", "void", str(latest), "--reason", "entered against the wrong child")
    assert iros(service)["C04"] == "C. Jones"
    # an allocation names its IRO
    before = service.digest()
    refused = service("event", "add", "C04", "iro-allocated", "2025-03-01", ok=False)
    assert refused.exit_code == 2 and refused.stderr.count("\n") == 1 and "--detail iro=NAME" in refused.stderr
    assert service.digest() == before


def test_iro_list_today_and_before_a_transfer_worked_out_by_hand(service):
    # before any transfer, on 2025-04-30: A has C01-C03 (3, above 1-2); B C04, C05 (2, within);
    # C C06 (1, within); D C07 and C08, of whom only C07 is looked after (1, within)
    before = [("A. Khan", 3, 3, "above", 0, 0), ("B. Okafor", 2, 2, "within", 0, 0),
              ("C. Jones", 1, 1, "within", 0, 0), ("D. Patel", 1, 2, "within", 0, 0)]
    assert listed(service, "--as-of", "2025-04-30") == before
    # on 2025-01-07 only C01 and C02 were in care (since 2025-01-06); before a child's first allocation its IRO
    # is the first's (`child add --iro` records the allocation on the day it is run, after the history it
    # backfills), so every child counts as allocated, in care or not
    assert listed(service, "--as-of", "2025-01-07") == [
        ("A. Khan", 2, 3, "within", 0, 0), ("B. Okafor", 0, 2, "below", 0, 0), ("C. Jones", 0, 1, "below", 0, 0),
        ("D. Patel", 0, 2, "below", 0, 0)]
    service("caseload", "transfer", "--from", "a. khan", "--to", "C. Jones", "--child", "C03", "--date", "2025-05-01")
    service("caseload", "transfer", "--from", "A. KHAN", "--to", "B. Okafor", "--date", "2025-06-02")
    # the past is told from the history, not from today's IROs: by `iro list` and by the KPI's caseload
    assert listed(service, "--as-of", "2025-04-30") == before
    kpi = service.json("report", "kpi", "--from", "2025-04-01", "--to", "2025-04-30")
    assert [(r["iro"], r["children"], r["band"]) for r in kpi["caseload"]] == [
        ("A. Khan", 3, "above"), ("B. Okafor", 2, "within"), ("C. Jones", 1, "within"), ("D. Patel", 1, "within")]
    # 2025-05-15, between the transfers: C03 is C. Jones's
    assert listed(service, "--as-of", "2025-05-15") == [
        ("A. Khan", 2, 2, "within", 0, 0), ("B. Okafor", 2, 2, "within", 0, 0), ("C. Jones", 2, 2, "within", 0, 0),
        ("D. Patel", 1, 2, "within", 0, 0)]
    # today: A has no one; B has C01, C02, C04 looked after and C05, who left care on 2025-08-01 (3 of 4:
    # above); C has C03 and C06 (2); D as before
    today = [("B. Okafor", 3, 4, "above", 0, 0), ("C. Jones", 2, 2, "within", 0, 0), ("D. Patel", 1, 2, "within", 0, 0)]
    assert listed(service) == today
    # one team: North's children are C01, C02 (B. Okafor) and C07 (D. Patel)
    assert listed(service, "--team", "north") == [("B. Okafor", 2, 2, "within", 0, 0),
                                                  ("D. Patel", 1, 1, "within", 0, 0)]
    rows = service.json("iro", "list")
    assert {(r["band_low"], r["band_high"], r["source"]) for r in rows} == {(1, 2, "Testshire service plan")}
    table = service("iro", "list").stdout
    assert "Band 1–2" in table and "Testshire service plan" in table
    csv_lines = service("iro", "list", "--format", "csv").stdout.splitlines()
    assert csv_lines[0] == "iro,looked_after,allocated,band,band_low,band_high,covering,covered,source"
    assert csv_lines[1] == "B. Okafor,3,4,above,1,2,0,0,Testshire service plan"


def test_the_england_band_and_its_source_come_from_the_profile(cli):
    cli("init", "--profile", "england")
    cli("child", "add", "C01", "--name", "Child C01", "--dob", "2012-05-01", "--iro", "A. Khan")
    cli("event", "add", "C01", "entered-care", "2025-01-06")
    [row] = cli.json("iro", "list")
    assert row == {"iro": "A. Khan", "looked_after": 1, "allocated": 1, "band": "below", "band_low": 50,
                   "band_high": 70, "covering": 0, "covered": 0, "source": "IRO Handbook (2010) para 7.15"}


def test_a_transfer_changes_exactly_the_childrens_iro_and_history(service):
    assert children_listed(service, "overdue", "A. Khan") == {"C01", "C02", "C03"}
    # C05 left care on 2025-08-01 and C08 was never in care: nothing of theirs is open, so no list shows them
    assert children_listed(service, "overdue", "B. Okafor") == {"C04"}
    start = allocations(service)
    service("caseload", "transfer", "--from", "a. khan", "--to", "C. Jones", "--child", "C03", "--date", "2025-05-01")
    service("caseload", "transfer", "--from", " A.  KHAN ", "--to", "B. Okafor", "--date", "2025-06-02")
    assert iros(service) == {"C01": "B. Okafor", "C02": "B. Okafor", "C03": "C. Jones", "C04": "B. Okafor",
                             "C05": "B. Okafor", "C06": "C. Jones", "C07": "D. Patel", "C08": "D. Patel"}
    # each names the IRO before it too ("from"), as stored on the child
    assert allocations(service) == [*start, ("C03", "2025-05-01", '{"from": "A. Khan", "iro": "C. Jones"}'),
                                    ("C01", "2025-06-02", '{"from": "A. Khan", "iro": "B. Okafor"}'),
                                    ("C02", "2025-06-02", '{"from": "A. Khan", "iro": "B. Okafor"}')]
    assert covers(service) == []
    assert children_listed(service, "overdue", "B. Okafor") == {"C01", "C02", "C04"}
    assert children_listed(service, "overdue", "C. Jones") == {"C03", "C06"}
    refused = service("overdue", "--iro", "A. Khan", ok=False)  # no child is A. Khan's now
    assert refused.exit_code == 2 and "no child in the store has IRO 'A. Khan'" in refused.stderr
    # the obligation table was kept: nothing is derived live (no stale notice)
    assert "derived live" not in service("overdue").stderr


def test_cover_shows_the_covering_iro_and_the_allocation_stays(service):
    from irocli.cli._context import today

    day = today()
    until = (day + dt.timedelta(days=14)).isoformat()
    service("caseload", "cover", "d. patel", "--cover", "A. Khan", "--from", "today", "--to", until)
    service("caseload", "cover", "C. Jones", "--cover", "B. Okafor", "--from", "2099-01-04", "--to", "2099-01-15")
    assert covers(service) == [("C07", "A. Khan", "D. Patel", day.isoformat(), until),
                               ("C08", "A. Khan", "D. Patel", day.isoformat(), until),
                               ("C06", "B. Okafor", "C. Jones", "2099-01-04", "2099-01-15")]
    assert iros(service)["C07"] == "D. Patel" and iros(service)["C08"] == "D. Patel"  # the allocation stays
    # A. Khan's list holds the children A covers today, and D. Patel's still holds them
    assert children_listed(service, "overdue", "a. khan") == {"C01", "C02", "C03", "C07"}
    assert children_listed(service, "overdue", "D. Patel") == {"C07"}
    rows = service.json("overdue", "--iro", "D. Patel")
    assert {(r["child_id"], r["iro"], r["cover"]) for r in rows} == {("C07", "D. Patel", "A. Khan")}
    assert {r["cover"] for r in service.json("overdue", "--iro", "C. Jones")} == {None}  # planned: not yet
    assert list(rows[0])[-2:] == ["owner", "cover"]  # appended to the contract's fields
    assert service("overdue", "--iro", "a. khan", "--format", "csv").stdout.splitlines()[0].endswith(",met_on,cover")
    # the tables and the child's page show the cover
    assert "C07 CC (cover for D. Patel)" in service("overdue", "--iro", "A. Khan").stdout
    assert "(covered by A. Khan)" in service("overdue", "--iro", "D. Patel").stdout
    assert "D. Patel (cover: A. Khan)" in service("overdue").stdout
    page = service.json("child", "show", "C07")
    assert page["child"]["cover"] == {"iro": "A. Khan", "from": day.isoformat(), "to": until}
    assert f"D. Patel, covered by A. Khan from {day} to {until}" in service("child", "show", "C07").stdout
    # `irocli caseload` the same way: the covering IRO's list holds the child, marked, and so does its own IRO's
    assert {r["child_id"] for r in service.json("caseload", "--iro", "a. khan")} == {"C01", "C02", "C03", "C07"}
    assert {r["child_id"]: r["cover"] for r in service.json("caseload", "--iro", "D. Patel")} == {"C07": "A. Khan"}
    assert "(cover for D. Patel)" in service("caseload", "--iro", "A. Khan").stdout
    assert "(covered by A. Khan)" in service("caseload", "--iro", "D. Patel").stdout
    assert "(cover: A. Khan)" in service("caseload").stdout
    # on the covered days, iro list counts it; on the planned leave too, as of a day inside it
    # (A. Khan: C01-C03, covering C07 and C08; B. Okafor: C04 and C05, who left care; D. Patel covered twice)
    assert listed(service) == [("A. Khan", 3, 3, "above", 2, 0), ("B. Okafor", 1, 2, "within", 0, 0),
                               ("C. Jones", 1, 1, "within", 0, 0), ("D. Patel", 1, 2, "within", 0, 2)]
    assert [r for r in listed(service, "--as-of", "2099-01-10") if r[0] in ("B. Okafor", "C. Jones")] == [
        ("B. Okafor", 1, 2, "within", 1, 0), ("C. Jones", 1, 1, "within", 0, 1)]
    # a transfer ends a cover: it counts while the IRO covered is still the child's
    service("caseload", "transfer", "--from", "D. Patel", "--to", "C. Jones", "--child", "C07", "--date", "today")
    assert children_listed(service, "overdue", "a. khan") == {"C01", "C02", "C03"}


def test_rename_merges_two_spellings_everywhere_and_only_them(service):
    service("caseload", "cover", "B. Okafor", "--cover", "a. khan", "--from", "2099-01-04", "--to", "2099-01-15")
    service("event", "add", "C06", "iro-allocated", "2025-03-04", "--detail", "iro=A.  KHAN")
    before = allocations(service)
    result = service("iro", "rename", "A. KHAN", "Amir Khan")
    assert result.stderr.strip() == "Renamed to Amir Khan: 3 child(ren), 4 allocation(s), 2 cover(s)."
    assert iros(service) == {"C01": "Amir Khan", "C02": "Amir Khan", "C03": "Amir Khan", "C04": "B. Okafor",
                             "C05": "B. Okafor", "C06": "C. Jones", "C07": "D. Patel", "C08": "D. Patel"}
    renamed = {("C01", "2025-01-08"), ("C02", "2025-01-08"), ("C03", "2025-02-05"), ("C06", "2025-03-04")}
    assert allocations(service) == [(c, d, detail("Amir Khan") if (c, d) in renamed else details)
                                    for c, d, details in before]
    assert covers(service) == [("C04", "Amir Khan", "B. Okafor", "2099-01-04", "2099-01-15"),
                               ("C05", "Amir Khan", "B. Okafor", "2099-01-04", "2099-01-15")]
    assert children_listed(service, "overdue", "amir khan") == {"C01", "C02", "C03"}


@pytest.mark.parametrize("args, message", [
    (("caseload", "transfer", "--from", "Z. Nobody", "--to", "B. Okafor", "--date", "2025-06-02"),
     "--from: no child in the store has IRO 'Z. Nobody'"),
    (("caseload", "transfer", "--from", "A. Khan", "--to", "B. Okafor", "--date", "2025-06-02", "--child", "C01",
      "--child", "C04"), "child C04 is not --from A. Khan's (its IRO: B. Okafor)"),
    (("caseload", "transfer", "--from", "A. Khan", "--to", "B. Okafor", "--date", "2199-01-01"),
     "--date 2199-01-01 is after today"),
    (("caseload", "transfer", "--from", "A. Khan", "--to", "B. Okafor", "--date", "2025-02-01"),
     "--date 2025-02-01 is before C03's allocation to A. Khan began (2025-02-05)"),  # C01's began 2025-01-08
    (("caseload", "transfer", "--from", "A. Khan", "--to", "a. khan", "--date", "2025-06-02"),
     "--to is the same IRO as --from"),
    (("caseload", "cover", "A. Khan", "--cover", "B. Okafor", "--from", "2099-01-15", "--to", "2099-01-04"),
     "--to 2099-01-04 is before --from 2099-01-15"),
    (("caseload", "cover", "Z. Nobody", "--cover", "B. Okafor", "--from", "2099-01-04", "--to", "2099-01-15"),
     "no child in the store has IRO 'Z. Nobody'"),
    (("caseload", "cover", "A. Khan", "--cover", "B. Okafor", "--from", "2099-01-04", "--to", "2099-01-15",
      "--child", "C06"), "child C06 is not A. Khan's (its IRO: C. Jones)"),
    (("iro", "rename", "Z. Nobody", "Zed Nobody"), "no IRO 'Z. Nobody' is recorded (known: A. Khan, B. Okafor, "
                                                   "C. Jones, D. Patel)"),
])
def test_bad_input_is_one_line_exit_2_and_writes_nothing(service, args, message):
    before = (service.digest(), iros(service), allocations(service), covers(service))
    result = service(*args, ok=False)
    assert result.exit_code == 2
    assert result.stderr == f"Error: {message}\n" or (result.stderr.startswith(f"Error: {message}")
                                                      and result.stderr.count("\n") == 1), result.stderr
    assert (service.digest(), iros(service), allocations(service), covers(service)) == before


def test_email_per_iro_sends_covered_rows_to_the_covering_iro_marked_as_cover(service, tmp_path):
    """While D. Patel is on leave, C07's rows go to A. Khan's digest ("cover for D. Patel"), not D. Patel's."""
    import email
    import re

    from irocli.cli import app
    from irocli.cli._context import today

    config = tmp_path / "config.toml"
    config.write_text('[iros]\n"A. Khan" = "a.khan@la.gov.uk"\n"B. Okafor" = "b.okafor@la.gov.uk"\n'
                      '"C. Jones" = "c.jones@la.gov.uk"\n"D. Patel" = "d.patel@la.gov.uk"\n')
    config.chmod(0o600)
    until = (today() + dt.timedelta(days=14)).isoformat()
    service("caseload", "cover", "D. Patel", "--cover", "A. Khan", "--from", "today", "--to", until)
    result = service.runner.invoke(app, ["email", "overdue", "--per-iro", "--dry-run"],
                                   env={"IROCLI_CONFIG": str(config), "IROCLI_SMTP_HOST": None})
    assert result.exit_code == 0, result.stderr
    messages = {}
    for chunk in re.split(r"(?m)^(?=Subject: )", result.stdout):  # one message after another, each from Subject
        if chunk.strip():
            message = email.message_from_string(chunk)
            text = next(p for p in message.walk() if p.get_content_type() == "text/plain").get_payload(decode=True)
            messages[message["To"]] = text.decode()
    # C05 and C08 have nothing overdue; D. Patel's only child with rows, C07, is covered: no digest for D. Patel
    assert sorted(messages) == ["a.khan@la.gov.uk", "b.okafor@la.gov.uk", "c.jones@la.gov.uk"]
    assert "C07 CC (cover for D. Patel)" in messages["a.khan@la.gov.uk"]
    assert "C07" not in messages["b.okafor@la.gov.uk"] and "C07" not in messages["c.jones@la.gov.uk"]


def test_a_transfer_of_a_child_whose_history_named_no_iro_keeps_who_had_it_before(cli):
    """An import that carried no IRO name (sample_data's events.csv) leaves a history naming no one; the transfer
    records the IRO before it ("from"), so a day before the transfer still counts with them."""
    cli("init", "--profile", "england")
    cli.add_child_as_imported("C01", "Child C01", "2012-05-01", iro="A. Khan")
    cli("event", "add", "C01", "entered-care", "2025-01-06")
    cli("caseload", "transfer", "--from", "A. Khan", "--to", "B. Okafor", "--date", "2025-06-02")
    assert [r["iro"] for r in cli.json("iro", "list", "--as-of", "2025-03-01")] == ["A. Khan"]
    assert [r["iro"] for r in cli.json("iro", "list", "--as-of", "2025-06-02")] == ["B. Okafor"]
    result = cli("iro", "rename", "a. khan", "Amir Khan")  # the "from" is renamed too
    assert result.stderr == "Renamed to Amir Khan: 0 child(ren), 1 allocation(s), 0 cover(s).\n"
    assert cli.rows("SELECT details FROM event WHERE kind = 'iro-allocated'") == [
        ('{"from": "Amir Khan", "iro": "B. Okafor"}',)]
    assert [r["iro"] for r in cli.json("iro", "list", "--as-of", "2025-03-01")] == ["Amir Khan"]
    # the transfer was a mistake: voided, the child is the IRO's it was taken from again, on every day
    [transfer] = cli.rows("SELECT id FROM event WHERE kind = 'iro-allocated'")
    cli("event", "void", str(transfer[0]), "--reason", "wrong child")
    assert cli.rows("SELECT iro FROM child") == [("Amir Khan",)]
    assert [r["iro"] for r in cli.json("iro", "list", "--as-of", "2025-07-01")] == ["Amir Khan"]


def test_a_name_typed_another_way_is_stored_as_the_service_spells_it(service, tmp_path):
    """One IRO or team never becomes two because someone typed it in another case or spacing: every write that
    names one (child add/update, an allocation, transfer, cover, an import) stores the spelling already there."""
    service("child", "add", "C09", "--name", "Child C09", "--dob", "2012-05-01", "--iro", "a. KHAN",
            "--team", " north ")
    service("child", "update", "C08", "--team", "EAST")
    service("event", "add", "C04", "iro-allocated", "2025-09-01", "--detail", "iro=c.  jones")
    service("caseload", "transfer", "--from", "D. Patel", "--to", "b. okafor", "--child", "C07", "--date", "2025-10-01")
    service("caseload", "cover", "A. Khan", "--cover", "d. patel", "--child", "C01", "--from", "2099-01-04",
            "--to", "2099-01-15")
    (tmp_path / "children.csv").write_text("id,name,dob,iro,social_worker,team\n"
                                           "C10,Child C10,2012-05-01,B. OKAFOR,,south\n")
    (tmp_path / "events.csv").write_text('child_id,kind,date,meeting,note,details\n'
                                         'C10,entered-care,2025-03-03,,,\n'
                                         'C10,iro-allocated,2025-03-04,,,"{""iro"": ""b. okafor""}"\n')
    service("import", "native", str(tmp_path))
    assert service.rows("SELECT id, iro, team FROM child WHERE id IN ('C04', 'C07', 'C08', 'C09', 'C10') "
                        "ORDER BY id") == [("C04", "C. Jones", "South"), ("C07", "B. Okafor", "North"),
                                           ("C08", "D. Patel", "East"), ("C09", "A. Khan", "North"),
                                           ("C10", "B. Okafor", "South")]
    from irocli.cli._context import today

    assert allocations(service)[-4:] == [("C09", today().isoformat(), detail("A. Khan")),
                                         ("C04", "2025-09-01", detail("C. Jones")),
                                         ("C07", "2025-10-01", '{"from": "D. Patel", "iro": "B. Okafor"}'),
                                         ("C10", "2025-03-04", detail("B. Okafor"))]
    assert covers(service)[-1] == ("C01", "D. Patel", "A. Khan", "2099-01-04", "2099-01-15")
    assert sorted(service.rows("SELECT DISTINCT iro FROM child")) == [("A. Khan",), ("B. Okafor",), ("C. Jones",),
                                                                      ("D. Patel",)]
    assert [r[0] for r in listed(service)] == ["A. Khan", "B. Okafor", "C. Jones", "D. Patel"]


def test_covers_entered_twice_overlapping_or_renamed_into_self_cover(service):
    first = service("caseload", "cover", "C. Jones", "--cover", "B. Okafor", "--from", "2099-01-04",
                    "--to", "2099-01-15")
    assert first.stderr == "B. Okafor covers 1 child(ren) from 2099-01-04 to 2099-01-15.\n"
    again = service("caseload", "cover", "c. jones", "--cover", "b. okafor", "--from", "2099-01-04",
                    "--to", "2099-01-15")
    assert again.stderr == ("This cover by B. Okafor from 2099-01-04 to 2099-01-15 is already recorded: nothing "
                            "added.\n")  # the same cover: once
    later = service("caseload", "cover", "C. Jones", "--cover", "Ann Other", "--from", "2099-01-10",
                    "--to", "2099-01-20")
    assert later.stderr.splitlines() == [
        "Ann Other covers 1 child(ren) from 2099-01-10 to 2099-01-20.",
        "Note: Ann Other is a new IRO name (no child or cover had it): check the spelling.",
        "Note: 1 of them already covered on some of these days (C06 by B. Okafor 2099-01-04 to 2099-01-15): on the "
        "days both cover, this cover counts."]
    assert covers(service) == [("C06", "B. Okafor", "C. Jones", "2099-01-04", "2099-01-15"),
                               ("C06", "Ann Other", "C. Jones", "2099-01-10", "2099-01-20")]
    # Ann Other turns out to be C. Jones misspelt: merged, that cover was C. Jones covering C. Jones, and goes
    renamed = service("iro", "rename", "Ann Other", "C. Jones")
    assert renamed.stderr.splitlines() == [
        "Renamed to C. Jones: 0 child(ren), 0 allocation(s), 1 cover(s).",
        "Dropped 1 cover(s) of C. Jones by C. Jones: one person cannot cover themself."]
    assert covers(service) == [("C06", "B. Okafor", "C. Jones", "2099-01-04", "2099-01-15")]
    same = service("iro", "rename", "c. JONES", "C. Jones", ok=False)
    assert (same.exit_code, same.stderr) == (2, "Error: IRO C. Jones is already spelled so everywhere: nothing to "
                                                "rename\n")


def test_child_show_says_who_reviewed_the_child_from_which_day_to_which(service):
    service("caseload", "transfer", "--from", "A. Khan", "--to", "B. Okafor", "--child", "C01", "--date", "2025-06-02")
    service("event", "add", "C01", "iro-allocated", "2025-07-01", "--detail", "iro=b. okafor")  # again: one period
    service("caseload", "transfer", "--from", "B. Okafor", "--to", "C. Jones", "--child", "C01",
            "--date", "2025-09-15")
    page = service.json("child", "show", "C01")
    assert page["child"]["allocations"] == [{"iro": "A. Khan", "from": "2025-01-08", "to": "2025-06-01"},
                                            {"iro": "B. Okafor", "from": "2025-06-02", "to": "2025-09-14"},
                                            {"iro": "C. Jones", "from": "2025-09-15", "to": None}]
    shown = service("child", "show", "C01").stdout
    assert ("IRO history    A. Khan 2025-01-08 to 2025-06-01; B. Okafor 2025-06-02 to 2025-09-14; C. Jones from "
            "2025-09-15") in " ".join(shown.split("\n"))
    assert service.json("child", "show", "C04")["child"]["allocations"] == [
        {"iro": "B. Okafor", "from": "2025-02-05", "to": None}]
    assert "IRO history" not in service("child", "show", "C04").stdout  # one IRO all along: the IRO line says it


def test_allocation_periods_from_a_history_led_by_the_iro_before():
    import datetime as dt

    from irocli.domain import allocation_periods

    history = [(dt.date.min, 0, "A. Khan"), (dt.date(2025, 6, 2), 7, "B. Okafor"),
               (dt.date(2025, 7, 1), 9, "b. okafor"), (dt.date(2026, 1, 1), 12, "A. Khan")]
    assert allocation_periods(history) == [("A. Khan", None, dt.date(2025, 6, 1)),
                                           ("B. Okafor", dt.date(2025, 6, 2), dt.date(2025, 12, 31)),
                                           ("A. Khan", dt.date(2026, 1, 1), None)]
    assert allocation_periods([]) == []


def test_a_child_not_yet_born_on_the_day_is_on_no_caseload(service):
    # every child of the service was born 2012-05-01; C09, born 2025-08-01, allocated to A. Khan on the day added
    service("child", "add", "C09", "--name", "Child C09", "--dob", "2025-08-01", "--iro", "A. Khan")
    allocated = {r["iro"]: r["allocated"] for r in service.json("iro", "list", "--as-of", "2025-07-31")}
    assert allocated["A. Khan"] == 3  # C01-C03 only
    allocated = {r["iro"]: r["allocated"] for r in service.json("iro", "list", "--as-of", "2025-08-01")}
    assert allocated["A. Khan"] == 4  # and C09 from its birth (its IRO before its first allocation is the first's)


def test_a_new_iro_over_a_history_naming_no_one_keeps_who_had_the_child(cli):
    """An imported child's allocations named no IRO: `child update --iro` or an allocation event now records who had
    the child before ("from"), as a transfer does, so the days before still count with them."""
    cli("init", "--profile", "england")
    cli.add_child_as_imported("C01", "Child C01", "2012-05-01", iro="C. Walsh")
    cli.add_child_as_imported("C02", "Child C02", "2012-05-01", iro="C. Walsh")
    for child in ("C01", "C02"):
        cli("event", "add", child, "entered-care", "2025-01-06")
    cli("child", "update", "C01", "--iro", "A. Khan")  # dated today
    cli("event", "add", "C02", "iro-allocated", "2025-09-01", "--detail", "iro=a. khan")
    assert cli.rows("SELECT child_id, details FROM event WHERE kind = 'iro-allocated' ORDER BY child_id") == [
        ("C01", '{"from": "C. Walsh", "iro": "A. Khan"}'), ("C02", '{"from": "C. Walsh", "iro": "A. Khan"}')]
    assert {r["iro"]: r["allocated"] for r in cli.json("iro", "list", "--as-of", "2025-08-31")} == {"C. Walsh": 2}
    assert cli.json("child", "show", "C02")["child"]["allocations"] == [
        {"iro": "C. Walsh", "from": None, "to": "2025-08-31"}, {"iro": "A. Khan", "from": "2025-09-01", "to": None}]


def test_a_transfer_counts_from_the_start_of_the_current_iros_period(cli):
    # A. Khan allocated on 2025-01-10 and again today (child add --iro): the period began on 2025-01-10
    cli("init", "--profile", "england")
    cli("child", "add", "C01", "--name", "Child C01", "--dob", "2012-05-01", "--iro", "A. Khan")
    cli("event", "add", "C01", "iro-allocated", "2025-01-10", "--detail", "iro=A. KHAN")
    cli("caseload", "transfer", "--from", "a. khan", "--to", "B. Okafor", "--child", "C01", "--date", "2025-06-01")
    assert cli.rows("SELECT iro FROM child") == [("B. Okafor",)]


def test_two_allocations_on_one_day_leave_the_later_with_no_empty_period():
    import datetime as dt

    from irocli.domain import allocation_periods

    day = dt.date(2025, 6, 1)
    history = [(dt.date(2025, 1, 8), 1, "A. Khan"), (day, 5, "D. Newman"), (day, 6, "A. Khan")]
    assert allocation_periods(history) == [("A. Khan", dt.date(2025, 1, 8), None)]
    history = [(dt.date(2025, 1, 8), 1, "A. Khan"), (day, 5, "D. Newman"), (day, 6, "B. Okafor")]
    assert allocation_periods(history) == [("A. Khan", dt.date(2025, 1, 8), dt.date(2025, 5, 31)),
                                           ("B. Okafor", day, None)]


def test_rename_into_another_iro_typed_another_way_takes_its_spelling(service):
    service("caseload", "cover", "C. Jones", "--cover", "X. Newbie", "--from", "2099-01-04", "--to", "2099-01-15")
    result = service("iro", "rename", "X. Newbie", "c. JONES")
    assert result.stderr.splitlines() == [
        "Renamed to C. Jones: 0 child(ren), 0 allocation(s), 1 cover(s).",
        "Dropped 1 cover(s) of C. Jones by C. Jones: one person cannot cover themself."]
    assert covers(service) == []
