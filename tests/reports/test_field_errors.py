"""The core names fields, never command-line options; the CLI boundary names the options (STYLE.md:
"the engine and reports say field "stage", the CLI boundary says --to-stage")."""

from __future__ import annotations

import datetime as dt

import pytest

from irocli.errors import BadInput, FieldError
from irocli.reports import kpi

D = dt.date.fromisoformat


def test_a_report_names_the_fields():
    with pytest.raises(FieldError) as caught:
        kpi.period_start(D("2025-03-31"), D("2025-04-01"))
    assert str(caught.value) == "to 2025-03-31 is before from 2025-04-01"
    assert caught.value.fields == ["to", "from_"]


def test_the_boundary_names_the_options():
    error = FieldError("{to_stage} must be later than {from_} (got '{{x}}')")
    assert str(error) == "to_stage must be later than from (got '{x}')"
    as_options = error.as_options()
    assert type(as_options) is BadInput
    assert str(as_options) == "--to-stage must be later than --from (got '{x}')"


def test_a_persons_braces_stay_text():
    month = "{2025}-{x}"
    error = FieldError(f"{{month}} {FieldError.quote(repr(month))} is not a month (expected YYYY-MM)")
    assert str(error.as_options()) == "--month '{2025}-{x}' is not a month (expected YYYY-MM)"
    assert str(error) == "month '{2025}-{x}' is not a month (expected YYYY-MM)"

