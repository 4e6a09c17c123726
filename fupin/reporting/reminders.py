"""催报: the office's log of calls and messages, and the reminder mails the system sends itself.

`reminders_send` is what cron runs (through `fupin remind`). It is safe to run as often as one likes: a unit
gets at most one mail a day, guaranteed by a unique row per unit and day that is written before the mail goes.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from fupin.core.errors import UserError
from fupin.core.periods import Period, date_cn
from fupin.reporting.calendar import WorkCalendar
from fupin.reporting.deadlines import round_deadline, round_for
from fupin.reporting.models import Channel, Reminder, Round, Submission, period_name
from fupin.reporting.timeliness import REPORTED_STATUSES
from fupin.units.models import Membership, Role, Unit
from fupin.units.selectors import reporting_units, root_unit

MAIL_NOT_CONFIGURED = "未配置发送邮件的服务器：请设置环境变量 EMAIL_URL，例如 smtp://mail.example.com:25"
REMINDER_NEEDS_UNIT = "请选择被催报的单位"
WEEKDAYS = "一二三四五六日"


@dataclass
class Due:
    """A round a unit still owes, and where we stand against its deadline."""

    period: Period
    deadline: date
    workdays_left: int  # ≥ 0 before or on the deadline
    workdays_over: int  # ≥ 1 after it


@dataclass
class RemindResult:
    sent: list[tuple[Unit, list[str]]] = field(default_factory=list)
    already_today: list[Unit] = field(default_factory=list)
    no_address: list[Unit] = field(default_factory=list)
    failed: list[tuple[Unit, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    holiday: bool = False


def reminder_log(*, unit: Unit, period: Period, channel: str, by, to_whom: str = "", outcome: str = "",
                 at: datetime | None = None) -> Reminder:
    """The office records a call or a message: when, to whom, by whom, and what came of it."""
    reminder = Reminder(unit=unit, first_month=period.first, last_month=period.last, channel=channel,
                        to_whom=to_whom.strip(), outcome=outcome.strip(), by=by, at=at or timezone.now())
    reminder.full_clean()
    reminder.save()
    return reminder


def _candidate_rounds(today: date) -> list[Round]:
    """The office's rounds, plus this month's and last month's default rounds when the office opened none."""
    rounds = {r.period: r for r in Round.objects.filter(last_month__gte=today.replace(day=1) - timedelta(days=400))}
    this_month = today.replace(day=1)
    last_month = (this_month - timedelta(days=1)).replace(day=1)
    for month in (last_month, this_month):
        period = Period(month, month)
        rounds.setdefault(period, round_for(period))
    return list(rounds.values())


def reminders_due(*, today: date, calendar: WorkCalendar) -> dict[Unit, list[Due]]:
    """The units to remind today, with the rounds each still owes; nothing on a day off."""
    before, after = settings.FUPIN_REMIND_DAYS_BEFORE, settings.FUPIN_REMIND_DAYS_AFTER
    units = list(reporting_units())
    out: dict[Unit, list[Due]] = {}
    for round_ in _candidate_rounds(today):
        deadline = round_deadline(round_, calendar).day
        if today <= deadline:
            left = calendar.workdays_between(today, deadline)
            if left > before:
                continue
            due = Due(round_.period, deadline, left, 0)
        else:
            over = calendar.workdays_between(deadline, today)
            if over > after:
                continue
            due = Due(round_.period, deadline, 0, over)
        reported = set(Submission.objects.filter(first_month=round_.first_month, last_month=round_.last_month,
                                                 status__in=REPORTED_STATUSES).values_list("unit_id", flat=True))
        for unit in units:
            if unit.pk not in reported:
                out.setdefault(unit, []).append(due)
    return out


def unit_addresses(unit: Unit) -> list[str]:
    """The unit's contact address and its reporters' and approvers' addresses."""
    addresses = [unit.email] if unit.email else []
    people = (Membership.objects.filter(unit=unit, role__in=(Role.REPORTER, Role.APPROVER), user__is_active=True)
              .exclude(user__email="").values_list("user__email", flat=True))
    for address in people:
        if address not in addresses:
            addresses.append(address)
    return addresses


