"""The arithmetic `explain` prints says the due date once (issue 14: "… = D; due D" was said twice)."""

from __future__ import annotations

import datetime as dt

import pytest

from irocli.domain import Obligation, Status

D = dt.date.fromisoformat


def arithmetic(basis: str, due: str) -> str:
    return Obligation("C1", "ms.x", "X", "src", D(due), Status.DUE, "review-held", D("2025-01-02"),
                      basis=basis).derivation.arithmetic


@pytest.mark.parametrize(("basis", "due", "expected"), [
    # the basis already gives the due date: said once
    ("before the first review (review.first due 2025-03-31)", "2025-03-31",
     "before the first review (review.first due 2025-03-31)"),
    ("by the second review (review.second due 2025-06-28)", "2025-06-28",
     "by the second review (review.second due 2025-06-28)"),
    ("2025-01-02 + 6 months = 2025-07-02", "2025-07-02", "2025-01-02 + 6 months = 2025-07-02"),
    # the basis names other dates: the due date is said after it
    ("review booked for 2025-03-10, after its due date 2025-03-01 (review.subsequent)", "2025-03-10",
     "review booked for 2025-03-10, after its due date 2025-03-01 (review.subsequent); due 2025-03-10"),
    ("before the first review (review held 2025-03-28)", "2025-03-28",
     "before the first review (review held 2025-03-28); due 2025-03-28"),
    ("midpoint of 2025-01-02 and next review due 2025-07-02", "2025-04-02",
     "midpoint of 2025-01-02 and next review due 2025-07-02; due 2025-04-02"),
])
def test_the_due_date_is_said_once(basis, due, expected):
    assert arithmetic(basis, due) == expected
