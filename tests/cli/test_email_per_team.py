"""irocli email --per-team: each team's manager gets the team's summary and its rows as a CSV attachment,
received by a real aiosmtpd server on a loopback port (issue 17, point 4).

The service (tests/cli/conftest.py's caseload, england profile, plus two children):
- team North: C001 Sam Jones and C002 Ava Smith (A. Khan); its manager's address is in [teams].
- team South: C003 Leo Brown (B. Okafor), in care from 2025-04-10: nothing overdue as of 2025-03-25.
- team West: C004 Mia Green (B. Okafor), no address in [teams].
- no team: C005 Noah White (A. Khan).

Hand-checked as of 2025-03-25 (tests/cli/test_email.py works out C001 and C002): North has 13 overdue, every
one of them below with its due date and its days (as-of minus due: 2024-12-27 is 4 + 31 + 28 + 25 = 88 days
back, 2024-12-31 84, 2025-01-08 76, 2025-01-22 62, 2025-02-19 34, 2025-03-10 15, 2025-03-17 8). C004 and C005
came into care on Mon 2025-03-03, like C002 and at C002's age, so each has C002's 5 overdue: the placement
plan, the IRO told and the first visit (2025-03-10), the care plan and the PEP started (2025-03-17).
"""

from __future__ import annotations

import csv
import email
import email.policy
import io

import pytest

from irocli.cli import app

HEADER = ["child_id", "child", "obligation", "title", "due", "status", "days", "anchor_kind", "anchor_date", "iro",
          "team", "source", "owner", "met_on", "cover"]
# North's rows as of 2025-03-25, in the order of `irocli overdue` (due, child, obligation):
# (child_id, child, obligation, due, days, anchor_kind, anchor_date, owner)
NORTH = [
    ("C001", "SJ", "visit.sw-first", "2024-12-27", "-88", "entered-care", "2024-12-20", "social-worker"),
    ("C001", "SJ", "ms.placement-plan", "2024-12-31", "-84", "entered-care", "2024-12-20", "social-worker"),
    ("C001", "SJ", "notify.placement-iro", "2024-12-31", "-84", "entered-care", "2024-12-20", "social-worker"),
    ("C001", "SJ", "ms.care-plan", "2025-01-08", "-76", "entered-care", "2024-12-20", "social-worker"),
    ("C001", "SJ", "ms.pep-start", "2025-01-08", "-76", "entered-care", "2024-12-20", "social-worker"),
    ("C001", "SJ", "health.iha", "2025-01-22", "-62", "entered-care", "2024-12-20", "local-authority"),
    ("C001", "SJ", "ms.pep", "2025-01-22", "-62", "entered-care", "2024-12-20", "social-worker"),
    ("C001", "SJ", "task.record-distributed", "2025-02-19", "-34", "review-held", "2025-01-22", "iro"),
    ("C002", "AS", "ms.placement-plan", "2025-03-10", "-15", "entered-care", "2025-03-03", "social-worker"),
    ("C002", "AS", "notify.placement-iro", "2025-03-10", "-15", "entered-care", "2025-03-03", "social-worker"),
    ("C002", "AS", "visit.sw-first", "2025-03-10", "-15", "entered-care", "2025-03-03", "social-worker"),
    ("C002", "AS", "ms.care-plan", "2025-03-17", "-8", "entered-care", "2025-03-03", "social-worker"),
    ("C002", "AS", "ms.pep-start", "2025-03-17", "-8", "entered-care", "2025-03-03", "social-worker"),
]
NAMES = ("Sam Jones", "Ava Smith", "Leo Brown", "Mia Green", "Noah White")
BOM = b"\xef\xbb\xbf"
FORMULA = '=HYPERLINK("http://evil.example")'
WARNINGS = ['Warning: no address for team "West" in the config file\'s [teams]; its summary (5 obligations) '
            "was not sent",
            "Warning: 1 child with no team is in no team's summary"]


