"""fupin export ledger --period YYYY-MM[:YYYY-MM] --format xlsx|csv [--encoding gbk|utf-8] [--output FILE]"""

import sys

from tqdm import tqdm

from fupin.core import safe_files
from fupin.core.commands import FupinCommand
from fupin.core.errors import UserError
from fupin.core.periods import Period
from fupin.insights import ledger_export as files
from fupin.insights.ledger import LedgerFilters, ledger_lines, ledger_rows

EXPORTED = "已导出{n}条明细：{path}"


class Command(FupinCommand):
    help = "导出台账明细（每条明细及其单位、渠道、用途、消费类型、报表状态、发现的问题、剔除情况）"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="what", required=True, title="导出内容", metavar="内容")
        ledger = sub.add_parser("ledger", help="台账明细：期间内全部单位的每一条明细（含草稿、已退回和已剔除的）")
        ledger.add_argument("--period", required=True, help="期间，YYYY-MM 或 YYYY-MM:YYYY-MM")
        ledger.add_argument("--format", default="xlsx", choices=files.FORMATS, help="输出格式（缺省 xlsx）")
        ledger.add_argument("--encoding", default="utf-8", choices=files.ENCODINGS,
                            help="CSV 的编码：utf-8（带BOM，Excel）或 gbk（WPS）；缺省 utf-8")
        ledger.add_argument("-o", "--output", help="输出文件；缺省为当前目录下的“台账明细_期间.格式”")

    def handle(self, *args, **options):
        filters = LedgerFilters(period=Period.parse(options["period"]))
        fmt, encoding = options["format"], options["encoding"]
        path = options["output"] or files.export_name(filters, fmt)
        if fmt == "csv" and encoding == "gbk":
            files.gbk_check(user=None, filters=filters)  # before a byte is written: a file is all or nothing
        total = ledger_lines(user=None, filters=filters).count()
        with tqdm(total=total, unit="条", file=sys.stderr, leave=False, dynamic_ncols=True,
                  disable=not sys.stderr.isatty()) as progress:
            rows = _counted(ledger_rows(user=None, filters=filters), progress)
            if fmt == "csv":
                path = safe_files.write_chunks(files.ledger_csv(rows, encoding=encoding), path)
            else:
                try:
                    files.ledger_xlsx(rows, target=path)
                except OSError as exc:
                    raise UserError(f"无法写入文件 {path}：{exc.strerror}") from None
        self.stderr.write(EXPORTED.format(n=total, path=path))


def _counted(rows, progress):
    for n, row in enumerate(rows):
        if n:
            progress.update(1)
        yield row
