"""China's working-day calendar: weekends, statutory holidays, and the weekend days made working days (调休).

Three sources, in this order for a year: the arrangement the office entered from the State Council's notice,
the chinesecalendar package, and — for a year neither knows — weekends only, with a warning.
"""

import re
import threading
import unicodedata
from bisect import bisect_right
from datetime import date, timedelta
from functools import cache

import chinese_calendar
from django.db import connection, transaction

from fupin.core.errors import UserError
from fupin.reporting.models import CalendarDay, CalendarYear

SOURCE_OFFICE = "office"
SOURCE_PACKAGE = "package"
SOURCE_WEEKENDS = "weekends"
SOURCE_LABELS = {SOURCE_OFFICE: "市总录入的国务院安排", SOURCE_PACKAGE: "内置法定节假日数据",
                 SOURCE_WEEKENDS: "仅按周末计算"}

FALLBACK_WARNING = ("{year}年的法定节假日安排尚未录入，暂按仅周末休息计算；"
                    "请在“节假日安排”中按国务院通知录入（或运行 fupin calendar enter {year} 文件）")

ARRANGEMENT_BAD_LINE = ("第{line}行“{text}”无法识别：日期请用阿拉伯数字，按国务院通知的写法，如“春节：{year}年2月6日至13日"
                        "放假调休，共8天。2月14日、2月20日上班。”，或每行“名称 日期 放假/上班”，如“春节 {year}-02-06~{year}-02-13 放假”")
ARRANGEMENT_NO_KIND = "第{line}行“{text}”没有写明这些日期是放假还是上班：请在日期后写“放假”或“上班”"
ARRANGEMENT_BAD_DATE = "第{line}行的日期“{text}”不是有效日期"
ARRANGEMENT_WRONG_YEAR = "第{line}行的日期 {day} 不在{year}年内"
ARRANGEMENT_RANGE_REVERSED = "第{line}行的日期范围起止颠倒：{text}"
ARRANGEMENT_TWICE = "第{line}行的日期 {day} 已在前面出现过"
ARRANGEMENT_EMPTY = "没有录入任何日期：请按国务院通知逐行写出放假和调休上班的日期"
YEAR_OUT_OF_RANGE = "年份 {year} 不在 2000—2100 之间"

def _workday_ordinals(year: int, is_workday) -> tuple[int, ...]:
    """The year's working days as ordinals, in order (to count them between two dates with bisect)."""
    first = date(year, 1, 1).toordinal()
    return tuple(o for o in range(first, date(year, 12, 31).toordinal() + 1) if is_workday(date.fromordinal(o)))


@cache
def _package_workdays(year: int) -> tuple[int, ...]:
    """The package's data never changes while we run: work its years out once per process. Its is_workday checks
    the year against every holiday it knows on each call (7 ms a year, met inside a submission's transaction):
    the year is checked once here, then each day looked up in its two tables as is_workday does."""
    chinese_calendar.is_workday(date(year, 1, 1))  # NotImplementedError for a year it does not know
    made_working, off = chinese_calendar.workdays, chinese_calendar.holidays
    return _workday_ordinals(year, lambda day: day in made_working or (day.weekday() <= 4 and day not in off))