@pytest.fixture
def service(caseload):
    """The caseload's North and South, with West (no manager's address) and a child with no team."""
    caseload("child", "add", "C004", "--name", "Mia Green", "--dob", "2010-02-28", "--iro", "B. Okafor",
             "--team", "West")
    caseload("child", "add", "C005", "--name", "Noah White", "--dob", "2010-02-28", "--iro", "A. Khan")
    caseload("event", "add", "C004", "entered-care", "2025-03-03")
    caseload("event", "add", "C005", "entered-care", "2025-03-03")
    return caseload


def write_config(tmp_path, teams: str, iros: str = "") -> str:
    path = tmp_path / "config.toml"
    path.write_text(f"[teams]\n{teams}" + (f"[iros]\n{iros}" if iros else ""))
    path.chmod(0o600)
    return str(path)


# "north " as a person types it: matched to the store's "North" ignoring case and spaces
TEAMS = '"north " = "north.manager@la.gov.uk"\nSouth = "south.manager@la.gov.uk"\n'


def run(cli, config, *args, port=None):
    env = {"IROCLI_CONFIG": config, "IROCLI_SMTP_HOST": "127.0.0.1" if port else None,
           "IROCLI_SMTP_PORT": str(port) if port else None, "IROCLI_SMTP_FROM": "irocli@la.gov.uk",
           "IROCLI_SMTP_USER": None, "IROCLI_SMTP_PASSWORD": None, "IROCLI_SMTP_STARTTLS": None,
           "IROCLI_SMTP_SSL": None, "IROCLI_SMTP_TIMEOUT": "5"}
    return cli.runner.invoke(app, ["email", *args], env=env)


def received(server) -> dict:
    """The messages received, by their To header."""
    messages = [email.message_from_bytes(e.content, policy=email.policy.default) for e in server.handler.envelopes]
    return {m["To"]: m for m in messages}


def bodies(msg) -> dict[str, str]:
    """The text and HTML parts' content."""
    return {p.get_content_type(): p.get_content() for p in msg.walk()
            if p.get_content_type() in ("text/plain", "text/html") and not p.is_attachment()}


def attachments(msg) -> dict[str, bytes]:
    """Each attachment's file name and its bytes, decoded from the transfer encoding only."""
    return {p.get_filename(): p.get_payload(decode=True) for p in msg.iter_attachments()}


def spreadsheet(payload: bytes) -> list[dict]:
    """The CSV as a spreadsheet reader takes it."""
    return list(csv.DictReader(io.StringIO(payload.decode("utf-8-sig"))))


def test_each_team_manager_gets_the_team_summary_and_its_rows_as_csv(service, smtp_server, tmp_path):
    config = write_config(tmp_path, TEAMS)
    result = run(service, config, "overdue", "--per-team", "--as-of", "2025-03-25", port=smtp_server.port)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    # South has nothing overdue: no message; West has no address: one warning; C005: counted
    assert result.stderr.splitlines() == [*WARNINGS, f"Sent 1 message(s) via 127.0.0.1:{smtp_server.port}."]
    [envelope] = smtp_server.handler.envelopes
    assert envelope.mail_from == "irocli@la.gov.uk"
    assert envelope.rcpt_tos == ["north.manager@la.gov.uk"]
    msg = received(smtp_server)["north.manager@la.gov.uk"]
    assert msg["Subject"] == "IRO deadlines for team North: 13 overdue as of 2025-03-25"
    assert msg["Auto-Submitted"] == "auto-generated"
    assert msg.get_content_type() == "multipart/mixed"
    assert set(bodies(msg)) == {"text/plain", "text/html"}
    [(filename, payload)] = attachments(msg).items()
    assert filename == "overdue-North-2025-03-25.csv"
    [part] = msg.iter_attachments()
    assert part.get_content_type() == "text/csv" and part.get_param("charset") == "utf-8"
    assert payload.startswith(BOM + b"child_id,child,obligation,")
    assert b"\r\n" in payload  # RFC 4180 line ends, as `irocli overdue --format csv` writes them
    rows = spreadsheet(payload)
    assert list(rows[0]) == HEADER
    assert [(r["child_id"], r["child"], r["obligation"], r["due"], r["days"], r["anchor_kind"], r["anchor_date"],
             r["owner"]) for r in rows] == NORTH
    assert {(r["status"], r["iro"], r["team"], r["met_on"]) for r in rows} == {("overdue", "A. Khan", "North", "")}
    assert rows[0]["title"] == "Social worker visits the child in a new placement"
    assert rows[0]["source"] == "REG reg 28(2)(a)"
    # no child's name anywhere: the parts, the attachment, the raw bytes
    for text in [*bodies(msg).values(), payload.decode("utf-8-sig"), envelope.content.decode("utf-8", "replace")]:
        for name in NAMES:
            assert name not in text


