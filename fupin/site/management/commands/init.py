from django.core.management import call_command

from fupin.core.commands import FupinCommand
from fupin.policy.services import policy_defaults_load
from fupin.quality.taxonomy import taxonomy_load_default
from fupin.units.people import system_user
from fupin.units.services import units_load_default


class Command(FupinCommand):
    help = "初始化：建立数据库表，载入单位名录与默认渠道分类（可重复运行）"

    def handle(self, *args, **options):
        call_command("migrate", interactive=False, verbosity=0)
        system_user()
        root, units = units_load_default()
        channels = taxonomy_load_default()
        policy_defaults_load(by=system_user())
        self.write_out(f"初始化完成：{root.name}，新建单位 {units} 个，新建标准渠道 {channels} 个。")
