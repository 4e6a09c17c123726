"""`fupin restore PATH [--force]`: put an archive made by `fupin backup` back."""

from pathlib import Path

from fupin.core.commands import FupinCommand
from fupin.site.backup import backup_restore, read_manifest
from fupin.site.management.commands.backup import counts_text, progress


class Command(FupinCommand):
    help = "从 fupin backup 生成的备份文件恢复数据库和上传的文件（先停止网站服务）"

    def add_arguments(self, parser):
        parser.add_argument("path", help="备份文件（.tar.gz）")
        parser.add_argument("--force", action="store_true", help="当前数据库已有数据时也覆盖")

    def handle(self, *args, **options):
        path = Path(options["path"])
        manifest = read_manifest(path)
        self.stderr.write(f"备份时间 {manifest.get('created_at')}，fupin {manifest.get('fupin_version')}，"
                          f"数据库 {manifest.get('database')}")
        counts = backup_restore(path=path, force=options["force"], say=self.stderr.write, progress=progress)
        self.stdout.write(f"已恢复：{counts_text(counts)}；上传文件 {manifest.get('media_files', 0)} 个")
