"""fupin findings rebuild [--period P]: compute the review queue's stored items again (a repair, or after the
office changed the channel list, the non-consumption words or the thresholds)."""

import sys

from tqdm import tqdm

from fupin.core.commands import FupinCommand
from fupin.core.periods import Period
from fupin.quality.stored import items_rebuild, units_to_rebuild


class Command(FupinCommand):
    help = "审核队列中保存的发现：rebuild 按现行规则重新检查全部（或某期间）已上报、已审核的报表"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, title="操作")
        rebuild = sub.add_parser("rebuild", help="重新检查并保存审核队列的发现（修复，或修改渠道、关键词、阈值之后）")
        rebuild.add_argument("--period", help="只重算该期间的报表，YYYY-MM 或 YYYY-MM:YYYY-MM（缺省全部）")

    def handle(self, *args, **options):
        period = Period.parse(options["period"]) if options.get("period") else None
        progress = tqdm(total=units_to_rebuild(period), unit="个单位", file=sys.stderr, leave=False,
                        dynamic_ncols=True, disable=not sys.stderr.isatty())
        with progress:
            count = items_rebuild(period=period, progress=progress.update)
        where = f"{period}期间" if period else "全部"
        self.write_out(f"已重新检查{where}已上报、已审核的报表：审核队列共 {count} 条")
