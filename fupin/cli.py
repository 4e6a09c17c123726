"""The `fupin` console command: Django's management commands with fupin's settings."""

import os
import sys

# Commands that would delete the ledger or its audit trail (data is never deleted). The two history purges are
# also shadowed by refusing commands of the same name (fupin/reporting/management/commands/), for call_command.
REFUSED = {
    "clean_old_history": "“clean_old_history”会删除审计记录（修改记录）；本系统不删除审计记录，该命令已停用",
    "clean_duplicate_history": "“clean_duplicate_history”会删除审计记录（修改记录）；本系统不删除审计记录，该命令已停用",
    "flush": "“flush”会清空数据库中的全部数据和审计记录，本系统不提供该命令；如需重建测试环境，请换一个空数据库后运行 fupin init",
}
# django-axes' own commands unlock without an audit row, or delete the login log: `fupin unlock` is the way.
REFUSED.update({name: f"“{name}”会不留记录地解锁账号或删除登录记录，该命令已停用；解锁请用 fupin unlock 用户名（或 --ip 地址）"
                for name in ("axes_reset", "axes_reset_ip", "axes_reset_username", "axes_reset_ip_username",
                             "axes_reset_logs", "axes_reset_failure_logs")})


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fupin.settings")
    if len(sys.argv) > 1 and sys.argv[1] in REFUSED:
        sys.stderr.write(f"错误：{REFUSED[sys.argv[1]]}\n")
        sys.exit(1)
    from fupin.core.argparse_cn import chinese_argparse, management_utility

    chinese_argparse()  # usage and argument errors in Chinese, before any parser is made
    try:
        management_utility(sys.argv).execute()
    except KeyboardInterrupt:
        sys.stderr.write("已中断。\n")
        sys.exit(130)
    except SystemExit:
        raise
    except Exception as exc:  # the last guard: no traceback reaches a user
        if os.environ.get("FUPIN_DEBUG"):
            raise
        from fupin.core.errors import UserError
        from fupin.core.failures import transient_failure

        if isinstance(exc, UserError):  # raised outside a command's own guard (settings, a server's start)
            sys.stderr.write(f"错误：{exc.message}\n")
            sys.exit(1)
        if message := transient_failure(exc):
            sys.stderr.write(f"错误：{message}\n")
            sys.exit(75)  # EX_TEMPFAIL: cron and scripts may simply try again
        if _is_missing_table(exc):
            sys.stderr.write("数据库尚未建立或版本过旧：请先运行 fupin init（它会建表并载入单位名录）。\n")
            sys.exit(2)
        sys.stderr.write(f"内部错误：{exc.__class__.__name__}: {exc}\n（设置环境变量 FUPIN_DEBUG=1 可查看详细信息）\n")
        sys.exit(2)


def _is_missing_table(exc: Exception) -> bool:
    from django.db.utils import OperationalError, ProgrammingError

    text = str(exc)
    return isinstance(exc, OperationalError | ProgrammingError) and (
        "no such table" in text or ("relation" in text and "does not exist" in text))


if __name__ == "__main__":
    main()
