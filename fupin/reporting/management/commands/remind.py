"""fupin remind: mail the units that still owe a round due soon or overdue (run from cron; safe to rerun)."""

from django.utils import timezone

from fupin.core.commands import FupinCommand
from fupin.reporting.calendar import WorkCalendar
from fupin.reporting.models import period_name
from fupin.reporting.reminders import reminders_due, reminders_send
from fupin.units.people import system_user


class Command(FupinCommand):
    help = "发送催报邮件：截止前几个工作日起及逾期后，每个未报单位每天至多一封（可由 cron 定时运行，重复运行无妨）"

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="只列出今天应催报的单位，不发邮件")

    def handle(self, *args, **options):
        if options["dry_run"]:
            calendar = WorkCalendar()
            today = timezone.localdate()
            if not calendar.is_workday(today):
                self.stdout.write("今天不是工作日，不发催报邮件。")
                return
            for unit, dues in reminders_due(today=today, calendar=calendar).items():
                self.stdout.write(f"{unit.display_name}\t" + "、".join(period_name(d.period) for d in dues))
            return
        result = reminders_send(by=system_user())
        for warning in result.warnings:
            self.stderr.write(f"警告：{warning}")
        if result.holiday:
            self.stdout.write("今天不是工作日，不发催报邮件。")
            return
        for unit, addresses in result.sent:
            self.stdout.write(f"已发送：{unit.display_name} → {'、'.join(addresses)}")
        for unit in result.already_today:
            self.stdout.write(f"今天已发过：{unit.display_name}")
        for unit in result.no_address:
            self.stdout.write(f"无邮箱，未发送：{unit.display_name}（请在单位或填报员资料中填写邮箱）")
        for unit, error in result.failed:
            self.stderr.write(f"发送失败：{unit.display_name}：{error}")
        self.stdout.write(f"催报邮件：发送{len(result.sent)}封，今天已发过{len(result.already_today)}个单位，"
                          f"无邮箱{len(result.no_address)}个，失败{len(result.failed)}个。")