def test_the_team_summary_is_the_manager_summary_of_the_team_with_yours_and_to_chase(service, smtp_server,
                                                                                       tmp_path):
    config = write_config(tmp_path, TEAMS)
    result = run(service, config, "--per-team", "--as-of", "2025-03-25", port=smtp_server.port)
    assert result.exit_code == 0, result.stderr
    msg = received(smtp_server)["north.manager@la.gov.uk"]
    text = bodies(msg)["text/plain"]
    # counts by IRO (North's 13, all A. Khan's: C005, A. Khan's too, is in no team) and by obligation
    assert "| A. Khan |      13 |   0 |" in text and "B. Okafor" not in text
    assert "| Care plan prepared  ms.care-plan" in text
    assert text.index("By IRO") < text.index("By obligation") < text.index("Yours") < text.index("To chase")
    assert "C003" not in text and "C004" not in text and "C005" not in text
    assert "overdue-North-2025-03-25.csv" in text
    page = bodies(msg)["text/html"]
    # by IRO (1 row), by obligation (8 rows), yours (the IRO's own: C001's review record), to chase (the other 12)
    assert page.count("<table") == 4 and page.count("<tr>") == 1 + 1 + 1 + 8 + 1 + 1 + 1 + 12
    for part in (text, page):
        yours = part[part.index("Yours"):part.index("To chase")]
        chase = part[part.index("To chase"):part.index("Sent automatically")]
        assert yours.count("C001") == 1 and "task.record-distributed" in yours and "2025-02-19" in yours
        assert "social-worker" not in yours and "ms.care-plan" not in yours
        assert chase.count("C001") == 7 and chase.count("C002") == 5 and "task.record-distributed" not in chase
        assert chase.count("social-worker") == 11 and chase.count("local-authority") == 1


def test_always_sends_the_team_with_nothing_overdue(service, smtp_server, tmp_path):
    config = write_config(tmp_path, TEAMS)
    result = run(service, config, "--per-team", "--always", "--as-of", "2025-03-25", port=smtp_server.port)
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines()[:2] == WARNINGS
    by_to = received(smtp_server)
    assert sorted(by_to) == ["north.manager@la.gov.uk", "south.manager@la.gov.uk"]
    south = by_to["south.manager@la.gov.uk"]
    assert south["Subject"] == "IRO deadlines for team South: nothing overdue as of 2025-03-25"
    assert "Nothing overdue." in bodies(south)["text/plain"]
    [(filename, payload)] = attachments(south).items()
    assert filename == "overdue-South-2025-03-25.csv"
    assert payload == BOM + (",".join(HEADER) + "\r\n").encode()  # the columns, no rows


