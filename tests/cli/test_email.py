"""irocli email and config path: real mail to an aiosmtpd server on a loopback port.

Hand-checked caseload dates (tests/cli/conftest.py, england profile):
- 2025-01-01: nothing overdue once C001's first statutory visit (2024-12-23, due 2024-12-27), placement
  plan and IRO notification (both 2024-12-23; due 2024-12-20 + 5 WD = 2024-12-31: Mon 23, Tue 24, Fri 27,
  Mon 30, Tue 31, Christmas and Boxing Day closed) are recorded; without them, those are.
- 2025-03-25: 6 overdue, all A. Khan's: C001 visit.sw-first (2024-12-20 + 7 days = 2024-12-27),
  ms.care-plan (2025-01-08), health.iha (2024-12-20 + 20 WD = 2025-01-22), task.record-distributed
  (2025-01-22 + 20 WD = 2025-02-19); C002 visit.sw-first (2025-03-03 + 7 = 2025-03-10), ms.care-plan
  (2025-03-17). C001's ms.iro-before-first-review is met by the first review held on 2025-01-22: an IRO
  chaired it (RULES §3). With RULES §7's placement plan (REG reg 9) and the IRO told of the placement
  (REG reg 13), each due 5 working days after entering care and none recorded: + 4 overdue, 10 in all
  (C001 2024-12-31 twice, C002 Tue 4 .. Mon 2025-03-10 twice).
- 2025-06-01: 18 overdue: 12 for A. Khan (C001, C002; C002's health.iha 2025-03-31 among them) and 6 for
  B. Okafor (C003: entered care 2025-04-10, first review and initial health assessment 20 working days
  later, over Easter and the 5 May bank holiday = 2025-05-13; first visit 2025-04-17). With the placement
  plan and the IRO's notification (5 working days after entering care; none recorded) + 6: 24 overdue, 16
  for A. Khan (C001 2024-12-31, C002 2025-03-10, each twice) and 8 for B. Okafor (C003 Thu 2025-04-10:
  Fri 11, Mon 14, Tue 15, Wed 16, Thu 17 = 2025-04-17, twice).
- The Personal Education Plan (DfE PEP guidance 2018; all three of school age; the social worker's), none
  recorded: C001 started 2024-12-20 + 10 WD = 2025-01-08 and complete + 20 WD = 2025-01-22, its spring term
  review (spring began 1 Jan; C001 came into care in the autumn term) due 2025-03-31; C002 started Mon
  2025-03-03 + 10 WD = 2025-03-17 and complete + 20 WD = 2025-03-31; C003 (care from the summer term) started
  Thu 2025-04-10 + 10 WD = 2025-04-28 (Fri 11, Mon 14-Thu 17, Good Friday and Easter Monday closed, Tue 22-Mon
  28) and complete + 20 WD = 2025-05-13. As of 2025-03-25: + 3 overdue (13, all A. Khan's) and C001's term
  review and C002's PEP due within 7 days. As of 2025-06-01: + 7 overdue, 31 in all: 21 for A. Khan and 10 for
  B. Okafor (summer term reviews are due 2025-07-31).
"""

from __future__ import annotations

import email
import email.policy
import html
import os
import re
import socket
import time

import pytest

from irocli.cli import app

PASSWORD = "s3cret-Pa55"
NAMES = ("Sam Jones", "Ava Smith", "Leo Brown")


