"""fupin token create --user NAME [--label TEXT] | list | revoke PREFIX"""

from fupin.api.tokens import token_create, token_find, token_revoke, tokens_list
from fupin.core.commands import FupinCommand
from fupin.units.people import system_user


class Command(FupinCommand):
    help = "接口令牌：创建（令牌只显示这一次）、列出、吊销"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="操作", title="操作")
        create = sub.add_parser("create", help="为用户创建令牌，令牌在最后一行打印，只显示这一次")
        create.add_argument("--user", required=True, help="用户名")
        create.add_argument("--label", default="", help="用途说明，如“省总平台”")
        listing = sub.add_parser("list", help="列出令牌（只显示开头几位）")
        listing.add_argument("--all", action="store_true", help="包括已吊销的")
        revoke = sub.add_parser("revoke", help="吊销令牌")
        revoke.add_argument("token", help="令牌或其开头几位（见 list）")

    def handle(self, *args, **options):
        action = options["action"]
        if action == "create":
            record, token = token_create(username=options["user"], label=options["label"], by=system_user())
            self.stderr.write(f"已为 {record.user.username} 创建令牌（{record.label or '未写用途'}）。"
                              "令牌只显示这一次，请妥善保存：")
            self.stdout.write(token)
        elif action == "list":
            for t in tokens_list():
                if t.revoked_at and not options["all"]:
                    continue
                state = f"已吊销 {t.revoked_at:%Y-%m-%d %H:%M}" if t.revoked_at else "有效"
                used = f"{t.last_used_at:%Y-%m-%d %H:%M}" if t.last_used_at else "未使用"
                self.stdout.write(f"{t.prefix}…\t{t.user.username}\t{t.label or '—'}\t"
                                  f"创建 {t.created_at:%Y-%m-%d %H:%M}\t最近使用 {used}\t{state}")
        else:
            record = token_revoke(token=token_find(options["token"]), by=system_user())
            self.stdout.write(f"已吊销令牌 {record.prefix}…（{record.user.username}）")
