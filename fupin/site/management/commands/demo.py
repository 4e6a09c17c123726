from django.core.management import call_command

from fupin.core.commands import FupinCommand
from fupin.policy.demo import policy_demo_load
from fupin.site.demo import demo_users_create
from fupin.site.seed import seed_load
from fupin.units.people import system_user


class Command(FupinCommand):
    help = "载入演示数据：平工办〔2020〕33号附件的1—10月统计表，以及演示账号（可重复运行）"

    def handle(self, *args, **options):
        call_command("init", verbosity=0, stdout=self.stdout)
        made = seed_load(by=system_user())
        policy_demo_load(by=system_user())
        self.write_out(f"演示数据：新建报表 {made} 份（2020年1—10月累计）。")
        self.write_out("演示账号（用户名 / 密码）：")
        for username, password, who in demo_users_create():
            self.write_out(f"  {username} / {password}  {who}")
