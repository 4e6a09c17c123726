import json
from collections import Counter
from dataclasses import replace
from decimal import Decimal, InvalidOperation

from django.core.management.commands.check import Command as DjangoCheck

from fupin.core.commands import FupinCommand
from fupin.core.errors import UserError
from fupin.core.periods import Period
from fupin.quality.checks import findings_for_period
from fupin.quality.findings import distinct_findings
from fupin.quality.models import StaleReport
from fupin.quality.rules import Thresholds
from fupin.quality.stored import findings_stored

PERIOD_WITH_SYSTEM_OPTIONS = "--period 检查报表数据，不能与系统检查的选项（--deploy、--tag、应用名等）同用"


class Command(DjangoCheck, FupinCommand):
    """This command shadows Django's `check`: without --period it is that one, with all its options
    (--deploy, --tag, --database, --fail-level, app labels), parsed by Django's own add_arguments."""

    help = ("检查某期间各单位报表：错误（不能上报）、警告（须写上报说明）、提示。不给 --period 时是 Django 的系统检查"
            "（--deploy 检查生产环境配置）")

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--period", help="期间，YYYY-MM 或 YYYY-MM:YYYY-MM（不给则做 Django 的系统检查）")
        parser.add_argument("--json", action="store_true", help='输出 {"findings": [...]}')
        parser.add_argument("--outlier-z", help="金额异常的稳健 z 分数阈值（缺省 3.5）")

    def handle(self, *app_labels, **options):
        if not options["period"]:
            return super().handle(*app_labels, **options)
        if app_labels or options["deploy"] or options["tags"] or options["list_tags"]:
            raise UserError(PERIOD_WITH_SYSTEM_OPTIONS)
        period = Period.parse(options["period"])
        thresholds = Thresholds.from_settings()
        if options["outlier_z"]:
            try:
                thresholds = replace(thresholds, outlier_z=Decimal(options["outlier_z"]))
            except InvalidOperation:
                raise UserError(f"--outlier-z 应为数字，例如 3.5，而不是“{options['outlier_z']}”") from None
        # The stored findings, kept current at every write; on demand when a threshold is tried out, or when some
        # report's refresh did not run (then the stored ones may be behind: a rebuild repairs them).
        on_demand = options["outlier_z"] or StaleReport.objects.exists()
        findings = findings_for_period(period=period, thresholds=thresholds) if on_demand else findings_stored(period)
        if options["json"]:
            self.stdout.write(json.dumps({"findings": [f.as_json() for f in findings]}, ensure_ascii=False))
            return
        distinct = distinct_findings(findings)
        for f in distinct:
            self.write_out(f"{f.severity}\t{f.unit.display_name}\t{f.rule_name}\t{f.message}")
        counts = Counter(f.severity for f in distinct)
        self.write_out(f"共 {len(distinct)} 条：错误 {counts['错误']}，警告 {counts['警告']}，提示 {counts['提示']}")
