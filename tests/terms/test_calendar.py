"""BusinessCalendar: hand-checked cases, then every operation against the brute-force reference."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casedesk.terms import TermsError, default_terms
from casedesk.terms.calendar import BusinessCalendar, NaiveDatetimeError
from casedesk.terms.document import Calendar, Holidays

from .reference import Reference, from_minute, to_minute
from .strategies import CALENDARS, DEFAULT, calendars, instants

LA = ZoneInfo("America/Los_Angeles")
UTC = dt.UTC
PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
PROBE_SETTINGS = settings(max_examples=200, deadline=None)
REFERENCES = {id(c): Reference(c) for c in CALENDARS}


def la(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=LA)


@pytest.fixture(scope="module")
def cal() -> BusinessCalendar:
    return BusinessCalendar.from_terms(default_terms().calendar)


# -- hand-checked -----------------------------------------------------------------------------


def test_it_is_open_from_nine_to_five_on_business_days(cal):
    assert cal.is_open(la(2026, 12, 1, 9, 0))  # Tuesday, opening time included
    assert cal.is_open(la(2026, 12, 1, 16, 59, 59))
    assert not cal.is_open(la(2026, 12, 1, 17, 0))  # closing time excluded
    assert not cal.is_open(la(2026, 12, 1, 8, 59, 59))
    assert not cal.is_open(la(2026, 11, 28, 12, 0))  # Saturday
    assert not cal.is_open(la(2026, 11, 26, 12, 0))  # Thanksgiving


def test_it_answers_in_pacific_time_whatever_zone_the_instant_is_in(cal):
    # 12:30 in New York is 09:30 in Los Angeles: open. 11:30 in New York is 08:30: closed.
    ny = ZoneInfo("America/New_York")
    assert cal.is_open(dt.datetime(2026, 12, 1, 12, 30, tzinfo=ny))
    assert not cal.is_open(dt.datetime(2026, 12, 1, 11, 30, tzinfo=ny))
    assert cal.is_open(dt.datetime(2026, 12, 1, 17, 30, tzinfo=UTC))


def test_it_refuses_naive_datetimes_with_a_clear_message(cal):
    naive = dt.datetime(2026, 12, 1, 10, 0)  # noqa: DTZ001 - the point of the test
    for call in (
        lambda: cal.is_open(naive),
        lambda: cal.next_open(naive),
        lambda: cal.add(naive, 10),
        lambda: cal.between(naive, naive),
        lambda: cal.add_business_days(naive, 1),
    ):
        with pytest.raises(NaiveDatetimeError) as info:
            call()
        assert str(info.value) == (
            "2026-12-01T10:00:00 has no time zone; pass an aware datetime "
            "(e.g. datetime(..., tzinfo=datetime.UTC)) so business time is unambiguous"
        )
    assert issubclass(NaiveDatetimeError, TermsError)


def test_it_returns_aware_utc_instants(cal):
    for result in (
        cal.next_open(la(2026, 11, 28, 10)),
        cal.add(la(2026, 12, 1, 10), 30),
        cal.add(la(2026, 12, 1, 10), 0),
        cal.add_business_days(la(2026, 12, 1, 10), 1),
        cal.next_open(la(2026, 12, 1, 10)),
    ):
        assert result.tzinfo is UTC


def test_next_open_is_the_instant_itself_when_open_else_the_next_opening(cal):
    assert cal.next_open(la(2026, 12, 1, 10, 15)) == la(2026, 12, 1, 10, 15)
    assert cal.next_open(la(2026, 12, 1, 17, 0)) == la(2026, 12, 2, 9, 0)
    assert cal.next_open(la(2026, 11, 25, 18, 0)) == la(2026, 11, 27, 9, 0)  # over Thanksgiving
    assert cal.next_open(la(2026, 11, 28, 10, 0)) == la(2026, 11, 30, 9, 0)  # Saturday


@pytest.mark.parametrize(
    ("start", "days", "expected", "why"),
    [
        (la(2026, 12, 1, 10), 1, la(2026, 12, 2, 10), "Tue 10:00 + 1 = Wed 10:00"),
        (la(2026, 12, 4, 18), 1, la(2026, 12, 7, 17), "Fri 18:00 + 1 = Mon 17:00"),
        (la(2027, 1, 15, 18), 1, la(2027, 1, 19, 17), "Monday is MLK Day: Tue 17:00"),
        (la(2026, 12, 1, 9), 1, la(2026, 12, 1, 17), "ends at 17:00, not at 09:00 next day"),
        (la(2026, 12, 1, 8), 1, la(2026, 12, 1, 17), "before opening: the whole day"),
        (la(2026, 12, 1, 17), 1, la(2026, 12, 2, 17), "at closing: the next day"),
        (la(2026, 12, 1, 10), 2, la(2026, 12, 3, 10), "two business days"),
        (la(2027, 12, 30, 12), 1, la(2028, 1, 3, 12), "New Year's Day observed Fri 31 Dec"),
        (la(2026, 12, 24, 12), 1, la(2026, 12, 28, 12), "Christmas on a Friday"),
    ],
)
def test_business_day_arithmetic_follows_the_terms(cal, start, days, expected, why):
    assert cal.add_business_days(start, days) == expected, why


def test_add_counts_business_minutes_and_zero_is_the_instant_itself(cal):
    assert cal.add(la(2026, 11, 27, 16, 30), 30) == la(2026, 11, 27, 17, 0)
    assert cal.add(la(2026, 11, 27, 16, 30), 31) == la(2026, 11, 30, 9, 1)
    assert cal.add(la(2026, 11, 28, 3, 0), 0) == la(2026, 11, 28, 3, 0)
    with pytest.raises(TermsError, match="must not be negative"):
        cal.add(la(2026, 11, 28, 3, 0), -1)


def test_between_counts_only_business_minutes(cal):
    assert cal.between(la(2026, 11, 27, 16, 30), la(2026, 11, 30, 9, 30)) == 60
    assert cal.between(la(2026, 11, 25, 17, 0), la(2026, 11, 27, 9, 0)) == 0
    assert cal.between(la(2026, 12, 1, 9), la(2026, 12, 8, 9)) == 5 * 480
    assert cal.between(la(2026, 12, 1, 9), la(2026, 12, 1, 9, 0, 59)) == 0  # rounded down
    assert cal.between_duration(la(2026, 12, 1, 9), la(2026, 12, 1, 9, 0, 59)) == dt.timedelta(
        seconds=59
    )
    with pytest.raises(TermsError, match="a <= b"):
        cal.between(la(2026, 12, 2, 9), la(2026, 12, 1, 9))


def test_it_names_the_holidays_it_observes(cal):
    assert cal.holiday_name(dt.date(2026, 11, 26)) == "Thanksgiving Day"
    assert cal.holiday_name(dt.date(2026, 7, 3)) == "Independence Day (observed)"
    assert cal.holiday_name(dt.date(2027, 12, 31)) == "New Year's Day (observed)"
    assert cal.holiday_name(dt.date(2026, 11, 27)) is None
    with pytest.raises(TermsError, match="takes a date"):
        cal.holiday_name(la(2026, 11, 26, 0))  # type: ignore[arg-type]


def test_the_2026_us_holidays_are_the_federal_ones_as_observed(cal):
    # Written out by hand from the OPM 2026 federal holiday list.
    expected = {
        dt.date(2026, 1, 1),
        dt.date(2026, 1, 19),
        dt.date(2026, 2, 16),
        dt.date(2026, 5, 25),
        dt.date(2026, 6, 19),
        dt.date(2026, 7, 3),  # 4 July is a Saturday
        dt.date(2026, 9, 7),
        dt.date(2026, 10, 12),
        dt.date(2026, 11, 11),
        dt.date(2026, 11, 26),
        dt.date(2026, 12, 25),
    }
    day, closed_weekdays = dt.date(2026, 1, 1), set()
    while day.year == 2026:
        if day.weekday() < 5 and not cal.is_business_day(day):
            closed_weekdays.add(day)
        day += dt.timedelta(days=1)
    assert closed_weekdays == expected


def test_extra_and_removed_dates_change_the_holidays():
    cal = BusinessCalendar.from_terms(
        Calendar(
            holidays=Holidays(extra=(dt.date(2026, 12, 24),), removed=(dt.date(2026, 11, 26),))
        )
    )
    assert cal.holiday_name(dt.date(2026, 12, 24)) == "holiday observed by the vendor"
    assert cal.holiday_name(dt.date(2026, 11, 26)) is None
    assert cal.is_open(la(2026, 11, 26, 10))
    assert not cal.is_open(la(2026, 12, 24, 10))


def test_a_calendar_without_holidays_is_open_on_thanksgiving():
    cal = BusinessCalendar.from_terms(Calendar(holidays=Holidays(country="")))
    assert cal.is_open(la(2026, 11, 26, 10))
    assert cal.holiday_name(dt.date(2026, 11, 26)) is None


def test_it_works_for_any_year_not_a_fixed_range(cal):
    assert cal.add_business_days(la(1999, 12, 30, 10), 1) == la(2000, 1, 3, 10)
    assert cal.holiday_name(dt.date(1999, 12, 31)) == "New Year's Day (observed)"
    assert cal.holiday_name(dt.date(2090, 11, 23)) == "Thanksgiving Day"
    assert cal.add_business_days(la(2090, 11, 22, 10), 1) == la(2090, 11, 24, 10)
    far = cal.add_business_days(la(2026, 1, 5, 9), 5000)  # about 20 years of business days
    assert cal.between(la(2026, 1, 5, 9), far) == 5000 * 480


def test_equal_calendars_share_one_instance():
    a = BusinessCalendar.from_terms(default_terms().calendar)
    assert BusinessCalendar.from_terms(default_terms().calendar) is a
    assert BusinessCalendar.from_terms(Calendar()) is a  # equal, though not the same object
    assert BusinessCalendar.from_terms(Calendar(opens=dt.time(8))) is not a


def test_business_durations_are_exact_to_the_microsecond():
    cal = BusinessCalendar.from_terms(DEFAULT)
    start = la(2026, 12, 1, 10, 0, 0) + dt.timedelta(microseconds=123_456)
    end = cal.add_duration(start, dt.timedelta(hours=7, microseconds=1))
    # 6 h 59 min 59.876544 s to 17:00, the remaining 0.123457 s on Wednesday morning.
    assert end == la(2026, 12, 2, 9, 0, 0) + dt.timedelta(microseconds=123_457)
    assert cal.between_duration(start, end) == dt.timedelta(hours=7, microseconds=1)


# -- properties against the brute-force reference, 2024-2035 ------------------------------------


def _cal_and_instant(data: st.DataObject) -> tuple[Calendar, dt.datetime]:
    c = data.draw(calendars, label="calendar")
    return c, data.draw(instants(c), label="instant")


budgets = st.one_of(
    st.sampled_from([0, 1, 29, 30, 59, 60, 180, 479, 480, 481, 960, 1440]),
    st.integers(0, 3 * 480),
)


@PROPERTY
@given(st.data())
def test_is_open_and_next_open_match_the_reference(data):
    c, t = _cal_and_instant(data)
    cal, ref = BusinessCalendar.from_terms(c), REFERENCES[id(c)]
    assert cal.is_open(t) == ref.is_open_minute(to_minute(t))
    assert cal.next_open(t) == from_minute(ref.next_open(to_minute(t)))


@PROPERTY
@given(st.data(), budgets)
def test_add_matches_the_reference(data, minutes):
    c, t = _cal_and_instant(data)
    cal, ref = BusinessCalendar.from_terms(c), REFERENCES[id(c)]
    assert cal.add(t, minutes) == from_minute(ref.add(to_minute(t), minutes))


@PROPERTY
@given(st.data(), st.integers(0, 10 * 24 * 60))
def test_between_matches_the_reference(data, span):
    c, a = _cal_and_instant(data)
    cal, ref = BusinessCalendar.from_terms(c), REFERENCES[id(c)]
    b = a + dt.timedelta(minutes=span)
    assert cal.between(a, b) == ref.between(to_minute(a), to_minute(b))


@settings(max_examples=300, deadline=None)
@given(st.data(), st.integers(0, 60 * 480))
def test_between_undoes_add(data, minutes):
    c, t = _cal_and_instant(data)
    cal = BusinessCalendar.from_terms(c)
    assert cal.between(t, cal.add(t, minutes)) == minutes


@settings(max_examples=300, deadline=None)
@given(st.data(), st.integers(0, 3 * 24 * 60), budgets, budgets)
def test_add_is_monotonic_in_both_arguments(data, later_by, d1, d2):
    c, t1 = _cal_and_instant(data)
    cal = BusinessCalendar.from_terms(c)
    t2 = t1 + dt.timedelta(minutes=later_by)
    assert cal.add(t1, d1) <= cal.add(t2, d1)
    small, large = sorted((d1, d2))
    assert cal.add(t1, small) <= cal.add(t1, large)
    if small < large:
        assert cal.add(t1, small) < cal.add(t1, large)


@settings(max_examples=300, deadline=None)
@given(st.data(), st.integers(1, 5 * 480))
def test_a_positive_budget_never_ends_outside_business_hours(data, minutes):
    c, t = _cal_and_instant(data)
    cal = BusinessCalendar.from_terms(c)
    end = cal.add(t, minutes)
    # Open at the end, or exactly at closing (open one microsecond before).
    assert cal.is_open(end) or (
        cal.is_open(end - dt.timedelta(microseconds=1)) and not cal.is_open(end)
    )
    local = end.astimezone(ZoneInfo(c.timezone))
    assert cal.is_business_day(local.date())
    assert c.opens < local.time() <= c.closes


@PROBE_SETTINGS
@given(st.data(), st.integers(1, 3 * 480))
def test_the_hot_path_adder_matches_the_reference(data, minutes):
    # adder() is what deadline() uses: inlined lookups and one cached answer per closed gap.
    c, t = _cal_and_instant(data)
    cal, ref = BusinessCalendar.from_terms(c), REFERENCES[id(c)]
    expected = from_minute(ref.add(to_minute(t), minutes))
    add = _ADDERS.setdefault((id(c), minutes), cal.adder(minutes * 60_000_000))
    assert add(t) == expected
    assert add(t) == expected  # the second time may come from the cache


def test_the_adder_cache_survives_the_table_growing_in_both_directions():
    cal = BusinessCalendar(DEFAULT)  # a fresh table, not the shared one
    add = cal.adder(480 * 60_000_000)
    nights = [la(2026, 1, 1, 20) + dt.timedelta(days=k) for k in range(2 * 365)]
    before = [add(t) for t in nights]  # fills the cache, one answer per closed gap
    assert before == [cal.add(t, 480) for t in nights]
    add(la(2015, 6, 1, 20))  # the table grows back by years: every interval index shifts
    add(la(2040, 6, 1, 20))  # and forward
    assert [add(t) for t in nights] == before
    friday_night, saturday = la(2026, 11, 27, 18), la(2026, 11, 28, 10)
    assert add(friday_night) == add(saturday) == la(2026, 11, 30, 17)
    assert add(la(1990, 11, 21, 18)) == la(1990, 11, 23, 17)  # Thanksgiving 1990: grows back
    assert add(la(2100, 12, 24, 18)) == la(2100, 12, 27, 17)  # Christmas 2100: grows forward
    assert add(saturday) == add(friday_night) == la(2026, 11, 30, 17)
    naive = dt.datetime(2026, 12, 1, 10)  # noqa: DTZ001
    with pytest.raises(NaiveDatetimeError):
        add(naive)
    with pytest.raises(TermsError, match="is not a datetime"):
        add("2026-12-01T10:00Z")  # type: ignore[arg-type]


_ADDERS: dict = {}
