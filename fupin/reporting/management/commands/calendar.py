"""fupin calendar deadline 2020-10 | fupin calendar show 2027 | fupin calendar enter 2027 FILE"""

import sys
from datetime import date
from pathlib import Path

from fupin.core.commands import FupinCommand
from fupin.core.errors import UserError
from fupin.core.periods import Period
from fupin.reporting.calendar import SOURCE_LABELS, WorkCalendar, calendar_year_enter
from fupin.reporting.deadlines import round_deadline, round_for
from fupin.reporting.models import DeadlineRule, Round
from fupin.units.people import system_user

BAD_DATE = "日期格式不正确：“{text}”，应为 YYYY-MM-DD，例如 2020-10-16"


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UserError(BAD_DATE.format(text=text)) from None


class Command(FupinCommand):
    help = "工作日日历与截止日期：deadline 期间 | show 年份 | enter 年份 文件（录入国务院节假日安排）"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="操作", title="操作")
        deadline = sub.add_parser("deadline", help="打印期间的截止日期（YYYY-MM-DD）")
        deadline.add_argument("period", help="期间，YYYY-MM 或 YYYY-MM:YYYY-MM")
        deadline.add_argument("--rule", choices=[r.value for r in DeadlineRule],
                              help="截止规则；缺省用市总为该期间设置的轮次，没有则为当月最后一个工作日")
        deadline.add_argument("--n", type=int, help="规则 workdays_after：月末后第几个工作日；"
                                                    "规则 day_of_month：每月第几日（遇休息日提前）")
        deadline.add_argument("--date", help="规则 fixed：指定的截止日期 YYYY-MM-DD")
        show = sub.add_parser("show", help="列出一年各月的截止日期和日历来源")
        show.add_argument("year", type=int)
        enter = sub.add_parser("enter", help="录入一年的节假日安排（文件为国务院通知原文，或每行“名称 日期 放假/上班”；- 表示标准输入）")
        enter.add_argument("year", type=int)
        enter.add_argument("file")

    def handle(self, *args, **options):
        getattr(self, f"_{options['action']}")(options)

    def _warn(self, calendar: WorkCalendar) -> None:
        for warning in calendar.warnings:
            self.stderr.write(f"警告：{warning}")

    def _deadline(self, options) -> None:
        period = Period.parse(options["period"])
        round_ = round_for(period)
        if options["rule"]:
            round_ = Round(first_month=period.first, last_month=period.last, rule=options["rule"],
                           workdays_after=options["n"], day_of_month=options["n"],
                           fixed_date=_date(options["date"]) if options["date"] else None)
        calendar = WorkCalendar()
        deadline = round_deadline(round_, calendar)
        self._warn(calendar)
        self.stdout.write(deadline.day.isoformat())

    def _show(self, options) -> None:
        year, calendar = options["year"], WorkCalendar()
        self.stdout.write(f"{year}年：{SOURCE_LABELS[calendar.source(year)]}")
        for month in range(1, 13):
            self.stdout.write(f"{year}-{month:02d}\t{calendar.last_workday_of_month(year, month).isoformat()}")
        self._warn(calendar)

    def _enter(self, options) -> None:
        name = options["file"]
        try:
            text = sys.stdin.read() if name == "-" else Path(name).read_text(encoding="utf-8")
        except OSError as exc:
            raise UserError(f"无法读取文件 {name}：{exc.strerror}") from None
        except UnicodeDecodeError:
            raise UserError(f"文件 {name} 不是 UTF-8 文本") from None
        try:
            entry = calendar_year_enter(year=options["year"], text=text, by=system_user())
        except UserError as exc:
            raise UserError(f"{name}：{exc.message}") from None
        self.stdout.write(f"已录入{entry.year}年节假日安排：{entry.days.count()}天"
                          f"（放假{entry.days.filter(is_workday=False).count()}天，"
                          f"调休上班{entry.days.filter(is_workday=True).count()}天）。")
