"""Education between reviews (RULES §7, ms.pep): the looked-after child's Personal Education Plan, and the
school terms it is reviewed by. DfE, Promoting the education of looked-after children (2018) [confirm]: the
PEP is started within 10 working days of becoming looked after, complete within 20 working days (to inform
the first review), and reviewed each school term.

School terms are profile data (`[terms]`, read by profiles/loader.py into SchoolTerms): a repeating
pattern of terms by month and day, and any school year's own dates in place of it. A child is of school
age from the first term of the school year after the birthday of the rule's `age` (reception: 4 years,
aged 4 by 31 August) to the last term of the school year in which the birthday of `until_age` falls
(16 years: Year 11). Full-time care only (a series of short breaks, REG reg 48, has no care plan under
reg 5, of which the PEP is part); without a date of birth the age is unknown and nothing is derived.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple

from irocli.engine.calendar import Offset
from irocli.engine.episodes import END, Episode
from irocli.engine.registry import applies

if TYPE_CHECKING:
    from irocli.engine.derive import Run

MonthDay = tuple[int, int]  # (month, day), e.g. (9, 1) for 1 September
_NO_OFFSET = Offset(0, "days")  # a term-review rule with no offset: due the term's last day


class Term(NamedTuple):
    """One school term: its name, the school year it belongs to (by the calendar year the school year
    starts in: 2025 is 2025-26) and its first and last days (both in the term)."""

    name: str
    year: int
    first: dt.date
    last: dt.date


@dataclass(frozen=True)
class SchoolTerms:
    """`[terms]`: the school terms a termly rule (ms.pep-review) runs by.

    `year_starts` is the day a school year begins (a child's year group is set by their age the day
    before: 1 September, so aged 4 by 31 August starts reception). `pattern` holds each term's first and
    last (month, day), repeating every school year: a day before `year_starts` falls in the calendar
    year after the one the school year starts in. `years` holds a school year's own terms (dated) in
    place of the pattern, keyed by the calendar year it starts in. `source` says where the dates come from.
    """

    year_starts: MonthDay = (9, 1)
    pattern: tuple[tuple[str, MonthDay, MonthDay], ...] = (
        ("autumn", (9, 1), (12, 31)), ("spring", (1, 1), (3, 31)), ("summer", (4, 1), (7, 31)))
    years: dict[int, tuple[Term, ...]] = field(default_factory=dict)
    source: str = "irocli default terms (1 Sep-31 Dec, 1 Jan-31 Mar, 1 Apr-31 Jul) [confirm]"
    _by_year: dict[int, tuple[Term, ...]] = field(default_factory=dict, compare=False, repr=False)  # of_year's

    def year_start(self, year: int) -> dt.date:
        """The first day of school year `year` (e.g. 2025-09-01 for 2025-26)."""
        return dt.date(year, *self.year_starts)

    def school_year(self, day: dt.date) -> int:
        """The school year a day falls in, by the calendar year it starts in (2026-03-01 -> 2025)."""
        return day.year if (day.month, day.day) >= self.year_starts else day.year - 1

    def of_year(self, year: int) -> tuple[Term, ...]:
        """The terms of school year `year` in order: its own dates if the profile gives them, else the pattern."""
        found = self._by_year.get(year)
        if found is None:
            found = self.years.get(year) or tuple(
                Term(name, year, self.pattern_day(year, first), self.pattern_day(year, last))
                for name, first, last in self.pattern)
            self._by_year[year] = found
        return found

    def pattern_day(self, year: int, md: MonthDay) -> dt.date:
        """A pattern's (month, day) as a date of school year `year` (before year_starts: the next calendar year)."""
        return dt.date(year if md >= self.year_starts else year + 1, *md)


class SchoolAge(NamedTuple):
    """The school years a rule covers for one child (first and last, by the calendar year each starts in)
    and the days from the first term's first day to the last term's last day."""

    first_year: int
    last_year: int
    first: dt.date
    last: dt.date

    def describe(self) -> str:
        """The basis text: "of school age 2019-09-01 to 2031-07-31" (the first term's first day, the last's last)."""
        return f"of school age {self.first} to {self.last}"


def school_age(run: Run, rule) -> SchoolAge | None:
    """school_age_of, worked out once per child for the rules that share the same ages (run.memo)."""
    key = ("school-age", rule.age, rule.until_age)
    if key not in run.memo:
        run.memo[key] = school_age_of(run, rule)
    return run.memo[key]


def school_age_of(run: Run, rule) -> SchoolAge | None:
    """The school years covered by `rule` for the run's child: from the one after the school year in which
    the birthday of `rule.age` falls (aged 4 by 31 August: reception) to the one in which the birthday of
    `rule.until_age` falls (16: Year 11). None without a date of birth, or when no year is covered."""
    starts, stops = run.birthday(rule.age), run.birthday(rule.until_age)
    if starts is None or stops is None:
        return None
    terms: SchoolTerms = run.p.terms
    first_year, last_year = terms.school_year(starts) + 1, terms.school_year(stops)
    if first_year > last_year:
        return None
    return SchoolAge(first_year, last_year, terms.of_year(first_year)[0].first, terms.of_year(last_year)[-1].last)