@pytest.fixture
def config_file(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text('[iros]\n"A. Khan" = "a.khan@la.gov.uk"\n"B. Okafor" = "b.okafor@la.gov.uk"\n')
    path.chmod(0o600)
    return path


def smtp_env(config, port=None, **extra):
    env = {"IROCLI_CONFIG": str(config), "IROCLI_SMTP_HOST": "127.0.0.1" if port else None,
           "IROCLI_SMTP_PORT": str(port) if port else None, "IROCLI_SMTP_FROM": "irocli@la.gov.uk",
           "IROCLI_SMTP_USER": None, "IROCLI_SMTP_PASSWORD": None, "IROCLI_SMTP_STARTTLS": None,
           "IROCLI_SMTP_SSL": None, "IROCLI_SMTP_TIMEOUT": "5"}
    env.update(extra)
    return env


def run(cli, env, *args):
    return cli.runner.invoke(app, list(args), env=env)


def parts(msg):
    """Each MIME part's content; the HTML with its tags removed, to compare with the text."""
    return {part.get_content_type(): visible(part.get_content()) if part.get_content_type() == "text/html"
            else part.get_content() for part in msg.walk() if not part.is_multipart()}


def visible(page: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", page))


def test_manager_summary_arrives_with_both_parts_headers_and_initials_only(caseload, smtp_server, config_file):
    env = smtp_env(config_file, smtp_server.port)
    result = run(caseload, env, "email", "overdue", "--as-of", "2025-06-01", "--to", "manager@la.gov.uk",
                 "--to", "deputy@la.gov.uk")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert "Sent 1 message(s)" in result.stderr
    [envelope] = smtp_server.handler.envelopes
    assert envelope.mail_from == "irocli@la.gov.uk"
    assert envelope.rcpt_tos == ["manager@la.gov.uk", "deputy@la.gov.uk"]
    [msg] = smtp_server.handler.messages
    assert msg["Auto-Submitted"] == "auto-generated"
    assert msg["Message-ID"].startswith("<") and msg["Message-ID"].endswith("@la.gov.uk>")
    assert msg["Date"] and msg["Subject"] == "IRO deadlines: 31 overdue as of 2025-06-01"
    assert msg.get_content_type() == "multipart/alternative"
    body = parts(msg)
    assert set(body) == {"text/plain", "text/html"}
    for text in body.values():
        for name in NAMES:
            assert name not in text
        assert "C001 SJ" in text and "C002 AS" in text and "C003 LB" in text
        assert "2025-05-13" in text and "19d late" in text and "review.first" in text
    plain = body["text/plain"]
    # counts by IRO (21 + 10) and by obligation before the list
    assert "| A. Khan   |      21 |   0 |" in plain
    assert "| B. Okafor |      10 |   0 |" in plain
    assert plain.index("By IRO") < plain.index("By obligation") < plain.index("Yours") < plain.index("To chase")
    [page] = [p.get_content() for p in msg.walk() if p.get_content_type() == "text/html"]
    # by IRO (2), by obligation (13, with visit.sw-first, health.iha, ms.placement-plan,
    # notify.placement-iro, ms.pep-start, ms.pep and ms.pep-review), yours (7: the IROs'), to chase (3 care
    # plans, 3 first visits, 3 placement plans, 3 IRO notifications, 3 PEPs started, 3 PEPs complete and C001's
    # spring PEP review for the social worker, 2 IRO appointments and 3 initial health assessments for the
    # local authority)
    assert page.count("<table") == 4 and page.count("<tr>") == 1 + 2 + 1 + 13 + 1 + 7 + 1 + 24


def test_per_iro_sends_each_iro_their_own_digest(caseload, smtp_server, config_file):
    result = run(caseload, smtp_env(config_file, smtp_server.port), "email", "--per-iro", "--as-of", "2025-06-01")
    assert result.exit_code == 0, result.stderr
    by_to = {m["To"]: m for m in smtp_server.handler.messages}
    assert sorted(e.rcpt_tos[0] for e in smtp_server.handler.envelopes) == ["a.khan@la.gov.uk",
                                                                            "b.okafor@la.gov.uk"]
    khan = parts(by_to["a.khan@la.gov.uk"])["text/plain"]
    okafor = parts(by_to["b.okafor@la.gov.uk"])["text/plain"]
    assert by_to["a.khan@la.gov.uk"]["Subject"] == "IRO deadlines for A. Khan: 21 overdue as of 2025-06-01"
    assert "C001 SJ" in khan and "C002 AS" in khan and "C003" not in khan
    assert "C003 LB" in okafor and "C001" not in okafor


def test_an_iro_without_an_address_is_one_warning_and_the_others_still_go(caseload, smtp_server, tmp_path):
    config = tmp_path / "partial.toml"
    config.write_text('[iros]\n"B. Okafor" = "b.okafor@la.gov.uk"\n')
    result = run(caseload, smtp_env(config, smtp_server.port), "email", "--per-iro", "--as-of", "2025-06-01")
    assert result.exit_code == 0, result.stderr
    assert [e.rcpt_tos for e in smtp_server.handler.envelopes] == [["b.okafor@la.gov.uk"]]
    warnings = [line for line in result.stderr.splitlines() if line.startswith("Warning:")]
    assert warnings == ['Warning: no address for IRO "A. Khan" in the config file\'s [iros]; '
                        "their digest (21 obligations) was not sent"]


def test_nothing_overdue_sends_nothing_unless_always(caseload, smtp_server, config_file):
    env = smtp_env(config_file, smtp_server.port)
    caseload("event", "add", "C001", "sw-visit", "2024-12-23")  # the first visit, due 2024-12-27
    caseload("event", "add", "C001", "placement-plan", "2024-12-23")  # due 2024-12-31
    caseload("event", "add", "C001", "iro-notified", "2024-12-23")  # due 2024-12-31
    quiet = run(caseload, env, "email", "--as-of", "2025-01-01", "--to", "manager@la.gov.uk", "--per-iro")
    assert quiet.exit_code == 0, quiet.stderr
    assert smtp_server.handler.envelopes == []
    assert "Nothing overdue; no email sent" in quiet.stderr
    loud = run(caseload, env, "email", "--as-of", "2025-01-01", "--to", "manager@la.gov.uk", "--always")
    assert loud.exit_code == 0, loud.stderr
    [msg] = smtp_server.handler.messages
    assert msg["Subject"] == "IRO deadlines: nothing overdue as of 2025-01-01"
    assert "Nothing overdue." in parts(msg)["text/plain"]


def test_b_okafor_has_nothing_overdue_on_25_march_so_only_a_khan_is_emailed(caseload, smtp_server, config_file):
    result = run(caseload, smtp_env(config_file, smtp_server.port), "email", "--per-iro", "--as-of", "2025-03-25")
    assert result.exit_code == 0, result.stderr
    [msg] = smtp_server.handler.messages
    assert msg["To"] == "a.khan@la.gov.uk"
    assert msg["Subject"] == "IRO deadlines for A. Khan: 13 overdue as of 2025-03-25"


def test_due_includes_what_falls_due_within_days(caseload, smtp_server, config_file):
    result = run(caseload, smtp_env(config_file, smtp_server.port), "email", "due", "--within", "7",
                 "--as-of", "2025-03-25", "--to", "manager@la.gov.uk")
    assert result.exit_code == 0, result.stderr
    [msg] = smtp_server.handler.messages
    # C002's first review 2025-03-31, IRO appointment 2025-03-31, initial health assessment 2025-03-31 and
    # the IRO speaking to the child the day before (Sun 2025-03-30, moved back to Fri 2025-03-28) are within 7 days,
    # and C002's PEP (2025-03-31) and C001's spring term PEP review (2025-03-31)
    assert msg["Subject"] == "IRO deadlines: 13 overdue, 6 due within 7 days as of 2025-03-25"
    assert "in 6d" in parts(msg)["text/plain"]


def test_full_names_only_when_asked(caseload, smtp_server, config_file):
    env = smtp_env(config_file, smtp_server.port)
    run(caseload, env, "email", "--as-of", "2025-06-01", "--to", "m@la.gov.uk", "--full-names")
    config_file.write_text(config_file.read_text() + "[email]\nfull_names = true\n")
    run(caseload, env, "email", "--as-of", "2025-06-01", "--to", "m@la.gov.uk")
    for msg in smtp_server.handler.messages:
        assert all(name in parts(msg)["text/plain"] for name in NAMES)


def test_dry_run_prints_the_message_and_sends_nothing(caseload, smtp_server, config_file):
    result = run(caseload, smtp_env(config_file, smtp_server.port), "email", "--as-of", "2025-03-25",
                 "--to", "manager@la.gov.uk", "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert smtp_server.handler.envelopes == []
    printed = email.message_from_string(result.stdout, policy=email.policy.default)
    assert printed["To"] == "manager@la.gov.uk" and printed["Auto-Submitted"] == "auto-generated"
    assert set(parts(printed)) == {"text/plain", "text/html"}
    assert "C001 SJ" in result.stdout and "Sam Jones" not in result.stdout
    assert "Dry run: 1 message(s) printed, none sent." in result.stderr


def test_dry_run_needs_no_smtp_server(caseload, config_file):
    result = run(caseload, smtp_env(config_file), "email", "--as-of", "2025-03-25", "--per-iro", "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert "To: a.khan@la.gov.uk" in result.stdout


def test_server_down_is_exit_4_with_one_line(caseload, config_file, unused_port):
    env = smtp_env(config_file, unused_port, IROCLI_SMTP_TIMEOUT="2", IROCLI_SMTP_USER="irocli",
                   IROCLI_SMTP_PASSWORD=PASSWORD)
    started = time.monotonic()
    result = run(caseload, env, "email", "--as-of", "2025-06-01", "--to", "manager@la.gov.uk")
    assert time.monotonic() - started < 2 + 3
    assert result.exit_code == 4
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith("Error: could not send email via 127.0.0.1:") and "ConnectionRefusedError" in line
    assert PASSWORD not in result.stderr


def test_a_server_that_never_answers_times_out_with_exit_4(caseload, config_file):
    with socket.socket() as silent:  # accepts connections (the backlog) but never greets
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        env = smtp_env(config_file, silent.getsockname()[1], IROCLI_SMTP_TIMEOUT="1")
        started = time.monotonic()
        result = run(caseload, env, "email", "--as-of", "2025-06-01", "--to", "manager@la.gov.uk")
        elapsed = time.monotonic() - started
    assert result.exit_code == 4, result.stderr
    assert elapsed < 1 + 3
    [line] = result.stderr.splitlines()
    assert "no answer within 1 s" in line


def test_failed_login_never_shows_the_password(caseload, smtp_server, config_file):
    # the test server offers no AUTH, so logging in fails after connecting
    env = smtp_env(config_file, smtp_server.port, IROCLI_SMTP_USER="irocli", IROCLI_SMTP_PASSWORD=PASSWORD)
    result = run(caseload, env, "email", "--as-of", "2025-06-01", "--to", "m@la.gov.uk")
    assert result.exit_code == 4
    [line] = result.stderr.splitlines()
    assert line.startswith(f"Error: could not send email via 127.0.0.1:{smtp_server.port}: ")
    assert PASSWORD not in result.stdout + result.stderr
    assert smtp_server.handler.envelopes == []


def test_a_world_readable_config_with_a_password_is_refused(caseload, smtp_server, tmp_path):
    config = tmp_path / "loose.toml"
    config.write_text(f'[smtp]\nhost = "127.0.0.1"\nport = {smtp_server.port}\npassword = "{PASSWORD}"\n')
    config.chmod(0o644)
    env = smtp_env(config)
    result = run(caseload, env, "email", "--as-of", "2025-06-01", "--to", "m@la.gov.uk")
    assert result.exit_code == 2
    assert result.stderr == f"Error: {config}: holds a password but others can read it; run: chmod 600 {config}\n"
    assert PASSWORD not in result.stderr
    config.chmod(0o600)
    ok = run(caseload, env, "email", "--as-of", "2025-06-01", "--to", "m@la.gov.uk", "--dry-run")
    assert ok.exit_code == 0, ok.stderr


def test_smtp_settings_from_the_config_file_and_env_wins(caseload, smtp_server, tmp_path):
    config = tmp_path / "smtp.toml"
    config.write_text(f'[smtp]\nhost = "127.0.0.1"\nport = {smtp_server.port}\nfrom = "file@la.gov.uk"\n'
                      '[email]\nto = ["manager@la.gov.uk"]\n')
    env = smtp_env(config, IROCLI_SMTP_FROM=None)
    assert run(caseload, env, "email", "--as-of", "2025-06-01").exit_code == 0
    env["IROCLI_SMTP_FROM"] = "env@la.gov.uk"
    assert run(caseload, env, "email", "--as-of", "2025-06-01").exit_code == 0
    assert [e.mail_from for e in smtp_server.handler.envelopes] == ["file@la.gov.uk", "env@la.gov.uk"]
    assert all(e.rcpt_tos == ["manager@la.gov.uk"] for e in smtp_server.handler.envelopes)


@pytest.mark.parametrize("args, extra, message", [
    (("--as-of", "2025-06-01"), {}, "give --to ADDRESS (or [email] to in the config file), --per-iro or --per-team"),
    (("--to", "m@la.gov.uk"), {"IROCLI_SMTP_HOST": None}, "no SMTP server: set IROCLI_SMTP_HOST"),
    (("overdue", "--within", "7", "--to", "m@la.gov.uk"), {}, "--within applies to `irocli email due`"),
    (("weekly", "--to", "m@la.gov.uk"), {}, "KIND must be one of overdue, due"),
    (("--to", "m@la.gov.uk"), {"IROCLI_SMTP_PORT": "smtp"},
     "IROCLI_SMTP_PORT: must be a port number from 1 to 65535 (got 'smtp')"),
], ids=["no-recipients", "no-host", "within-with-overdue", "unknown-kind", "bad-port"])
def test_bad_email_input_is_exit_2_with_one_line(caseload, config_file, args, extra, message):
    result = run(caseload, smtp_env(config_file, 2525, **extra), "email", *args)
    assert result.exit_code == 2, result.stderr
    [line] = result.stderr.splitlines()
    assert line.startswith("Error: ") and message in line


def test_config_path_prints_the_path_and_its_source(cli, tmp_path):
    configured = tmp_path / "elsewhere.toml"
    result = cli.runner.invoke(app, ["config", "path"], env={"IROCLI_CONFIG": str(configured)})
    assert result.exit_code == 0
    assert result.stdout == f"{configured}\n"
    assert result.stderr == "(from IROCLI_CONFIG; the file does not exist yet)\n"
    default = cli.runner.invoke(app, ["config", "path"], env={"IROCLI_CONFIG": None,
                                                              "XDG_CONFIG_HOME": str(tmp_path / "xdg")})
    assert default.exit_code == 0
    if os.name == "posix":
        assert default.stdout == f"{tmp_path / 'xdg' / 'irocli' / 'config.toml'}\n"
    assert default.stderr.startswith("(from default")


def _section(text: str, start: str, end: str | None) -> str:
    return text[text.index(start):text.index(end) if end else len(text)]


def test_yours_and_to_chase_in_both_parts(caseload, smtp_server, config_file):
    # A. Khan as of 2025-03-25 (13 overdue): the first review's record is the IRO's own; the two care
    # plans (C001 due 2025-01-08, C002 due 2025-03-17), the two first visits (2024-12-27, 2025-03-10), the
    # two placement plans and two IRO notifications (2024-12-31, 2025-03-10), the two PEPs started (2025-01-08,
    # 2025-03-17) and C001's PEP complete (2025-01-22) are the social worker's, and C001's initial health
    # assessment the local authority's: to chase.
    result = run(caseload, smtp_env(config_file, smtp_server.port), "email", "--per-iro", "--as-of", "2025-03-25")
    assert result.exit_code == 0, result.stderr
    [msg] = smtp_server.handler.messages
    for kind, text in parts(msg).items():
        assert "Yours" in text and "To chase" in text, kind
        yours = _section(text, "Yours", "To chase")
        chase = _section(text, "To chase", "Sent automatically")
        assert "C001 SJ" in yours and "2025-02-19" in yours and "task.record-distributed" in yours
        assert "ms.care-plan" not in yours and "social-worker" not in yours
        assert "C001 SJ" in chase and "C002 AS" in chase
        assert chase.count("ms.care-plan") == 2 and chase.count("social-worker") == 11
        # C001's health assessment and PEP complete are both due 2025-01-22
        assert chase.count("ms.pep-start") == 2 and chase.count("2025-01-22") == 2
        assert chase.count("visit.sw-first") == 2 and chase.count("health.iha") == 1
        assert chase.count("ms.placement-plan") == 2 and chase.count("notify.placement-iro") == 2
        assert "2025-01-08" in chase and "2025-03-17" in chase and "record-distributed" not in chase
        for name in NAMES:
            assert name not in text
    [page] = [p.get_content() for p in msg.walk() if p.get_content_type() == "text/html"]
    assert "<th " in page and ">Owner</th>" in page


def test_an_empty_section_says_nothing(caseload, smtp_server, config_file):
    # as of 2025-01-09 only C001's care plan and PEP started (due 2025-01-08), first visit (2024-12-27),
    # placement plan and IRO notification (2024-12-31), the social worker's, are overdue
    result = run(caseload, smtp_env(config_file, smtp_server.port), "email", "--per-iro", "--as-of", "2025-01-09")
    assert result.exit_code == 0, result.stderr
    [msg] = smtp_server.handler.messages
    plain = parts(msg)["text/plain"]
    assert "Yours: nothing." in plain
    assert "C001 SJ" in _section(plain, "To chase", None) and "social-worker" in plain


def test_iro_matches_as_typed_and_a_typo_sends_nothing(caseload, smtp_server, config_file):
    env = smtp_env(config_file, smtp_server.port)
    typed = run(caseload, env, "email", "--as-of", "2025-03-25", "--iro", "  a. KHAN ", "--to", "m@la.gov.uk",
                "--dry-run")
    assert typed.exit_code == 0, typed.stderr
    body = parts(email.message_from_string(typed.stdout, policy=email.policy.default))["text/plain"]
    assert "C001 SJ" in body and "C002 AS" in body and "C003" not in body
    assert "Dry run: 1 message(s) printed, none sent." in typed.stderr
    typo = run(caseload, env, "email", "--as-of", "2025-03-25", "--iro", "A. Kahn", "--to", "m@la.gov.uk")
    assert (typo.exit_code, typo.stdout) == (2, "")
    assert typo.stderr == "Error: no child in the store has IRO 'A. Kahn' (known: A. Khan, B. Okafor)\n"
    assert smtp_server.handler.envelopes == []
