from tqdm import tqdm

from fupin.core.commands import FupinCommand
from fupin.core.errors import UserError
from fupin.core.periods import Period
from fupin.insights.rollup import rollup_check, rollup_depth, rollup_flush, rollup_rebuild
from fupin.units.models import Unit

CHECK_OK = "汇总与明细重算一致{scope}。"
CHECK_DIFFERS = "汇总与明细重算有 {n} 处不一致{scope}，请运行 fupin rollup --rebuild 修复"


class Command(FupinCommand):
    help = ("汇总表维护：汇总随每次写入更新；--check 用明细重算核对汇总，--rebuild 按期间重算全部（修复用）；"
            "可重复运行，中断后再运行即可")

    def add_arguments(self, parser):
        parser.add_argument("--rebuild", action="store_true", help="重算全部汇总（修复，或绕过系统直接装入数据库后）")
        parser.add_argument("--check", action="store_true", help="用明细重算核对汇总，列出不一致之处，不改动数据")
        parser.add_argument("--period", help="只处理该期间内的报表，YYYY-MM 或 YYYY-MM:YYYY-MM")

    def handle(self, *args, **options):
        period = Period.parse(options["period"]) if options["period"] else None
        scope = f"（{period}）" if period else ""
        total = Unit.objects.filter(depth__lt=rollup_depth()).count()
        if options["check"]:
            with tqdm(total=total, desc="核对汇总", unit="个单位", disable=options["verbosity"] < 1) as bar:
                found, told = rollup_check(period=period, progress=bar.update)
            if not found:
                self.stdout.write(CHECK_OK.format(scope=scope))
                return
            raise UserError(CHECK_DIFFERS.format(n=found, scope=scope), details=told)
        if not options["rebuild"]:
            done = rollup_flush()
            self.stdout.write(f"已补算 {done} 份有改动的报表。汇总随每次写入更新，核对请用 --check。")
            return
        with tqdm(total=total, desc="重算汇总", unit="个单位", disable=options["verbosity"] < 1) as bar:
            units = rollup_rebuild(period=period, progress=bar.update)
        self.stdout.write(f"已重算 {units} 个单位{scope}的汇总。")
