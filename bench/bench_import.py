"""Benchmark of `fupin import` against python-calamine's bare read of the same files, in the same run.

    .venv/bin/python bench/bench_import.py            # 2,000 unit files × 30 lines, and one 100,000-line file
    .venv/bin/python bench/bench_import.py --quick    # 200 files, and a 10,000-line file

The import is the whole thing: read, find the layout, map and validate every cell, classify sources, store in
SQLite with the audit trail. The reference only opens each sheet and walks its rows. Each measurement runs in a
fresh process, so its peak memory (max RSS) is its own. Goal: within 3× of the bare read; memory flat in the file
size (compare the peak of the long file with that of a file a tenth as long).
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SOURCES = [("832平台", "线上"), ("驻村第一书记推荐", "线下"), ("农户", "线下"), ("合作社", "线下"),
           ("扶贫企业", "线下"), ("农购网", "线上"), ("扶贫直播带货", "线上"), ("援疆产品", "线下")]
HEADER = ["单位名称", "产品名称", "产品来源", "采购方式", "采购时间", "数量（吨）", "金额（万元）", "合计（万元）"]


def django_setup(home: str) -> None:
    os.environ["FUPIN_HOME"] = home
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fupin.settings")
    import django

    django.setup()


def write_table(path: Path, units: list[str], lines: int) -> None:
    """An office's table: title, header, the unit named on its group's first row, amounts as numbers or text."""
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("统计表")
    sheet.write(0, 0, "消费扶贫统计表")
    sheet.write_row(1, 0, HEADER)
    per_unit = max(1, lines // len(units))
    for i in range(lines):
        source, method = SOURCES[i % len(SOURCES)]
        amount = f"{1 + i % 97}.{i % 100:02d}"
        row = [units[min(i // per_unit, len(units) - 1)] if i % per_unit == 0 else "", "小米", source, method,
               f"2020-10-{1 + i % 28:02d}", 0.5]
        sheet.write_row(2 + i, 0, row)
        if i % 5 == 0:
            sheet.write_string(2 + i, 6, amount)
        else:
            sheet.write_number(2 + i, 6, float(amount))
    book.close()


def prepare(home: str, folder: Path, files: int, big_lines: int) -> dict:
    django_setup(home)
    from django.core.management import call_command

    from fupin.units.models import Unit, UnitKind
    from fupin.units.selectors import root_unit

    call_command("init", verbosity=0, stdout=open(os.devnull, "w"))
    root = root_unit()
    small = folder / "units"
    small.mkdir()
    names = [f"第{n:04d}基层工会" for n in range(files)]
    for order, name in enumerate(names, start=100):
        Unit(parent=root, short_name=name, name=name, kind=UnitKind.GRASSROOTS, order=order).save()
        write_table(small / f"{name}.xlsx", [name], 30)
    seed_units = [u.short_name for u in Unit.objects.filter(parent=root, kind__in=["county", "industry",
                                                                                     "enterprise", "zone"])]
    write_table(folder / "big.xlsx", seed_units, big_lines)
    write_table(folder / "tenth.xlsx", seed_units, big_lines // 10)
    return {"small": str(small), "big": str(folder / "big.xlsx"), "tenth": str(folder / "tenth.xlsx")}


def bare_read(paths: list[str]) -> int:
    import python_calamine

    rows = 0
    for path in paths:
        sheet = python_calamine.CalamineWorkbook.from_path(path).get_sheet_by_index(0)
        for _ in sheet.iter_rows():
            rows += 1
    return rows


def full_import(paths: list[str], period: str, *, dry_run: bool = False) -> int:
    from fupin.core.periods import Period
    from fupin.ingest.context import ImportOptions
    from fupin.ingest.services import import_files
    from fupin.units.people import system_user

    options = ImportOptions(period=Period.parse(period), by=system_user(), dry_run=dry_run)
    lines = 0
    for report in import_files([Path(p) for p in paths], options=options):
        if not report.ok:
            raise SystemExit(f"导入失败：{report.file}：{report.errors[:3]}")
        lines += report.imported
    return lines


def phase(args) -> None:
    """One measurement in this process: prints seconds, rows or lines, and this process's peak memory."""
    django_setup(args.home)
    paths = sorted(str(p) for p in Path(args.target).glob("*.xlsx")) if Path(args.target).is_dir() \
        else [args.target]
    started = time.perf_counter()
    if args.phase == "read":
        count = bare_read(paths)
    else:
        count = full_import(paths, args.period, dry_run=args.phase == "check")
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "count": count, "peak_mb": peak_mb}))


