"""Deadlines on China's statutory working-day calendar, the office's own year arrangements, and the other rules."""

import io
from datetime import date

import pytest
from django.core.management import call_command
from django.urls import reverse

from fupin.core.errors import UserError
from fupin.core.periods import Period
from fupin.reporting.calendar import WorkCalendar, arrangement_parse, calendar_year_enter
from fupin.reporting.deadlines import period_deadline, rule_deadline
from fupin.reporting.models import DeadlineRule
from fupin.reporting.rounds import round_open
from tests.factories import PASSWORD
from tests.reporting.processes import run

# The last working day of each month 2020–2026 under the State Council's arrangements (国务院办公厅关于部分节假日
# 安排的通知). Months whose answer differs from "the last weekday": 2020-01 (春节 from 24 Jan), 2022-01 (Sunday 30 Jan
# a working day), 2023-09 (中秋国庆 from 29 Sep), 2025-01 (春节 from 28 Jan), 2026-02 (Saturday 28 Feb a working day).
STATUTORY_DEADLINES = """
2020-01-23 2020-02-28 2020-03-31 2020-04-30 2020-05-29 2020-06-30 2020-07-31 2020-08-31 2020-09-30 2020-10-30 2020-11-30 2020-12-31
2021-01-29 2021-02-26 2021-03-31 2021-04-30 2021-05-31 2021-06-30 2021-07-30 2021-08-31 2021-09-30 2021-10-29 2021-11-30 2021-12-31
2022-01-30 2022-02-28 2022-03-31 2022-04-29 2022-05-31 2022-06-30 2022-07-29 2022-08-31 2022-09-30 2022-10-31 2022-11-30 2022-12-30
2023-01-31 2023-02-28 2023-03-31 2023-04-28 2023-05-31 2023-06-30 2023-07-31 2023-08-31 2023-09-28 2023-10-31 2023-11-30 2023-12-29
2024-01-31 2024-02-29 2024-03-29 2024-04-30 2024-05-31 2024-06-28 2024-07-31 2024-08-30 2024-09-30 2024-10-31 2024-11-29 2024-12-31
2025-01-27 2025-02-28 2025-03-31 2025-04-30 2025-05-30 2025-06-30 2025-07-31 2025-08-29 2025-09-30 2025-10-31 2025-11-28 2025-12-31
2026-01-30 2026-02-28 2026-03-31 2026-04-30 2026-05-29 2026-06-30 2026-07-31 2026-08-31 2026-09-30 2026-10-30 2026-11-30 2026-12-31
""".split()

# 2027 as the office would type it from the State Council's notice (these dates are an example arrangement).
ARRANGEMENT_2027 = """
# 国务院办公厅关于2027年部分节假日安排的通知
元旦 2027-01-01 放假
春节：2027-02-05~2027-02-11 放假
春节 2027-01-30 上班
春节 2027-02-20 上班
劳动节 5月1日至5月5日 放假
国庆节 2027-10-01~2027-10-07 放假
国庆节 2027-09-26 上班
2027-04-30 上班
"""


