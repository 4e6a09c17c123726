"""`fupin backup -o PATH [--keep N]`: the database and the uploaded files in one archive, while the site runs."""

import sys

from django.conf import settings
from tqdm import tqdm

from fupin.core.commands import FupinCommand
from fupin.site.backup import backup_create

COUNT_NAMES = {"units": "单位", "reports": "报表", "lines": "明细", "attachments": "附件", "users": "账号",
               "history_rows": "修改记录"}


def progress(items, **kw):
    return tqdm(items, file=sys.stderr, disable=None, leave=False, **kw)


def counts_text(counts: dict) -> str:
    return "，".join(f"{COUNT_NAMES.get(k, k)} {v}" for k, v in counts.items())


class Command(FupinCommand):
    help = "备份数据库和上传的文件到一个 .tar.gz 文件（网站运行时也可以备份）"

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", default=None,
                            help="备份文件名，或一个目录（在其中按时间命名）；缺省 var/backups/")
        parser.add_argument("--keep", type=int, help="只保留该目录中最新的 N 个备份，删除更早的")

    def handle(self, *args, **options):
        output = options["output"] or f"{settings.VAR_DIR / 'backups'}/"
        result = backup_create(output=output, keep=options["keep"], say=self.stderr.write, progress=progress)
        self.stdout.write(f"已备份到 {result.path}")
        self.stdout.write(f"  {counts_text(result.manifest['counts'])}；上传文件 {result.manifest['media_files']} 个")
        for path in result.pruned:
            self.stdout.write(f"  已删除旧备份 {path.name}")
