"""fupin import FILE... --period YYYY-MM[:YYYY-MM] [--unit NAME] [--dry-run] [--json] [--create-units]"""

import json
import sys

from tqdm import tqdm

from fupin.core.commands import FupinCommand
from fupin.core.errors import UserError
from fupin.core.money import wan_display
from fupin.core.periods import Period
from fupin.ingest.context import ImportContext, ImportOptions
from fupin.ingest.services import files_to_import, import_files
from fupin.units.people import system_user

UNIT_NOT_FOUND = "单位“{unit}”不在单位名录中"
FAILED = "{count} 个文件有错误，未导入（其余文件不受影响）"
NO_FILES = "没有找到可导入的文件（.xlsx、.xls、.csv、.docx）"


class Command(FupinCommand):
    help = ("导入各单位报来的统计表（Excel .xlsx/.xls、CSV、Word 表格）。每个文件要么全部导入，要么有错误时全部不导入；"
            "同一单位同一期间再次导入会替换原有报表（原数据保留在修改记录中）")

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE", help="文件或文件夹（文件夹内的文件全部导入）")
        parser.add_argument("--period", required=True, help="期间，YYYY-MM 或 YYYY-MM:YYYY-MM")
        parser.add_argument("--unit", help="文件是这个单位的报表（表中没有“单位名称”列时必需）")
        parser.add_argument("--dry-run", action="store_true", help="只检查，不保存")
        parser.add_argument("--json", action="store_true", help="每个文件输出一行 JSON")
        parser.add_argument("--create-units", action="store_true", help="单位名录中没有的单位自动新建")

    def handle(self, *args, **options):
        period = Period.parse(options["period"])
        unit = None
        if options["unit"]:
            unit = ImportContext().unit(options["unit"])
            if unit is None:
                raise UserError(UNIT_NOT_FOUND.format(unit=options["unit"]))
        paths = files_to_import(options["files"])
        if not paths:
            raise UserError(NO_FILES)
        settings = ImportOptions(period=period, by=system_user(), unit=unit, dry_run=options["dry_run"],
                                 create_units=options["create_units"])
        progress = tqdm(total=len(paths), unit="个文件", file=sys.stderr, disable=len(paths) < 2, leave=False,
                        dynamic_ncols=True)
        failed, lines, amount = 0, 0, 0
        with progress:
            for report in import_files(paths, options=settings, progress=progress):
                failed += not report.ok
                lines += report.imported
                amount += report.amount_fen if report.ok else 0
                if options["json"]:
                    self.stdout.write(json.dumps(report.as_json(), ensure_ascii=False))
                else:
                    progress.clear()
                    self._human(report)
                    progress.refresh()
        if len(paths) > 1 and not options["json"]:
            verb = "可导入" if options["dry_run"] else "导入"
            self.stderr.write(f"共 {len(paths)} 个文件：{len(paths) - failed} 个{verb}，{failed} 个有错误未导入；"
                              f"{verb}明细 {lines} 行，{wan_display(amount)} 万元")
        if failed:
            raise UserError(FAILED.format(count=failed))

    def _human(self, report) -> None:
        if report.ok:
            units = "、".join(f"{u.unit} {u.lines}行 {wan_display(u.amount_fen)}万元" for u in report.units.values())
            verb = "检查通过（未保存）" if report.dry_run else "已导入"
            self.stdout.write(f"{report.file}：{verb} {report.imported} 行（{units}）")
        else:
            self.stderr.write(f"{report.file}：{report.error_count} 处错误，整个文件未导入")
            for issue in report.errors:
                self.stderr.write(f"  错误：{issue}")
        for issue in report.warnings:
            self.stdout.write(f"  提示：{issue}")
