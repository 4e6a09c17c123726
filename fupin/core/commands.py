"""Base for management commands: Chinese errors, non-zero exit, never a traceback."""

import sys

from django.core.management.base import BaseCommand

from fupin.core.errors import UserError


class FupinCommand(BaseCommand):
    # Django's system checks import every URL and view first (about 1 s a run) for nothing a data command uses;
    # `fupin serve` runs them (serve.py).
    requires_system_checks = []

    def run_from_argv(self, argv):
        try:
            super().run_from_argv(argv)
        except UserError as exc:
            sys.stderr.write(f"错误：{exc.message}\n")
            for detail in exc.details:
                sys.stderr.write(f"  {detail}\n")
            sys.exit(1)

    def write_out(self, text: str) -> None:
        self.stdout.write(text)
