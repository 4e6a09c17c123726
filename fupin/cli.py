"""The `fupin` console command: Django's management commands with fupin's settings."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fupin.settings")
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(sys.argv)
    except KeyboardInterrupt:
        sys.stderr.write("已中断。\n")
        sys.exit(130)
    except SystemExit:
        raise
    except Exception as exc:  # the last guard: no traceback reaches a user
        if os.environ.get("FUPIN_DEBUG"):
            raise
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