def reminder_mail(unit: Unit, dues: list[Due], today: date) -> tuple[str, str]:
    """Subject and body, in Chinese, naming the unit, each period and its deadline."""
    first = dues[0]
    what = "、".join(period_name(d.period) for d in dues)
    subject = f"【催报】{unit.display_name}：{what}消费扶贫统计截止日期{date_cn(first.deadline)}，贵单位尚未上报"
    root = root_unit()
    lines = [f"{unit.name}：", ""]
    for due in dues:
        when = f"{date_cn(due.deadline)}（星期{WEEKDAYS[due.deadline.weekday()]}）"
        if due.workdays_over:
            state = f"已过截止日期{due.workdays_over}个工作日，请尽快补报"
        elif due.workdays_left == 0:
            state = "今天是截止日，请在今天内上报"
        else:
            state = f"距截止还有{due.workdays_left}个工作日"
        link = settings.FUPIN_SITE_URL.rstrip("/") + reverse(
            "reporting:submission", kwargs={"unit_id": unit.pk, "period": str(due.period)})
        lines += [f"    {period_name(due.period)}消费扶贫统计的报送截止日期是{when}，贵单位尚未上报，{state}。",
                  f"    填报地址：{link}", ""]
    lines += ["    如本期确无消费扶贫采购，请报送零报告（本期无消费扶贫采购），零报告与未报不同。",
              "    截止日后仍可上报，系统将注明逾期的工作日数。", "",
              f"{root.name if root else ''}扶贫办", date_cn(today), "",
              "（本邮件由消费帮扶统计系统自动发送，每个单位每天至多一封。）"]
    return subject, "\n".join(lines)


def reminders_send(*, by=None) -> RemindResult:
    """Mail every unit that still owes a round due soon (or overdue), once a day at most."""
    backend = getattr(settings, "FUPIN_EMAIL_BACKEND", None)
    if not backend:
        raise UserError(MAIL_NOT_CONFIGURED)
    today = timezone.localdate()
    calendar = WorkCalendar()
    result = RemindResult()
    if not calendar.is_workday(today):
        result.holiday, result.warnings = True, calendar.warnings
        return result
    due = reminders_due(today=today, calendar=calendar)
    result.warnings = calendar.warnings
    if not due:
        return result
    connection = get_connection(backend=backend, fail_silently=False)
    for unit, dues in due.items():
        addresses = unit_addresses(unit)
        if not addresses:
            result.no_address.append(unit)
            continue
        reminder = _reserve(unit, dues[0].period, addresses, today, by)
        if reminder is None:
            result.already_today.append(unit)
            continue
        subject, body = reminder_mail(unit, dues, today)
        try:
            EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, addresses, connection=connection).send()
        except Exception as exc:  # noqa: BLE001 — a bad address or server must not stop the other units' mails
            Reminder.objects.filter(pk=reminder.pk).update(mail_day=None, failed=True, outcome=f"发送失败：{exc}"[:500])
            result.failed.append((unit, str(exc)))
            continue
        Reminder.objects.filter(pk=reminder.pk).update(outcome="邮件已发送")
        # The other rounds in the same mail count as reminded too.
        for extra in dues[1:]:
            Reminder.objects.create(unit=unit, first_month=extra.period.first, last_month=extra.period.last,
                                    at=reminder.at, channel=Channel.EMAIL, to_whom=reminder.to_whom, by=by,
                                    outcome="邮件已发送（与其他期间合并）", automatic=True)
        result.sent.append((unit, addresses))
    connection.close()
    return result


def _reserve(unit: Unit, period: Period, addresses: list[str], today: date, by) -> Reminder | None:
    """Claim today's mail for the unit before sending; a second run (or a parallel one) finds it taken."""
    try:
        with transaction.atomic():
            return Reminder.objects.create(
                unit=unit, first_month=period.first, last_month=period.last, at=timezone.now(),
                channel=Channel.EMAIL, to_whom="、".join(addresses), by=by, outcome="发送中", automatic=True,
                mail_day=today)
    except IntegrityError:
        return None
