from pathlib import Path

from fupin.core.commands import FupinCommand
from fupin.core.errors import UserError
from fupin.site.roster import roster_check, roster_import
from fupin.units.people import system_user


class Command(FupinCommand):
    help = "批量导入人员名单（单位、姓名、手机、邮箱、角色），建立账号；初始密码写入 --passwords-out 指定的 xlsx 文件"

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, title="操作")
        run = actions.add_parser("import", help="检查名单，全部正确才建立账号")
        run.add_argument("file", help="名单文件（xlsx）")
        run.add_argument("--passwords-out", help="初始密码写入的 xlsx 文件（不能是已有文件）")
        run.add_argument("--check", action="store_true", help="只检查，不建立账号")

    def handle(self, *args, action, file, passwords_out=None, check=False, **options):
        source = Path(file)
        try:
            data = source.read_bytes()
        except OSError as exc:
            raise UserError(f"无法读取文件 {file}：{exc.strerror}") from None
        if check:
            entries = roster_check(data, source.name)
            self.write_out(f"检查通过：{source.name} 共 {len(entries)} 人，没有发现错误。")
            return
        if not passwords_out:
            raise UserError("请用 --passwords-out 指定初始密码写入的 xlsx 文件")
        outcome = roster_import(data, source.name, by=system_user(), passwords_out=passwords_out)
        self.write_out(f"已建立 {len(outcome.created)} 个账号，初始密码已写入 {passwords_out}。"
                       "请妥善保管、分别告知本人，用后删除该文件；每人首次登录须修改密码。")
