"""django-simple-history's purge commands delete audit rows. fupin keeps every row (data is never deleted), so
same-named commands shadow them and refuse: fupin's apps come before simple_history in INSTALLED_APPS, and
Django takes a command from the first app that has it. The refusal is a UserError, so `call_command` raises it
too, whatever the arguments."""

import sys

from fupin.core.commands import FupinCommand
from fupin.core.errors import UserError

AUDIT_PURGE_REFUSED = "“{name}”会删除审计记录（修改记录）；本系统不删除审计记录，该命令已停用"


class AuditKeptCommand(FupinCommand):
    name = ""
    help = "已停用：本系统不删除审计记录"

    def run_from_argv(self, argv):
        sys.stderr.write(f"错误：{AUDIT_PURGE_REFUSED.format(name=self.name)}\n")
        sys.exit(1)

    def execute(self, *args, **options):
        raise UserError(AUDIT_PURGE_REFUSED.format(name=self.name))