def _full_time(run: Run) -> Iterator[tuple[Episode, dt.date | None]]:
    """Each episode of full-time care (not a series of short breaks, REG reg 48) with its last day (None
    while open); for the due list (run.history False) only an open one."""
    for ep in run.episodes:
        if not ep.short_breaks and (ep.end is None or run.history):
            yield ep, ep.end


@applies("school-age-start")
def school_age_start(run: Run, rules: list) -> None:
    """Counted on from the start of each episode of full-time care while the child is of school age (see
    school_age), or from the first day of school age for a child in care then, by the rule's offset
    (working days: the PEP started within 10, complete within 20, DfE PEP guidance 2018 [confirm]); met by
    the first completing event from that day in the episode, so a fresh episode restarts it. Not shown
    before school age begins (as a term not yet begun). An episode that ended before the due date with
    none owes nothing; one that ended after it, missed."""
    for rule in rules:
        age = school_age(run, rule)
        if age is None:
            continue
        for ep, last in _full_time(run):
            begin = max(ep.start, age.first)
            if begin > age.last or (last is not None and last < begin):
                continue  # not of school age while in this episode (not yet, as of the report: shown_from)
            kind = ep.started_by if begin == ep.start else "school-age"
            due = run.cal.add(begin, rule.offset)
            done = run.first_on_or_after(rule.completed_by, begin, True, last or END)
            if done is None and last is not None and last < due:
                continue  # left care before it fell due
            run.emit(rule, due, kind, begin, offset=rule.offset, met_on=done,
                     missed=done is None and last is not None, basis=age.describe, cycle=f"ep{ep.index + 1}",
                     shown_from=begin)


@applies("term-review")
def term_review(run: Run, rules: list) -> None:
    """One each school term (the profile's [terms]) that begins while the child is looked after in full-time
    care and of school age: due the term's last day plus the rule's offset (0 days: by the end of the term;
    DfE PEP guidance 2018 [confirm]), met by a completing event dated within the term. The term in which an
    episode begins is not one (the initial PEP, ms.pep, stands for it): the first is the next term to begin.

    Not met within the term: overdue, until a later completing event in the episode supersedes it (then
    missed, history only). Left care during the term with none: nothing owed (left before it fell due);
    left after the due date with none: missed. A term that has not begun by the as-of date is not derived
    (it is owed once it begins)."""
    for rule in rules:
        age = school_age(run, rule)
        if age is None:
            continue
        terms: SchoolTerms = run.p.terms
        offset = rule.offset if rule.offset is not None else _NO_OFFSET
        for ep, last in _full_time(run):
            # the due list: a term ended before the latest PEP review of the episode is met or superseded
            since = ep.start if run.history else max(
                (ds[-1] for kind in rule.completed_by if (ds := run.by_kind.get(kind)) and ds[-1] >= ep.start),
                default=ep.start)
            for term in _owed(terms, ep, last, age, since):
                if term.first > run.horizon:  # not derived: the rows answer until it begins
                    until = run.out.valid_until
                    run.out.valid_until = term.first if until is None else min(until, term.first)
                    break
                _one_term(run, rule, term, offset, ep, last)  # not begun: shown once it begins


def _owed(terms: SchoolTerms, ep: Episode, last: dt.date | None, age: SchoolAge, since: dt.date) -> Iterator[Term]:
    """The terms of school age that begin after the episode's first day and on or before its last, in order,
    from the one that ends on or after `since`."""
    year = max(terms.school_year(since), age.first_year)
    while year <= age.last_year and terms.year_start(year) <= (last or END):
        for term in terms.of_year(year):
            if ep.start < term.first and (last is None or term.first <= last) and term.last >= since:
                yield term
        year += 1


def _one_term(run: Run, rule, term: Term, offset, ep: Episode, last: dt.date | None) -> None:
    """Emit one term's review (see term_review)."""
    due = run.cal.add(term.last, offset)
    until = min(term.last, last or END)
    done = run.first_on_or_after(rule.completed_by, term.first, True, until)
    later = None if done is not None else run.first_on_or_after(rule.completed_by, term.last, False, last or END)
    if done is None and last is not None and last < due:
        return  # left care before it fell due

    def why() -> str:  # built only for an obligation that is kept
        said = f"{term.name} term {term.first} to {term.last}"
        return said + (f"; none in the term, the next on {later}" if later is not None else "")

    run.emit(rule, due, "term-end", term.last, offset=offset, met_on=done,
             missed=done is None and (later is not None or last is not None), basis=why,
             cycle=f"ep{ep.index + 1}.{term.year}.{term.name}", shown_from=term.first)
