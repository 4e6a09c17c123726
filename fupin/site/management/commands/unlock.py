from fupin.core.commands import FupinCommand
from fupin.site.accounts import lock_release
from fupin.units.people import system_user


class Command(FupinCommand):
    help = "解除登录锁定（市总管理员自己被锁、无人能登录时用；记入账号操作记录，操作人为“系统”）"

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("username", nargs="?", default="", help="被锁定的用户名")
        which.add_argument("--ip", default="", help="被锁定的网络地址")

    def handle(self, *args, username, ip, **options):
        event = lock_release(by=system_user(), username=username, ip_address=ip)
        self.write_out(f"已解锁{'账号 ' + username if username else '地址 ' + ip}（{event.note}）。")