def test_per_team_per_iro_and_to_combine_each_recipient_once_per_kind(service, smtp_server, tmp_path):
    # one lead manages North and South; --to names the manager twice, spelt two ways
    config = write_config(tmp_path, 'North = "lead@la.gov.uk"\nsouth = "Lead@LA.gov.uk"\n',
                          iros='"A. Khan" = "a.khan@la.gov.uk"\n"b. okafor" = "b.okafor@la.gov.uk"\n')
    result = run(service, config, "--per-team", "--per-iro", "--to", "manager@la.gov.uk", "--to",
                 "MANAGER@la.gov.uk", "--as-of", "2025-06-01", port=smtp_server.port)
    assert result.exit_code == 0, result.stderr
    assert sorted(e.rcpt_tos[0] for e in smtp_server.handler.envelopes) == [
        "a.khan@la.gov.uk", "b.okafor@la.gov.uk", "lead@la.gov.uk", "manager@la.gov.uk"]
    assert all(len(e.rcpt_tos) == 1 for e in smtp_server.handler.envelopes)
    by_to = received(smtp_server)
    lead = by_to["lead@la.gov.uk"]
    # North's 21 (A. Khan's C001 and C002) and South's 10 (C003) as of 2025-06-01 (tests/cli/test_email.py)
    assert lead["Subject"] == "IRO deadlines for teams North and South: 31 overdue as of 2025-06-01"
    files = attachments(lead)
    assert sorted(files) == ["overdue-North-2025-06-01.csv", "overdue-South-2025-06-01.csv"]
    north = spreadsheet(files["overdue-North-2025-06-01.csv"])
    south = spreadsheet(files["overdue-South-2025-06-01.csv"])
    assert (len(north), {r["child_id"] for r in north}, {r["team"] for r in north}) == (21, {"C001", "C002"}, {"North"})
    assert (len(south), {r["child_id"] for r in south}, {r["team"] for r in south}) == (10, {"C003"}, {"South"})
    # C003's first review and initial health assessment, both due 2025-05-13 (19 days before 2025-06-01)
    assert {(r["obligation"], r["due"], r["days"]) for r in south} >= {("review.first", "2025-05-13", "-19"),
                                                                     ("health.iha", "2025-05-13", "-19")}
    assert by_to["manager@la.gov.uk"]["Subject"].startswith("IRO deadlines: ")
    assert attachments(by_to["manager@la.gov.uk"]) == {} and attachments(by_to["a.khan@la.gov.uk"]) == {}
    assert "b. okafor" not in result.stderr  # the IRO's address matched as typed: no warning for B. Okafor


def test_a_formula_in_a_team_or_iro_name_is_neutralised_in_the_attachment(caseload, smtp_server, tmp_path):
    caseload("child", "add", "C006", "--name", "Eve Black", "--dob", "2010-02-28", "--iro", FORMULA, "--team",
             FORMULA)
    caseload("event", "add", "C006", "entered-care", "2025-03-03")
    config = write_config(tmp_path, '"=HYPERLINK(\\"http://evil.example\\")" = "evil.team@la.gov.uk"\n')
    result = run(caseload, config, "--per-team", "--as-of", "2025-03-25", port=smtp_server.port)
    assert result.exit_code == 0, result.stderr
    msg = received(smtp_server)["evil.team@la.gov.uk"]
    [(filename, payload)] = attachments(msg).items()
    assert filename == "overdue-HYPERLINK-http-evil.example-2025-03-25.csv"  # no quote, colon or slash
    rows = spreadsheet(payload)
    assert [(r["child_id"], r["child"], r["obligation"], r["due"]) for r in rows] == [
        ("C006", "EB", "ms.placement-plan", "2025-03-10"), ("C006", "EB", "notify.placement-iro", "2025-03-10"),
        ("C006", "EB", "visit.sw-first", "2025-03-10"), ("C006", "EB", "ms.care-plan", "2025-03-17"),
        ("C006", "EB", "ms.pep-start", "2025-03-17")]
    assert {(r["iro"], r["team"]) for r in rows} == {("'" + FORMULA, "'" + FORMULA)}
    assert not [v for r in rows for k, v in r.items() if k != "days" and v.startswith(("=", "+", "-", "@"))]
    assert msg["Subject"] == f"IRO deadlines for team {FORMULA}: 5 overdue as of 2025-03-25"
    assert FORMULA not in bodies(msg)["text/html"]  # escaped there: &quot;


def test_full_names_reach_the_attachment_only_when_asked(service, smtp_server, tmp_path):
    config = write_config(tmp_path, TEAMS)
    result = run(service, config, "--per-team", "--full-names", "--as-of", "2025-03-25", port=smtp_server.port)
    assert result.exit_code == 0, result.stderr
    msg = received(smtp_server)["north.manager@la.gov.uk"]
    [payload] = attachments(msg).values()
    assert {(r["child_id"], r["child"]) for r in spreadsheet(payload)} == {("C001", "Sam Jones"),
                                                                           ("C002", "Ava Smith")}
    text = bodies(msg)["text/plain"]
    assert "C001 Sam Jones" in text and "Children are shown by id and name." in text


