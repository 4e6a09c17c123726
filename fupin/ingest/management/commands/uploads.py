"""fupin uploads purge [--days 30] [--dry-run]: drop the files of refused and cancelled uploads (run from cron)."""

import sys

from tqdm import tqdm

from fupin.core.commands import FupinCommand
from fupin.ingest.retention import DEFAULT_DAYS, uploads_purge
from fupin.reporting.quota import size_text


class Command(FupinCommand):
    help = "上传文件的保留：清除被拒绝、已取消（及久未确认）的上传中超过保留期的文件内容（保留上传记录和错误信息）"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, title="操作")
        purge = sub.add_parser("purge", help="清除超过保留期的被拒绝、已取消、久未确认的上传的文件内容（可由 cron 每天运行）")
        purge.add_argument("--days", type=int, default=DEFAULT_DAYS,
                           help=f"保留天数：早于这么多天的才清除（缺省 {DEFAULT_DAYS}）")
        purge.add_argument("--dry-run", action="store_true", help="只列出将清除的上传及可释放的大小，不清除")

    def handle(self, *args, **options):
        dry_run = options["dry_run"]
        progress = tqdm(unit="次上传", file=sys.stderr, leave=False, dynamic_ncols=True,
                        disable=not sys.stderr.isatty())
        with progress:
            result = uploads_purge(days=options["days"], dry_run=dry_run, progress=progress)
        verb = "可清除" if dry_run else "已清除"
        self.stdout.write(f"{verb} {result.jobs} 次被拒绝、已取消或久未确认的上传（早于 {options['days']} 天）的文件内容，"
                          f"{'可' if dry_run else '已'}释放 {size_text(result.bytes)}（{result.bytes} 字节）；"
                          "上传记录和错误信息保留。")
