from importlib import import_module

from fupin.core.commands import FupinCommand
from fupin.core.safe_files import write_file
from fupin.publishing.reports import REPORTS


class Command(FupinCommand):
    help = "生成统计报表：" + "、".join(REPORTS)

    def add_arguments(self, parser):
        subparsers = parser.add_subparsers(dest="report", required=True, metavar="报表", title="报表")
        for name, module in REPORTS.items():
            report = import_module(module)
            report.add_arguments(subparsers.add_parser(name, help=(report.__doc__ or "").strip()))

    def handle(self, *args, **options):
        output = import_module(REPORTS[options["report"]]).run(options)
        path = options.get("output")
        if path is None and not output.binary:
            self.stdout.write(output.text, ending="")
        else:
            self.stderr.write(f"已生成：{write_file(output, path)}")
