"""China's working-day calendar: weekends, statutory holidays, and the weekend days made working days (调休).

Three sources, in this order for a year: the arrangement the office entered from the State Council's notice,
the chinesecalendar package, and — for a year neither knows — weekends only, with a warning.
"""

import re
from bisect import bisect_right
from datetime import date, timedelta
from functools import cache

import chinese_calendar
from django.db import transaction

from fupin.core.errors import UserError
from fupin.reporting.models import CalendarDay, CalendarYear

SOURCE_OFFICE = "office"
SOURCE_PACKAGE = "package"
SOURCE_WEEKENDS = "weekends"
SOURCE_LABELS = {SOURCE_OFFICE: "市总录入的国务院安排", SOURCE_PACKAGE: "内置法定节假日数据",
                 SOURCE_WEEKENDS: "仅按周末计算"}

FALLBACK_WARNING = ("{year}年的法定节假日安排尚未录入，暂按仅周末休息计算；"
                    "请在“节假日安排”中按国务院通知录入（或运行 fupin calendar enter {year} 文件）")

ARRANGEMENT_BAD_LINE = "第{line}行“{text}”无法识别：应为“名称 日期 放假”或“名称 日期 上班”，日期写作 {year}-02-06 或 {year}-02-06~{year}-02-13"
ARRANGEMENT_BAD_DATE = "第{line}行的日期“{text}”不是有效日期"
ARRANGEMENT_WRONG_YEAR = "第{line}行的日期 {day} 不在{year}年内"
ARRANGEMENT_RANGE_REVERSED = "第{line}行的日期范围起止颠倒：{text}"
ARRANGEMENT_TWICE = "第{line}行的日期 {day} 已在前面出现过"
ARRANGEMENT_EMPTY = "没有录入任何日期：请按国务院通知逐行写出放假和调休上班的日期"
YEAR_OUT_OF_RANGE = "年份 {year} 不在 2000—2100 之间"

_DATE = r"(?:\d{4}\s*[-/.年]\s*)?\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?"
_LINE = re.compile(rf"^(?P<name>.*?)\s*(?P<first>{_DATE})(?:\s*(?:~|～|至|到|—|--|-)\s*(?P<last>{_DATE}))?"
                   rf"\s*[:：,，]?\s*(?P<kind>放假|休息|休|上班|班)\s*(?P<tail>.*)$")