def cli(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("calendar", *args, stdout=out, stderr=err)
    return out.getvalue().strip(), err.getvalue().strip()


@pytest.mark.django_db
def test_every_month_2020_to_2026_is_due_on_its_statutory_last_working_day():
    calendar = WorkCalendar()
    months = [Period.parse(f"{y}-{m:02d}") for y in range(2020, 2027) for m in range(1, 13)]
    deadlines = [period_deadline(month, calendar) for month in months]
    assert [d.day.isoformat() for d in deadlines] == STATUTORY_DEADLINES
    assert [d.rule for d in deadlines] == [DeadlineRule.LAST_WORKDAY] * 84
    assert calendar.warnings == [] and all(d.warnings == [] for d in deadlines)


@pytest.mark.django_db
def test_working_days_are_counted_as_the_package_says_for_every_year_it_knows():
    """The count of working days between two dates reads the package's tables itself (its own is_workday checks
    the year against every holiday on each call): every year the package knows, day by day, against is_workday."""
    import chinese_calendar

    calendar = WorkCalendar()
    years = range(min(chinese_calendar.holidays).year, max(chinese_calendar.holidays).year + 1)
    for year in years:
        start, end = date(year, 1, 1).toordinal(), date(year, 12, 31).toordinal()
        expected = [o for o in range(start, end + 1) if chinese_calendar.is_workday(date.fromordinal(o))]
        counted = [calendar.workdays_between(date.fromordinal(o - 1), date.fromordinal(o)) for o in
                   range(start, end + 1)]
        assert [o for o, n in zip(range(start, end + 1), counted, strict=True) if n] == expected, year
    assert calendar.workdays_between(date(years[0], 1, 1), date(years[-1], 12, 31)) == sum(
        chinese_calendar.is_workday(date.fromordinal(o)) for o in
        range(date(years[0], 1, 2).toordinal(), date(years[-1], 12, 31).toordinal() + 1))


@pytest.mark.django_db
@pytest.mark.parametrize("period, deadline", [
    ("2020-01", "2020-01-23"),  # 春节 began on Friday 24 January
    ("2025-01", "2025-01-27"),  # 春节 began on Tuesday 28 January
    ("2026-02", "2026-02-28"),  # a Saturday made a working day (调休上班)
    ("2020-10", "2020-10-30"),
])
def test_the_calendar_command_prints_the_deadline(period, deadline):
    assert cli("deadline", period) == (deadline, "")


def test_the_fupin_command_prints_just_the_date(database_env):
    """Through the console script, as a shell script would use it: the date alone on stdout, warnings on stderr."""
    run(database_env, "init")
    october = run(database_env, "calendar", "deadline", "2020-10")
    assert (october.stdout, october.stderr) == ("2020-10-30\n", "")
    fallback = run(database_env, "calendar", "deadline", "2027-04")
    assert fallback.stdout == "2027-04-30\n" and fallback.stderr.startswith("警告：2027年的法定节假日安排尚未录入")


@pytest.mark.django_db
def test_2027_falls_back_to_weekends_with_a_warning_until_its_arrangement_is_entered(tmp_path):
    out, err = cli("deadline", "2027-04")
    assert out == "2027-04-30" and "2027年的法定节假日安排尚未录入" in err
    assert cli("deadline", "2027-01")[0] == "2027-01-29"
    source = tmp_path / "2027.txt"
    source.write_text(ARRANGEMENT_2027, encoding="utf-8")
    entered, _ = cli("enter", "2027", str(source))
    assert "已录入2027年节假日安排" in entered
    # Saturday 30 January is now a working day (调休): January's deadline moves from Friday the 29th to it,
    # and no warning is left.
    assert cli("deadline", "2027-01") == ("2027-01-30", "")
    assert cli("deadline", "2027-09")[0] == "2027-09-30"
    assert cli("deadline", "2027-02") == ("2027-02-26", "")


@pytest.mark.django_db
def test_entering_an_arrangement_again_replaces_it_and_history_keeps_the_first():
    calendar_year_enter(year=2027, text="春节 2027-01-30 上班", by=None)
    assert WorkCalendar().last_workday_of_month(2027, 1) == date(2027, 1, 30)
    entry = calendar_year_enter(year=2027, text="元旦 2027-01-01 放假", by=None)
    assert WorkCalendar().last_workday_of_month(2027, 1) == date(2027, 1, 29)
    assert entry.history.count() == 2


@pytest.mark.parametrize("text, message", [
    ("春节 二月六日 放假", "第1行“春节 二月六日 放假”无法识别"),
    ("\n春节 2027-02-30 放假", "第2行的日期“2027-02-30”不是有效日期"),
    ("元旦 2026-12-31 放假", "第1行的日期 2026-12-31 不在2027年内"),
    ("春节 2027-02-11~2027-02-05 放假", "第1行的日期范围起止颠倒"),
    ("春节 2027-02-05 放假\n调休 2027-02-05 上班", "第2行的日期 2027-02-05 已在前面出现过"),
    ("# 只有注释", "没有录入任何日期"),
])
def test_a_malformed_arrangement_is_refused_naming_the_line(text, message):
    with pytest.raises(UserError, match=message):
        arrangement_parse(year=2027, text=text)


@pytest.mark.django_db
def test_an_arrangement_file_with_an_error_stores_nothing_and_says_where(tmp_path):
    source = tmp_path / "bad.txt"
    source.write_text("元旦 2027-01-01 放假\n春节 2027-13-01 放假\n", encoding="utf-8")
    with pytest.raises(UserError, match=r"bad\.txt：第2行的日期“2027-13-01”不是有效日期"):
        cli("enter", "2027", str(source))
    assert WorkCalendar().source(2027) == "weekends"


@pytest.mark.django_db
def test_the_other_rules_nth_working_day_after_month_end_and_a_fixed_date():
    october = Period.parse("2020-10")
    # After 31 Oct 2020 (Saturday): Mon 2, Tue 3, Wed 4, Thu 5, Fri 6 November.
    assert rule_deadline(october, DeadlineRule.WORKDAYS_AFTER, workdays_after=5) == date(2020, 11, 6)
    # After 31 Jan 2025 (inside 春节, which ran to 4 Feb): Wed 5, Thu 6, Fri 7, Sat 8 (调休上班).
    assert rule_deadline(Period.parse("2025-01"), DeadlineRule.WORKDAYS_AFTER, workdays_after=4) == date(2025, 2, 8)
    assert cli("deadline", "2020-10", "--rule", "workdays_after", "--n", "5")[0] == "2020-11-06"
    assert cli("deadline", "2020-10", "--rule", "fixed", "--date", "2020-10-16")[0] == "2020-10-16"
    with pytest.raises(UserError, match="需要给出N"):
        rule_deadline(october, DeadlineRule.WORKDAYS_AFTER)


@pytest.mark.django_db
def test_a_round_the_office_opened_sets_the_deadline_of_its_period():
    period = Period.parse("2020-01:2020-10")
    assert period_deadline(period).day == date(2020, 10, 30)
    round_open(period=period, by=None, rule=DeadlineRule.FIXED, fixed_date=date(2020, 10, 16))
    assert period_deadline(period).day == date(2020, 10, 16)
    assert cli("deadline", "2020-01:2020-10")[0] == "2020-10-16"
    assert cli("deadline", "2020-10")[0] == "2020-10-30"


def test_the_seed_round_closes_on_16_october(seeded):
    assert cli("deadline", "2020-01:2020-10")[0] == "2020-10-16"


@pytest.mark.django_db
def test_a_bad_date_on_the_command_line_is_explained():
    with pytest.raises(UserError, match="日期格式不正确"):
        cli("deadline", "2020-10", "--rule", "fixed", "--date", "10月16日")


def test_the_office_enters_2027_on_the_calendar_page(personas, client):
    assert client.login(username=personas.admin.username, password=PASSWORD)
    page = client.get(reverse("reporting:calendar") + "?year=2027").content.decode()
    assert "2027年的法定节假日安排尚未录入" in page
    bad = client.post(reverse("reporting:calendar_year", args=[2027]), {"text": "春节 2027-02-30 放假"})
    assert bad.status_code == 200 and "第1行的日期“2027-02-30”不是有效日期" in bad.content.decode()
    response = client.post(reverse("reporting:calendar_year", args=[2027]), {"text": ARRANGEMENT_2027})
    assert response.status_code == 302
    page = client.get(reverse("reporting:calendar") + "?year=2027").content.decode()
    assert "尚未录入" not in page and "2027年1月30日" in page


def test_only_the_office_enters_a_year(personas, client):
    assert client.login(username=personas.reporter.username, password=PASSWORD)
    assert client.post(reverse("reporting:calendar_year", args=[2027]), {"text": "元旦 2027-01-01 放假"}
                       ).status_code == 403
    assert WorkCalendar().source(2027) == "weekends"
