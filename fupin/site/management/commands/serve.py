"""`fupin serve`: the site under gunicorn, the production WSGI server, with static files from whitenoise."""

import os

from django.db import connections
from gunicorn.app.base import BaseApplication

from fupin.core.commands import FupinCommand
from fupin.core.errors import UserError
from fupin.quality.background import refresh_in_background
from fupin.site.serving import ensure_safe_to_serve

BAD_BIND = "--bind 应为 主机:端口，例如 127.0.0.1:8000，而不是“{value}”"
BAD_NUMBER = "{option} 应为正整数，而不是“{value}”"


def default_workers() -> int:
    # Requests wait mostly on the database, so threads carry the load; a process per core plus one keeps a
    # slow request (a PDF, a large import) from holding up the rest. Two cores: 3 processes × 4 threads.
    return min((os.cpu_count() or 1) + 1, 8)


def positive(option: str, value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise UserError(BAD_NUMBER.format(option=option, value=value))
    return number


def check_bind(value: str) -> str:
    host, _, port = value.rpartition(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise UserError(BAD_BIND.format(value=value))
    return value


def gunicorn_options(*, bind: str, workers: int, threads: int, timeout: int, access_log: str) -> dict:
    return {
        "bind": bind,
        "workers": workers,
        "worker_class": "gthread",
        "threads": threads,
        "timeout": timeout,  # a circular as PDF or a large workbook can take a minute
        "graceful_timeout": 30,
        "keepalive": 5,
        "max_requests": 2000,  # recycle workers now and then: long-lived processes drawing charts grow
        "max_requests_jitter": 200,
        "accesslog": access_log,
        "errorlog": "-",
        "access_log_format": '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"',
        "control_socket_disable": True,  # no socket file under the user's home
        "proc_name": "fupin",
    }


class Command(FupinCommand):
    help = "在生产用的 WSGI 服务器（gunicorn）上提供网站服务；静态文件由程序自己提供"
    requires_system_checks = "__all__"  # a site about to serve is checked whole, once

    def add_arguments(self, parser):
        parser.add_argument("--bind", default=os.environ.get("FUPIN_BIND", "127.0.0.1:8000"),
                            help="监听的 主机:端口（缺省 127.0.0.1:8000，前面由 nginx 转发）")
        parser.add_argument("--workers", default=os.environ.get("FUPIN_WORKERS", str(default_workers())),
                            help="进程数（缺省 CPU 核数加一，至多8）")
        parser.add_argument("--threads", default=os.environ.get("FUPIN_THREADS", "4"), help="每个进程的线程数（缺省4）")
        parser.add_argument("--timeout", default=os.environ.get("FUPIN_TIMEOUT", "120"),
                            help="一个请求最长处理秒数，超过即重启该进程（缺省120）")
        parser.add_argument("--access-log", default=os.environ.get("FUPIN_ACCESS_LOG", "-"),
                            help="访问日志文件（缺省 - 即标准输出）")

    def handle(self, *args, **options):
        ensure_safe_to_serve()
        config = gunicorn_options(
            bind=check_bind(options["bind"]), workers=positive("--workers", options["workers"]),
            threads=positive("--threads", options["threads"]), timeout=positive("--timeout", options["timeout"]),
            access_log=options["access_log"])
        self.stderr.write(f"在 http://{config['bind']} 提供服务（{config['workers']} 个进程 × "
                          f"{config['threads']} 个线程）；按 Ctrl+C 停止。")
        connections.close_all()  # the workers are forked: each opens its own
        refresh_in_background()  # a reporter's POST answers at its commit; the review queue follows a moment later
        FupinServer(config).run()


class FupinServer(BaseApplication):
    """gunicorn configured here rather than from its command line or a config file."""

    def __init__(self, options: dict):
        self.options = options
        super().__init__()

    def load_config(self):
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        from fupin.wsgi import application

        return application