def package_knows(year: int) -> bool:
    try:
        chinese_calendar.is_workday(date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


_current: dict[str, tuple[tuple, "WorkCalendar"]] = {}
_current_lock = threading.Lock()


def _calendar_version() -> tuple:
    """The office's arrangements as they stand: the newest audit row of the years (every entry saves its year) and
    the days' count and highest id, in one query, so a change in any process is seen."""
    quote = connection.ops.quote_name
    history = CalendarYear.history.model._meta
    years, days = quote(history.db_table), quote(CalendarDay._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT (SELECT MAX({quote(history.pk.column)}) FROM {years}), "
                       f"(SELECT MAX({quote(history.get_field('history_date').column)}) FROM {years}), "
                       f"(SELECT COUNT(*) FROM {days}), (SELECT MAX(id) FROM {days})")
        return (connection.alias, *cursor.fetchone())


def calendar_current() -> "WorkCalendar":
    """A calendar kept by the process (submitting a report asks it for the deadline), built again when the office
    changed an arrangement. Only for answers about days: its `fallback_years` gathers every caller's years."""
    version = _calendar_version()
    with _current_lock:
        kept = _current.get("calendar")
    if kept is not None and kept[0] == version:
        return kept[1]
    calendar = WorkCalendar()
    with _current_lock:
        _current["calendar"] = (version, calendar)
    return calendar


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


# The notice's wording (国务院办公厅关于部分节假日安排的通知) and the short form “春节 2027-02-06~2027-02-13 放假”:
# dates and the words 放假 / 上班 in the order written; each word applies to the dates since the one before.
_MARKER = re.compile(r"^\s*(?:[一二三四五六七八九十]+\s*[、.．]|[（(][一二三四五六七八九十\d]+[）)]|\d{1,2}\s*[、．](?!\d))\s*")
_ASIDE = re.compile(r"[（(][^（）()]*[）)]")  # （周六）（农历除夕、周二）, and 除夕（2月9日）, which is no holiday
_TOKEN = re.compile(r"""
    (?P<iso>(?P<iy>\d{4})\s*[-/.]\s*(?P<im>\d{1,2})\s*[-/.]\s*(?P<id>\d{1,2}))
  | (?P<cn>(?:(?P<cy>\d{4})\s*年\s*)?(?:(?P<cm>\d{1,2})\s*月\s*)?(?P<cd>\d{1,2})\s*日)
  | (?P<md>(?P<mm>\d{1,2})\s*[-/.月]\s*(?P<mdd>\d{1,2}))
  | (?P<kind>补班|上班|放假|休假|休息|休|班)
""", re.X)
_DATE_LIKE = re.compile(r"[\d〇零一二三四五六七八九十两廿卅]\s*[月日]")  # a date, read or not
_RANGE_GAP = re.compile(r"起?\s*(?:至|到|~|～|—+|－|-+|–)\s*")
_LIST_GAP = re.compile(r"[、，,和及与\s]*")
_WORKING = ("补班", "上班", "班")
_NAME_TRIM = " ：:,，、。;；"


def _token_day(match: re.Match, context: date, year: int, line: int) -> date:
    """A date token; a year or month left out is the one written before it on the line (至13日, 2月14日)."""
    if match.group("iso"):
        parts = match.group("iy"), match.group("im"), match.group("id")
    elif match.group("cn"):
        parts = match.group("cy"), match.group("cm"), match.group("cd")
    else:
        parts = None, match.group("mm"), match.group("mdd")
    y, m, d = (int(parts[0]) if parts[0] else context.year, int(parts[1]) if parts[1] else context.month,
               int(parts[2]))
    try:
        return date(y, m, d)
    except ValueError:
        raise UserError(ARRANGEMENT_BAD_DATE.format(line=line, text=match.group(0).strip())) from None


def _line_items(text: str, *, year: int, line: int) -> tuple[str, list[tuple[date, date, bool]]] | None:
    """(name, [(first, last, is_workday)]) of one line, or None for the notice's prose (no date in it)."""
    shown = text.strip()
    body = _ASIDE.sub("", _MARKER.sub("", unicodedata.normalize("NFKC", shown), count=1))
    items, pending, previous, context = [], [], None, date(year, 1, 1)
    covered = [False] * len(body)
    for match in _TOKEN.finditer(body):
        if match.group("kind"):
            items += [(first, last, match.group("kind") in _WORKING) for first, last in pending]
            pending, previous = [], None
            continue
        day = _token_day(match, context, year, line)
        context = day
        for i in range(match.start(), match.end()):
            covered[i] = True
        gap = body[previous.end():match.start()] if previous else None
        if gap is not None and _RANGE_GAP.fullmatch(gap):
            first = pending[-1][0]
            if day < first:
                raise UserError(ARRANGEMENT_RANGE_REVERSED.format(line=line, text=shown))
            pending[-1] = (first, day)
        elif gap is None or _LIST_GAP.fullmatch(gap):
            pending.append((day, day))
        else:
            raise UserError(ARRANGEMENT_BAD_LINE.format(line=line, text=shown, year=year))
        previous = match
    unread = [m for m in _DATE_LIKE.finditer(body) if not covered[m.end() - 1]]
    if unread:
        raise UserError(ARRANGEMENT_BAD_LINE.format(line=line, text=shown, year=year))
    if pending:
        if not items and not _TOKEN.sub("", body).strip(_NAME_TRIM):
            return None  # the notice's date of issue, on a line of its own
        raise UserError(ARRANGEMENT_NO_KIND.format(line=line, text=shown))
    if not items:
        if _TOKEN.search(body) and not re.search(r"[。，,]", body) and re.search(r"放假|上班|补班", body):
            raise UserError(ARRANGEMENT_BAD_LINE.format(line=line, text=shown, year=year))
        return None
    first_token = _TOKEN.search(body)
    name = body[:first_token.start()].strip(_NAME_TRIM) if first_token else ""
    return name, items


def _in_year(first: date, last: date, year: int, line: int) -> tuple[date, date]:
    """A range that runs over New Year (元旦 2022年12月31日至2023年1月2日) keeps its days within the year."""
    if last.year < year or first.year > year:
        raise UserError(ARRANGEMENT_WRONG_YEAR.format(line=line, day=first.isoformat(), year=year))
    return max(first, date(year, 1, 1)), min(last, date(year, 12, 31))


def arrangement_parse(*, year: int, text: str) -> list[tuple[date, bool, str]]:
    """The notice as published, or lines such as “春节 2027-02-06~2027-02-13 放假” → (day, is_workday, name).
    A line without a name of its own (the 上班 days pasted on the next line) carries on the item above it."""
    days: dict[date, tuple[bool, str]] = {}
    name = ""
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        found = _line_items(line, year=year, line=number)
        if found is None:
            continue
        name = found[0] or name
        for first, last, is_workday in found[1]:
            day, last = _in_year(first, last, year, number)
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
