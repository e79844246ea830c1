"""Values as the store writes and reads them: what it hands back besides the domain's own values, and
the one way each value is made ready for writing. Imports only the stdlib and domain (no SQL here).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import NamedTuple

from irocli.domain import Child, Event, clean_name, is_placeholder_dob

# The child fields a write may set, and those of them that hold a person's or team's name.
CHILD_FIELDS = ("name", "dob", "iro", "social_worker", "team")
NAME_FIELDS = ("iro", "social_worker", "team")


@dataclass(frozen=True, slots=True)
class StoredEvent:
    """An event as recorded: the Event itself plus who recorded it, when, whether (and by whom) it was voided, the
    import batch that wrote it and its amendment chain (migration 0007).

    Timestamps are timezone-aware UTC.
    """

    event: Event
    recorded_at: dt.datetime
    recorded_by: str | None = None
    voided_at: dt.datetime | None = None
    void_reason: str | None = None
    voided_by: str | None = None
    batch: int | None = None  # the import batch that wrote it (None: entered by hand)
    amends: int | None = None  # the event it replaced (an amendment)
    amended_by: int | None = None  # the event that replaced it

    @property
    def voided(self) -> bool:
        """Whether the event was voided (it stays listed but no longer counts)."""
        return self.voided_at is not None


class KeyedEvent(NamedTuple):
    """A stored event with a source key, as an import compares it with the event it brings.

    ``date`` is the event's calendar date; ``details`` the JSON text as stored (see dump_details);
    ``voided`` whether a person voided it (an import then leaves it alone).
    """

    id: int
    kind: str
    date: dt.date
    meeting: bool
    note: str | None
    details: str | None
    voided: bool


def clean_child(child: Child) -> Child:
    """A child as stored: IRO, social worker and team names trimmed (inner whitespace collapsed),
    the case systems' placeholder date of birth (domain.is_placeholder_dob) as unknown. Every write
    path goes through here, so importers store names the way ``--iro`` matches them."""
    iro, social_worker, team = (clean_name(getattr(child, f)) for f in NAME_FIELDS)
    dob = None if is_placeholder_dob(child.dob) else child.dob
    if (dob, iro, social_worker, team) == (child.dob, child.iro, child.social_worker, child.team):
        return child
    return Child(child.id, child.name, dob, iro, social_worker, team)


def dump_details(details: dict | None) -> str | None:
    """An event's details as stored: JSON text with sorted keys (so equal dicts compare equal as
    text), or None for none or an empty dict."""
    import json

    return None if not details else json.dumps(details, sort_keys=True, ensure_ascii=False)


def utc_now() -> dt.datetime:
    """Now, as the store's timestamps hold it: naive UTC, so DateTime columns stay dialect-neutral
    (no timezone type on SQLite). Reads hand them out timezone-aware (queries)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def os_user() -> str | None:
    """Who is recording, by default: the operating-system user (getpass: $LOGNAME, $USER, …, else the account of
    the process's user id), or None if it cannot be told. A name holding a control character (a line break, a
    terminal escape) is not used: the account's name is, or None."""
    import getpass

    try:
        found = getpass.getuser()
    except Exception:  # getpass raises OSError, KeyError or ImportError depending on platform
        found = None
    if found and not _controls(found):
        return found
    try:
        import os
        import pwd

        found = pwd.getpwuid(os.getuid()).pw_name
    except (ImportError, KeyError):
        return None
    return found if found and not _controls(found) else None


def _controls(text: str) -> bool:
    return any(ord(c) < 32 or 127 <= ord(c) < 160 for c in text)
