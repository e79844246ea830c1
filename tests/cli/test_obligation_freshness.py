"""Stored obligations are never served stale (issue 16): a profile edit or a calendar change is noticed, the
report derives live and says once which command stores them, and `db refresh` does. Both backends."""

from __future__ import annotations

import json
import shutil

import pytest

from irocli.store import kept

STALE = ("1 child's stored obligations are missing or were derived with another profile, calendar or irocli: "
         "derived live; `irocli db refresh` stores them\n")


@pytest.fixture
def local(cli, tmp_path):
    """A store with the authority's own profile file (england, the first review in 20 working days) and one
    child who came into care on Monday 2025-01-06."""
    profile = tmp_path / "local.toml"
    profile.write_text('extends = "england"\nname = "local"\n\n[rules."review.first"]\noffset = "20 working days"\n')
    cli("init", "--profile", str(profile))
    cli("child", "add", "C001", "--name", "Sam Jones", "--dob", "2012-05-01", "--iro", "A. Khan")
    cli("event", "add", "C001", "entered-care", "2025-01-06")
    cli.profile = profile
    return cli


def _first_review(cli, as_of="2025-01-10"):
    result = cli("due", "--as-of", as_of, "--within", "60", "--format", "json")
    due = {row["obligation"]: row["due"] for row in json.loads(result.stdout)}
    return due["review.first"], result.stderr


def test_a_profile_edit_is_noticed_and_never_serves_old_rows(local):
    # 20 working days from Mon 2025-01-06: Mon 2025-02-03; stored by the event's write, read without a word
    assert _first_review(local) == ("2025-02-03", "")
    local.profile.write_text(local.profile.read_text().replace('"20 working days"', '"15 working days"'))
    # the file changed: the stored row (02-03) is not served; derived live, 15 working days: Mon 2025-01-27
    assert _first_review(local) == ("2025-01-27", STALE)
    check = local("db", "check", "--format", "json", ok=False)
    assert check.exit_code == 1 and [f["check"] for f in json.loads(check.stdout)] == [
        "obligations-stale"]
    assert local("db", "refresh").stderr == "Stored the obligations of 1 child (profile local).\n"
    assert _first_review(local) == ("2025-01-27", "")
    assert local("db", "check").exit_code == 0


def test_a_calendar_change_is_noticed(local, tmp_path, monkeypatch):
    assert _first_review(local) == ("2025-02-03", "")
    table = tmp_path / "_bank_holiday_table.py"  # the bank-holiday table regenerated (say, a new holiday)
    shutil.copy(kept.CALENDAR_TABLE, table)
    table.write_text(table.read_text() + '\n# regenerated\n')
    monkeypatch.setattr(kept, "CALENDAR_TABLE", table)
    kept._calendar_digest.cache_clear()
    try:
        assert _first_review(local) == ("2025-02-03", STALE)  # derived live from the calendar irocli has
        local("db", "refresh")
        assert _first_review(local) == ("2025-02-03", "")
    finally:
        kept._calendar_digest.cache_clear()


def test_another_profile_for_one_report_derives_live_and_leaves_the_table_alone(local):
    """--profile blackpool for one report: the stored rows are the store's profile's, so that report derives
    live and says why (db refresh would not change it); writes and refresh keep the store's own profile."""
    result = local("--profile", "blackpool", "due", "--as-of", "2025-01-10", "--format", "json")
    assert result.stderr == ("obligations derived live with profile blackpool: the store keeps profile local's "
                             "(`irocli init --profile blackpool --force` would change that)\n")
    local("--profile", "blackpool", "event", "add", "C001", "iro-visit", "2025-01-20")  # kept with local's rules
    assert _first_review(local) == ("2025-02-03", "")
    refused = local("--profile", "blackpool", "db", "refresh", ok=False)
    assert refused.exit_code == 2 and refused.stderr.startswith(
        "Error: the store keeps profile local's obligations (its recorded file), not those of blackpool:")
    assert local("--profile", "blackpool", "db", "check").exit_code == 0  # checked with the store's profile


