"""fupin province ranking --period YYYY-MM[:YYYY-MM] [--format json|text]"""

import json

from django.utils import timezone

from fupin.core.commands import FupinCommand
from fupin.core.periods import Period
from fupin.province.ranking import ranking
from fupin.reporting.models import period_name


class Command(FupinCommand):
    help = "省级汇总：各市推送排名（合计、名次、按时/逾期/未推送、版本）"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="操作", title="操作")
        rank = sub.add_parser("ranking", help="某期各市推送排名")
        rank.add_argument("--period", required=True, help="期间，YYYY-MM 或 YYYY-MM:YYYY-MM")
        rank.add_argument("--format", choices=["text", "json"], default="text", help="输出格式（默认 text）")

    def handle(self, *args, **options):
        result = ranking(period=Period.parse(options["period"]))
        if options["format"] == "json":
            self.stdout.write(json.dumps(result.as_json(), ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"{period_name(result.period)}各市推送排名（截止{result.deadline:%Y-%m-%d}，{result.rule_label}）："
                          f"合计{result.total}万元，按时{result.on_time_count}、逾期{result.late_count}、"
                          f"未推送{result.missing_count}")
        for row in result.rows:
            late = f"，逾期{row.days_late}个工作日" if row.status == "late" else ""
            when = f"{timezone.localtime(row.first_received_at):%Y-%m-%d %H:%M}" if row.first_received_at else "—"
            self.stdout.write(f"{row.rank or '—'}\t{row.city.display_name}\t{row.total or '—'}\t{row.status_label}{late}"
                              f"\t首次收到 {when}\t第{row.version}版\t推送{row.pushes}次")