_DATE_PARTS = re.compile(r"^(?:(\d{4})\s*[-/.年]\s*)?(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


def _workday_ordinals(year: int, is_workday) -> tuple[int, ...]:
    """The year's working days as ordinals, in order (to count them between two dates with bisect)."""
    first = date(year, 1, 1).toordinal()
    return tuple(o for o in range(first, date(year, 12, 31).toordinal() + 1) if is_workday(date.fromordinal(o)))


@cache
def _package_workdays(year: int) -> tuple[int, ...]:
    """The package's data never changes while we run: work its years out once per process."""
    return _workday_ordinals(year, chinese_calendar.is_workday)


def package_knows(year: int) -> bool:
    try:
        chinese_calendar.is_workday(date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


class WorkCalendar:
    """Answers "is this a working day" for any date; remembers which years fell back to weekends only."""

    def __init__(self):
        self._office: dict[int, dict[date, bool]] = {}
        for year, day, is_workday in CalendarDay.objects.values_list("year__year", "day", "is_workday"):
            self._office.setdefault(year, {})[day] = is_workday
        for year in CalendarYear.objects.values_list("year", flat=True):
            self._office.setdefault(year, {})
        self._known: dict[int, bool] = {}
        self._workdays: dict[int, tuple[int, ...]] = {}
        self.fallback_years: set[int] = set()

    def source(self, year: int) -> str:
        if year in self._office:
            return SOURCE_OFFICE
        if year not in self._known:
            self._known[year] = package_knows(year)
        return SOURCE_PACKAGE if self._known[year] else SOURCE_WEEKENDS

    def is_workday(self, day: date) -> bool:
        source = self.source(day.year)
        if source == SOURCE_OFFICE:
            return self._office[day.year].get(day, day.weekday() < 5)
        if source == SOURCE_PACKAGE:
            return chinese_calendar.is_workday(day)
        self.fallback_years.add(day.year)
        return day.weekday() < 5

    @property
    def warnings(self) -> list[str]:
        return [FALLBACK_WARNING.format(year=y) for y in sorted(self.fallback_years)]

    def last_workday_of_month(self, year: int, month: int) -> date:
        return self.workday_on_or_before(month_end(year, month))

    def workday_on_or_before(self, day: date) -> date:
        while not self.is_workday(day):
            day -= timedelta(days=1)
        return day

    def nth_workday_after(self, day: date, n: int) -> date:
        """The n-th working day strictly after `day` (n ≥ 1)."""
        count = 0
        while count < max(n, 1):
            day += timedelta(days=1)
            count += self.is_workday(day)
        return day

    def workdays_between(self, after: date, until: date) -> int:
        """Working days d with after < d ≤ until (a late report may come years after its round)."""
        count = 0
        for year in range(after.year, until.year + 1):
            days = self._year_workdays(year)
            count += bisect_right(days, until.toordinal()) - bisect_right(days, after.toordinal())
        return max(count, 0)

    def _year_workdays(self, year: int) -> tuple[int, ...]:
        if year not in self._workdays:
            self._workdays[year] = (_package_workdays(year) if self.source(year) == SOURCE_PACKAGE
                                    else _workday_ordinals(year, self.is_workday))
        return self._workdays[year]


def month_end(year: int, month: int) -> date:
    first_next = date(year + month // 12, month % 12 + 1, 1)
    return first_next - timedelta(days=1)


def _parse_day(text: str, year: int, line: int) -> date:
    text = text.strip()
    match = _DATE_PARTS.match(text.strip())
    if not match:
        raise UserError(ARRANGEMENT_BAD_DATE.format(line=line, text=text))
    try:
        day = date(int(match.group(1) or year), int(match.group(2)), int(match.group(3)))
    except ValueError:
        raise UserError(ARRANGEMENT_BAD_DATE.format(line=line, text=text)) from None
    if day.year != year:
        raise UserError(ARRANGEMENT_WRONG_YEAR.format(line=line, day=day.isoformat(), year=year))
    return day


def arrangement_parse(*, year: int, text: str) -> list[tuple[date, bool, str]]:
    """Lines such as “春节 2027-02-06~2027-02-13 放假” and “春节 2027-02-20 上班” → (day, is_workday, name)."""
    days: dict[date, tuple[bool, str]] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        match = _LINE.match(line)
        if not match:
            raise UserError(ARRANGEMENT_BAD_LINE.format(line=number, text=line, year=year))
        first = _parse_day(match.group("first"), year, number)
        last = _parse_day(match.group("last"), year, number) if match.group("last") else first
        if last < first:
            raise UserError(ARRANGEMENT_RANGE_REVERSED.format(line=number, text=line))
        is_workday = match.group("kind") in ("上班", "班")
        name = match.group("name").strip(" ：:,，") or match.group("tail").strip(" ：:,，（）()")
        day = first
        while day <= last:
            if day in days:
                raise UserError(ARRANGEMENT_TWICE.format(line=number, day=day.isoformat()))
            days[day] = (is_workday, name)
            day += timedelta(days=1)
    if not days:
        raise UserError(ARRANGEMENT_EMPTY)
    return [(day, w, n) for day, (w, n) in sorted(days.items())]


def calendar_year_enter(*, year: int, text: str, by) -> CalendarYear:
    """Store (or replace) a year's arrangement; the text as entered is kept, and the history keeps each version."""
    if not 2000 <= year <= 2100:
        raise UserError(YEAR_OUT_OF_RANGE.format(year=year))
    days = arrangement_parse(year=year, text=text)
    with transaction.atomic():
        entry = CalendarYear.objects.select_for_update().filter(year=year).first() or CalendarYear(year=year)
        entry.source_text = text.strip()
        entry.entered_by = by
        if by is not None:
            entry._history_user = by
        entry.save()
        entry.days.all().delete()
        CalendarDay.objects.bulk_create(
            [CalendarDay(year=entry, day=day, is_workday=w, name=name) for day, w, name in days])
    return entry
