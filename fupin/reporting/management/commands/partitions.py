"""fupin partitions: the lines' yearly partitions on PostgreSQL — list them, or make the years ahead."""

from django.utils import timezone

from fupin.core.commands import FupinCommand
from fupin.reporting.partitions import YEARS_AHEAD, partitions_ensure, partitions_list, years_parse


class Command(FupinCommand):
    help = ("采购明细按年分区（仅 PostgreSQL）：列出各分区及行数，或为某些年份建立分区"
            "（默认分区中该年的明细随之移入，单个事务完成）")

    def add_arguments(self, parser):
        parser.add_argument("--ensure", metavar="年份[:年份]", nargs="?", const="",
                            help=f"为这些年份建立分区，如 2027 或 2027:2030；不写年份时为今年及以后{YEARS_AHEAD}年")
        parser.add_argument("--list", action="store_true", help="列出各分区及行数（不带参数时也列出）")

    def handle(self, *args, **options):
        if options["ensure"] is not None:
            this_year = timezone.localdate().year
            years = years_parse(options["ensure"] or f"{this_year}:{this_year + YEARS_AHEAD}")
            made = partitions_ensure(years)
            for year, moved in made:
                self.stdout.write(f"已建立 {year} 年分区，从默认分区移入明细 {moved} 行。")
            if not made:
                self.stdout.write(f"{years[0]}—{years[-1]} 年均已有分区，无需新建。")
        if options["list"] or options["ensure"] is None:
            rows = partitions_list()
            self.stdout.write("分区\t年份\t明细行数")
            for name, years, count in rows:
                self.stdout.write(f"{name}\t{years}\t{count}")
            self.stdout.write(f"合计 {len(rows)} 个分区，明细 {sum(c for _, _, c in rows)} 行。")
