"""Pure rules without app or database: meeting series dates, document lines, audit change diffs."""

from datetime import datetime

import pytest

from netzwerk.audit.services import changes_between
from netzwerk.meetings.models import parse_documents
from netzwerk.meetings.recurrence import nth_weekday_of, occurrences


def test_a_single_meeting_has_one_date():
    start = datetime(2027, 3, 2, 18, 0)
    assert occurrences(start, "", 5) == [start]


@pytest.mark.parametrize(("rule", "gap_days"), [("weekly", 7), ("biweekly", 14)])
def test_weekly_series_keep_the_wall_clock_time_across_the_dst_change(rule, gap_days):
    start = datetime(2027, 3, 16, 18, 0)  # the change to summer time is on 28 March 2027
    dates = occurrences(start, rule, 4)
    assert [(d - start).days for d in dates] == [0, gap_days, 2 * gap_days, 3 * gap_days]
    assert {d.time() for d in dates} == {start.time()}


def test_a_monthly_series_stays_on_the_same_weekday_of_the_month():
    first_tuesday = datetime(2027, 1, 5, 18, 0)
    dates = occurrences(first_tuesday, "monthly", 4)
    assert [d.date().isoformat() for d in dates] == ["2027-01-05", "2027-02-02", "2027-03-02", "2027-04-06"]
    assert all(d.weekday() == 1 and d.day <= 7 for d in dates)


def test_a_quarterly_series_skips_two_months():
    third_thursday = datetime(2027, 1, 21, 9, 30)
    dates = occurrences(third_thursday, "quarterly", 3)
    assert [d.date().isoformat() for d in dates] == ["2027-01-21", "2027-04-15", "2027-07-15"]


def test_a_fifth_weekday_means_the_last_one():
    fifth_friday = datetime(2027, 1, 29, 10, 0)
    assert nth_weekday_of(fifth_friday).n == -1
    dates = occurrences(fifth_friday, "monthly", 3)
    assert [d.date().isoformat() for d in dates] == ["2027-01-29", "2027-02-26", "2027-03-26"]


def test_document_lines_are_links_with_titles_and_the_rest_is_named_by_line():
    text = "https://example.org/a.pdf Einladung\n\nhttp://example.org/b\nkein Link\nhttps://\n"
    links, problems = parse_documents(text)
    assert links == [("https://example.org/a.pdf", "Einladung"), ("http://example.org/b", "http://example.org/b")]
    assert problems == [4, 5]


def test_changes_name_only_fields_that_differ_and_empty_counts_as_unset():
    old = {"name": "AK Alt", "goals": "", "is_public": False, "sectors": []}
    new = {"name": "AK Neu", "goals": None, "is_public": True, "sectors": [], "website": ""}
    assert changes_between(old, new) == {"name": ["AK Alt", "AK Neu"], "is_public": [False, True]}


def test_a_new_record_lists_every_filled_field():
    assert changes_between({}, {"name": "AK Neu", "description": ""}) == {"name": [None, "AK Neu"]}
