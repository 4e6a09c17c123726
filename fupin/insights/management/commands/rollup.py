from tqdm import tqdm

from fupin.core.commands import FupinCommand
from fupin.core.periods import Period
from fupin.insights.rollup import rollup_depth, rollup_flush, rollup_rebuild
from fupin.units.models import Unit


class Command(FupinCommand):
    help = "汇总表维护：补算有改动的报表（缺省），或按期间重算全部（--rebuild）；可重复运行，中断后再运行即可"

    def add_arguments(self, parser):
        parser.add_argument("--rebuild", action="store_true", help="重算全部汇总（移动单位、批量导入数据库后）")
        parser.add_argument("--period", help="只重算该期间内的报表，YYYY-MM 或 YYYY-MM:YYYY-MM")

    def handle(self, *args, **options):
        if not options["rebuild"]:
            done = rollup_flush()
            self.stdout.write(f"已补算 {done} 份有改动的报表。")
            return
        period = Period.parse(options["period"]) if options["period"] else None
        total = Unit.objects.filter(depth__lt=rollup_depth()).count()
        with tqdm(total=total, desc="重算汇总", unit="个单位", disable=options["verbosity"] < 1) as bar:
            units = rollup_rebuild(period=period, progress=bar.update)
        self.stdout.write(f"已重算 {units} 个单位{'（' + str(period) + '）' if period else ''}的汇总。")