def test_refresh_with_nothing_to_do_says_nothing_to_cron(local):
    result = local("db", "refresh")
    assert (result.stdout, result.stderr) == ("", "")


def test_an_as_of_beyond_the_school_terms_stored_derives_live_without_a_word(local):
    """School terms are stored a year ahead (kept.HORIZON): as of a day two years on, a child of school age
    (Sam, born 2012) is derived live, silently: nothing is stale and db refresh would not change it."""
    result = local("due", "--as-of", "2028-11-30", "--format", "json")
    assert result.stderr == ""
    assert "ms.pep-review" in {row["obligation"] for row in json.loads(result.stdout)}


def test_the_bi_view_shows_what_the_writes_stored(local):
    """The real write path fills v_obligation_open: C001 (Sam Jones) came into care 2025-01-06 and has had no
    review, so review.first, due Mon 2025-02-03, is open and overdue today; the view names the child by
    initials only. After a profile edit it shows the rows as last stored until `db refresh`."""
    view = ("SELECT child_id, initials, iro, obligation, due, status FROM v_obligation_open"
            " WHERE obligation = 'review.first'")
    [row] = local.rows(view)
    assert row[:4] == ("C001", "SJ", "A. Khan", "review.first") and str(row[4]) == "2025-02-03" and row[5] == "overdue"
    local.profile.write_text(local.profile.read_text().replace('"20 working days"', '"15 working days"'))
    local("child", "add", "C002", "--name", "Ava Smith", "--dob", "2010-02-28")  # a write: new fingerprint
    [row] = local.rows(view)
    assert str(row[4]) == "2025-02-03"  # C001 as last stored (SQL cannot see the edit), never dropped
    local("db", "refresh")
    [row] = local.rows(view)
    assert str(row[4]) == "2025-01-27"  # 15 working days from Mon 2025-01-06


def test_changing_the_profile_with_init_stores_the_obligations_again(local):
    result = local("init", "--profile", "blackpool", "--force")
    assert result.stderr == ("Store ready; profile blackpool (Blackpool (Our Children's Reviews, April 2024)); "
                             "stored the obligations of 1 child.\n")
    # Blackpool keeps England's first review: 20 working days from Mon 2025-01-06 is Mon 2025-02-03, now read
    # from the table with nothing said
    assert _first_review(local) == ("2025-02-03", "")


def test_a_store_from_before_the_table_is_stored_by_db_upgrade(local):
    """A store at revision 0003 (before the obligation table), its children and events kept: reports derive live
    and say so; `db upgrade` migrates and stores every child's obligations."""
    import sqlalchemy as sa
    from alembic import command

    from irocli.store import migrate

    engine = sa.create_engine(migrate_url(local.url), poolclass=sa.pool.NullPool)
    try:
        with engine.begin() as conn:
            command.downgrade(migrate.alembic_config(connection=conn), "0003")
    finally:
        engine.dispose()
    assert "run `irocli db upgrade`" in local("due", ok=False).stderr  # a report only reads: it cannot migrate
    assert local("db", "upgrade").stderr == "Store is at schema revision 0007; stored the obligations of 1 child.\n"
    assert _first_review(local) == ("2025-02-03", "")


def migrate_url(url: str) -> str:
    from irocli.config import db_url

    return db_url(url)


def test_a_draft_copy_of_the_stores_profile_is_another_profile(local, tmp_path):
    """A file of the same name but other content (a draft of the authority's profile): the report says it derived
    live with that file, never to run a refresh that cannot help; db refresh refuses it."""
    draft = tmp_path / "draft.toml"
    draft.write_text(local.profile.read_text().replace('"20 working days"', '"15 working days"'))
    result = local("--profile", str(draft), "due", "--as-of", "2025-01-10")
    assert result.stderr == (f"obligations derived live with profile {draft}: the store keeps profile local's "
                             f"(`irocli init --profile {draft} --force` would change that)\n")
    assert local("--profile", str(draft), "db", "refresh", ok=False).exit_code == 2