def test_dry_run_lists_each_recipient_and_attachment_and_sends_nothing(service, smtp_server, tmp_path):
    config = write_config(tmp_path, TEAMS, iros='"A. Khan" = "a.khan@la.gov.uk"\n')
    result = run(service, config, "due", "--within", "7", "--per-team", "--per-iro", "--always", "--dry-run",
                 "--as-of", "2025-03-25")  # no SMTP server needed
    assert result.exit_code == 0, result.stderr
    assert smtp_server.handler.envelopes == []
    # due within 7 days of 2025-03-25 (tests/cli/test_email.py): C002's first review, IRO appointment, initial
    # health assessment, PEP (all 2025-03-31) and the IRO speaking to the child (2025-03-28), and C001's spring
    # PEP review (2025-03-31): North's 6; C005, in care since the day C002 came and of C002's age, has C002's 5
    # too: A. Khan's 11, and 13 + 5 overdue
    lines = result.stderr.splitlines()
    assert [line for line in lines if line.startswith("Would send")] == [
        "Would send to a.khan@la.gov.uk: IRO deadlines for A. Khan: 18 overdue, 11 due within 7 days as of 2025-03-25",
        "Would send to north.manager@la.gov.uk: IRO deadlines for team North: 13 overdue, 6 due within 7 days "
        "as of 2025-03-25 (attached: due-North-2025-03-25.csv)",
        "Would send to south.manager@la.gov.uk: IRO deadlines for team South: nothing due or overdue as of "
        "2025-03-25 (attached: due-South-2025-03-25.csv)"]
    assert lines[-1] == "Dry run: 3 message(s) printed, none sent."
    assert 'Warning: no address for IRO "B. Okafor"' in result.stderr
    assert result.stdout.count("\nContent-Disposition: attachment;") == 2


def test_per_team_without_a_teams_table_is_exit_2_before_anything(service, smtp_server, tmp_path):
    path = tmp_path / "config.toml"
    path.write_text('[iros]\n"A. Khan" = "a.khan@la.gov.uk"\n')
    result = run(service, str(path), "--per-team", "--per-iro", "--as-of", "2025-03-25", port=smtp_server.port)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == ("Error: --per-team needs the config file's [teams] table (each team manager's "
                             "address; `irocli config path` says where the file is)\n")
    assert smtp_server.handler.envelopes == []


def test_a_server_down_is_exit_4_for_team_summaries_too(service, tmp_path, unused_port):
    config = write_config(tmp_path, TEAMS)
    result = run(service, config, "--per-team", "--as-of", "2025-03-25", port=unused_port)
    assert result.exit_code == 4
    assert result.stderr.splitlines()[:2] == WARNINGS
    [line] = result.stderr.splitlines()[2:]
    assert line.startswith("Error: could not send email via 127.0.0.1:") and "ConnectionRefusedError" in line


def test_two_iros_at_one_address_get_one_digest_of_both(service, tmp_path):
    # a shared mailbox for both IROs, spelt two ways: one digest with the IRO column, not two
    config = write_config(tmp_path, TEAMS, iros='"A. Khan" = "iros@la.gov.uk"\n"B. Okafor" = "IROS@la.gov.uk"\n')
    result = run(service, config, "--per-iro", "--dry-run", "--as-of", "2025-03-25")
    assert result.exit_code == 0, result.stderr
    # A. Khan's 18 overdue (North's 13 and C005's 5) and B. Okafor's 5 (C004's; C003 came into care later)
    assert [line for line in result.stderr.splitlines() if line.startswith("Would send")] == [
        "Would send to iros@la.gov.uk: IRO deadlines for A. Khan and B. Okafor: 23 overdue as of 2025-03-25"]
    msg = email.message_from_string(result.stdout, policy=email.policy.default)
    text = bodies(msg)["text/plain"]
    assert "| IRO " in text and "B. Okafor" in text and "C004 MG" in text and "C005 NW" in text
