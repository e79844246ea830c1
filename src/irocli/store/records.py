"""What the store hands back besides the domain's own values. Imports only the stdlib and domain."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from irocli.domain import Event


@dataclass(frozen=True, slots=True)
class StoredEvent:
    """An event as recorded: the Event itself plus who recorded it, when, and whether it was voided.

    Timestamps are timezone-aware UTC.
    """

    event: Event
    recorded_at: dt.datetime
    recorded_by: str | None = None
    voided_at: dt.datetime | None = None
    void_reason: str | None = None

    @property
    def voided(self) -> bool:
        return self.voided_at is not None