def measure(home: str, kind: str, target: str, period: str = "") -> dict:
    result = subprocess.run([sys.executable, __file__, "--phase", kind, "--home", home, "--target", target,
                             "--period", period], capture_output=True, text=True, check=False)
    if result.returncode:
        raise SystemExit(result.stderr[-3000:])
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="200 个文件和一个 10,000 行的文件")
    parser.add_argument("--phase", choices=["read", "check", "import"], help=argparse.SUPPRESS)
    parser.add_argument("--home", help=argparse.SUPPRESS)
    parser.add_argument("--target", help=argparse.SUPPRESS)
    parser.add_argument("--period", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        return phase(args)
    files, big_lines = (200, 10_000) if args.quick else (2_000, 100_000)
    with tempfile.TemporaryDirectory(prefix="fupin-bench-") as tmp:
        home, folder = str(Path(tmp) / "home"), Path(tmp) / "files"
        folder.mkdir()
        print(f"准备：{files} 个单位文件 × 30 行，一个 {big_lines:,} 行的文件，一个 {big_lines // 10:,} 行的文件 …",
              flush=True)
        made = subprocess.run([sys.executable, "-c", f"import sys; sys.path.insert(0, {str(Path(__file__).parent)!r});"
                               f"import bench_import as b, json; print(json.dumps(b.prepare({home!r}, "
                               f"b.Path({str(folder)!r}), {files}, {big_lines})))"],
                              capture_output=True, text=True, check=False)
        if made.returncode:
            raise SystemExit(made.stderr[-3000:])
        targets = json.loads(made.stdout.strip().splitlines()[-1])
        rows = []
        for label, target, period in ((f"{files} 个单位文件", targets["small"], "2020-10"),
                                      (f"{big_lines:,} 行的文件", targets["big"], "2020-07:2020-10"),
                                      (f"{big_lines // 10:,} 行的文件", targets["tenth"], "2020-06:2020-10")):
            read = measure(home, "read", target)
            check = measure(home, "check", target, period)
            full = measure(home, "import", target, period)
            rows.append((label, read, full, check))
        print("导入 = 读取、识别、校验、入库（SQLite，含修改记录）；检查 = 同样但不入库（--dry-run）；裸读 = calamine 只读行")
        print(f"{'':<18}{'明细行':>9}{'导入 行/秒':>12}{'检查 行/秒':>12}{'裸读 行/秒':>12}{'导入倍数':>9}{'检查倍数':>9}"
              f"{'导入峰值':>10}{'检查峰值':>10}{'裸读峰值':>10}")
        for label, read, full, check in rows:
            print(f"{label:<18}{full['count']:>9,}{full['count'] / full['seconds']:>12,.0f}"
                  f"{check['count'] / check['seconds']:>12,.0f}{read['count'] / read['seconds']:>12,.0f}"
                  f"{full['seconds'] / read['seconds']:>8.1f}×{check['seconds'] / read['seconds']:>8.1f}×"
                  f"{full['peak_mb']:>8.0f}MB{check['peak_mb']:>8.0f}MB{read['peak_mb']:>8.0f}MB")
        total_import = sum(full["seconds"] for _, _, full, _ in rows[:2])
        total_read = sum(read["seconds"] for _, read, _, _ in rows[:2])
        print(f"合计（单位文件 + 长文件）：导入 {total_import:.1f} 秒，裸读 {total_read:.1f} 秒，"
              f"倍数 {total_import / total_read:.1f}×（目标 ≤ 3×）")
        grow_import = rows[1][2]["peak_mb"] - rows[2][2]["peak_mb"]
        grow_read = rows[1][1]["peak_mb"] - rows[2][1]["peak_mb"]
        print(f"内存随文件长度：长文件比十分之一长的文件，导入峰值多 {grow_import:.0f}MB，裸读峰值多 {grow_read:.0f}MB"
              f"（导入在裸读之上多用的内存：长文件 {rows[1][2]['peak_mb'] - rows[1][1]['peak_mb']:.0f}MB，"
              f"短文件 {rows[2][2]['peak_mb'] - rows[2][1]['peak_mb']:.0f}MB）")


if __name__ == "__main__":
    main()
