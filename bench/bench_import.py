"""Benchmark of `fupin import` against python-calamine's bare read of the same files, timed in the same run.

    .venv/bin/python bench/bench_import.py                   # 100,000-line file (by unit, by date), 2,000 files × 30
    .venv/bin/python bench/bench_import.py --lines 20000 --files 500 --repeat 3 --db sqlite

Cases: one long multi-unit file with its rows sorted by unit; the same rows in date order (the units interleaved,
as any export of orders sorted by date is); a folder of unit files of 30 lines each. Each is measured on SQLite and,
when a server answers on 127.0.0.1:5432, on PostgreSQL — each a database this run creates under a unique name (a
temporary SQLite file; a PostgreSQL database fupin_bench_import_<random>) and drops at the end.

Measured in rounds, the reference and every case interleaved within each round; medians printed:
- 裸读 (reference): calamine opens each sheet and walks its rows, timed inside a fresh process, and the same
  process's whole wall time (python started, calamine imported, files read);
- 导入: `import_files` timed inside a fresh process (Django set up before the clock starts): read, find the layout,
  check every cell with the one validator, classify, store with the audit trail;
- 命令: the whole `fupin import FILE --period …` process, wall time from start to exit, beside the reference
  process's wall time;
- 最长占写锁 (SQLite): the import's longest transaction, from taking the writers' lock to giving it back: how long
  a reporter saving at that moment waits behind it.
Every import is stored (a different period each time, so each stores a new report rather than replacing the last).
Goals (issue 16): import ≤ 5× the bare read on SQLite, ≤ 8× on PostgreSQL; date order within 1.2× of sorted.
"""

import argparse
import json
import os
import random
import resource
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FUPIN = Path(sys.executable).with_name("fupin")  # the venv's command, beside its python
SOURCES = [("832平台", "线上"), ("驻村第一书记推荐", "线下"), ("农户", "线下"), ("合作社", "线下"),
           ("扶贫企业", "线下"), ("农购网", "线上"), ("扶贫直播带货", "线上"), ("援疆产品", "线下")]
HEADER = ["单位名称", "产品名称", "产品来源", "采购方式", "采购时间", "数量（吨）", "金额（万元）", "合计（万元）"]
BIG_UNITS = 40  # units in the long file: a county's unions reporting through it
PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"


# Files ------------------------------------------------------------------------------------------------------

def big_rows(units: list[str], lines: int) -> list[list]:
    """A year of orders from many units: (date, unit, …), amounts as numbers or text."""
    rng = random.Random(16)
    rows = []
    for i in range(lines):
        source, method = SOURCES[i % len(SOURCES)]
        day = date(2020, 1 + i % 10, 1 + rng.randrange(28))
        amount = f"{1 + i % 97}.{i % 100:02d}"
        rows.append([day, rng.choice(units), "小米", source, method, day.isoformat(), 0.5,
                     amount if i % 5 == 0 else float(amount)])
    rows.sort(key=lambda r: r[0])  # date order; the sort by unit below is stable, so each unit's order is kept
    return rows


def write_table(path: Path, rows: list[list], *, unit_on_every_row: bool) -> None:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("统计表")
    sheet.write(0, 0, "消费扶贫统计表")
    sheet.write_row(1, 0, HEADER)
    previous = None
    for n, (_, unit, *cells) in enumerate(rows, start=2):
        sheet.write_row(n, 0, [unit if unit_on_every_row or unit != previous else "", *cells[:5]])
        previous = unit
        if isinstance(cells[5], str):
            sheet.write_string(n, 6, cells[5])
        else:
            sheet.write_number(n, 6, cells[5])
    book.close()


def make_files(folder: Path, lines: int, files: int) -> dict:
    big_units = [f"第{n:02d}乡镇工会" for n in range(BIG_UNITS)]
    small_units = [f"第{n:04d}基层工会" for n in range(files)]
    rows = big_rows(big_units, lines)
    write_table(folder / "by_date.xlsx", rows, unit_on_every_row=True)
    write_table(folder / "by_unit.xlsx", sorted(rows, key=lambda r: r[1]), unit_on_every_row=False)
    small = folder / "units"
    small.mkdir()
    for i, name in enumerate(small_units):
        write_table(small / f"{name}.xlsx", [[None, name, *r[2:]] for r in big_rows([name], 30)],
                    unit_on_every_row=False)
        if i % 500 == 0:
            print(f"  单位文件 {i}/{files}", file=sys.stderr, flush=True)
    return {"units": big_units + small_units, "by_unit": str(folder / "by_unit.xlsx"),
            "by_date": str(folder / "by_date.xlsx"), "small": str(small)}


# Databases this run owns ------------------------------------------------------------------------------------

def postgres_reachable() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=1):
            return True
    except OSError:
        return False


@contextmanager
def own_database(kind: str, tmp: Path):
    """A database named for this run only, dropped afterwards."""
    if kind == "sqlite":
        yield f"sqlite:///{tmp / f'bench-import-{secrets.token_hex(4)}.sqlite3'}"
        return
    import psycopg

    name = f"fupin_bench_import_{secrets.token_hex(4)}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def child_env(home: str, url: str) -> dict:
    return {**os.environ, "FUPIN_HOME": home, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "fupin.settings"}


def setup_database(env: dict, units: list[str]) -> None:
    """init (tables, the registry), then the units the files name, directly under the root."""
    code = ("import django, json, sys; django.setup()\n"
            "from django.core.management import call_command\n"
            "from fupin.units.models import Unit, UnitKind\n"
            "from fupin.units.selectors import root_unit\n"
            "call_command('init', verbosity=0, stdout=open('/dev/null', 'w'))\n"
            "root = root_unit()\n"
            "names = json.load(sys.stdin)\n"
            "for i, n in enumerate(names):\n"
            "    Unit(parent=root, short_name=n, name=n, kind=UnitKind.GRASSROOTS, order=1000 + i).save()\n")
    subprocess.run([sys.executable, "-c", code], input=json.dumps(units), env=env, text=True, check=True,
                   cwd=ROOT)


# One measurement in a fresh process ---------------------------------------------------------------------------

def paths_of(target: str) -> list[str]:
    return sorted(str(p) for p in Path(target).glob("*.xlsx")) if Path(target).is_dir() else [target]


def bare_read(paths: list[str]) -> int:
    import python_calamine

    rows = 0
    for path in paths:
        sheet = python_calamine.CalamineWorkbook.from_path(path).get_sheet_by_index(0)
        for _ in sheet.iter_rows():
            rows += 1
    return rows


def full_import(paths: list[str], period: str) -> int:
    from fupin.core.periods import Period
    from fupin.ingest.context import ImportOptions
    from fupin.ingest.services import import_files
    from fupin.units.people import system_user

    options = ImportOptions(period=Period.parse(period), by=system_user())
    lines = 0
    for report in import_files([Path(p) for p in paths], options=options):
        if not report.ok:
            raise SystemExit(f"导入失败：{report.file}：{[str(e) for e in report.errors[:3]]}")
        lines += report.imported
    return lines


def writer_holds() -> list[float]:
    """SQLite: how long each of this process's transactions holds the writers' lock (fupin/core/sqlite/base.py),
    which is how long a reporter saving at that moment waits behind the import. Filled as the import runs."""
    from fupin.core.sqlite import base

    holds, since = [], {}
    take, give = base.DatabaseWrapper._writer_take, base.DatabaseWrapper._writer_give

    def timed_take(self):
        take(self)
        since[id(self)] = time.perf_counter()

    def timed_give(self):
        if self._writer_held and id(self) in since:
            holds.append(time.perf_counter() - since.pop(id(self)))
        give(self)

    base.DatabaseWrapper._writer_take, base.DatabaseWrapper._writer_give = timed_take, timed_give
    return holds


def phase(args) -> None:
    """Runs in the child: prints seconds (in process), count, peak memory and (SQLite) the longest hold of the
    writers' lock as JSON."""
    paths = paths_of(args.target)
    holds = []
    if args.phase == "import":
        import django

        django.setup()
        from django.db import connection

        holds = writer_holds() if connection.vendor == "sqlite" else []
        started = time.perf_counter()
        count = full_import(paths, args.period)
    else:
        started = time.perf_counter()
        count = bare_read(paths)
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "count": count, "peak_mb": peak_mb, "longest_hold": max(holds, default=0)}))


def run_child(kind: str, target: str, env: dict, period: str = "") -> dict:
    started = time.perf_counter()
    result = subprocess.run([sys.executable, __file__, "--phase", kind, "--target", target, "--period", period],
                            capture_output=True, text=True, env=env, cwd=ROOT, check=False)
    wall = time.perf_counter() - started
    if result.returncode:
        raise SystemExit(result.stdout[-2000:] + result.stderr[-3000:])
    return {**json.loads(result.stdout.strip().splitlines()[-1]), "wall": wall}


def run_cli(target: str, env: dict, period: str) -> float:
    started = time.perf_counter()
    result = subprocess.run([str(FUPIN), "import", target, "--period", period], capture_output=True, text=True,
                            env=env, cwd=ROOT, check=False)
    wall = time.perf_counter() - started
    if result.returncode:
        raise SystemExit(result.stdout[-2000:] + result.stderr[-3000:])
    return wall


class Periods:
    """A new period for every stored import, …:2020-10 with the first month one earlier each time (2020-01 first:
    every date in the files lies within 2020-01 … 2020-10)."""

    def __init__(self):
        self.first = 2020 * 12  # months since year 0: 2020-01

    def next(self) -> str:
        year, month = divmod(self.first, 12)
        self.first -= 1
        return f"{year:04d}-{month + 1:02d}:2020-10"


def bench_database(kind: str, files: dict, cases: list, repeat: int, tmp: Path) -> dict:
    with own_database(kind, tmp) as url:
        home = tempfile.mkdtemp(prefix="home-", dir=tmp)
        env = child_env(home, url)
        print(f"[{kind}] 建库（init 与 {len(files['units'])} 个单位）…", file=sys.stderr, flush=True)
        setup_database(env, files["units"])
        periods = Periods()
        times: dict = {label: {"read": [], "read_wall": [], "import": [], "cli": [], "peak": [], "lines": 0,
                               "import_x": [], "cli_x": [], "order_x": [], "order_cli_x": [], "hold": []}
                 for label, _ in cases}
        for round_number in range(repeat):
            # Interleaved: each round measures everything once, reference first. The two long files swap places
            # every round: the later one meets a database the earlier just grew, which is not its order's doing.
            ordered = cases if round_number % 2 == 0 else [cases[1], cases[0], *cases[2:]]
            for label, target in ordered:
                read = run_child("read", target, env)
                full = run_child("import", target, env, periods.next())
                cli = run_cli(target, env, periods.next())
                t = times[label]
                t["read"].append(read["seconds"])
                t["read_wall"].append(read["wall"])
                t["import"].append(full["seconds"])
                t["cli"].append(cli)
                t["peak"].append(full["peak_mb"])
                t["hold"].append(full["longest_hold"])
                t["lines"] = full["count"]
                # Ratios within the round: the load of a shared machine drifts between rounds.
                t["import_x"].append(full["seconds"] / read["seconds"])
                t["cli_x"].append(cli / read["wall"])
                print(f"[{kind}] 第{round_number + 1}轮 {label}：裸读 {read['seconds']:.2f}s，导入 {full['seconds']:.2f}s，"
                      f"命令 {cli:.2f}s", file=sys.stderr, flush=True)
            by_unit, by_date = times[cases[0][0]], times[cases[1][0]]  # date order against the sorted file
            by_date["order_x"].append(by_date["import"][-1] / by_unit["import"][-1])
            by_date["order_cli_x"].append(by_date["cli"][-1] / by_unit["cli"][-1])
        return {label: {k: (statistics.median(v) if isinstance(v, list) and v else v) for k, v in t.items()}
                for label, t in times.items()}


def report(kind: str, result: dict, lines: int) -> None:
    goal = 5 if kind == "sqlite" else 8
    print(f"\n== {kind}（中位数；倍数 = 每轮 导入 ÷ 裸读 的中位数，同一轮交替测量；目标 ≤ {goal}×）")
    print(f"{'':<22}{'明细行':>9}{'裸读 s':>9}{'导入 s':>9}{'导入倍数':>9}{'裸读进程 s':>11}{'命令 s':>9}"
          f"{'命令倍数':>9}{'导入峰值':>10}" + (f"{'最长占写锁 s':>13}" if kind == "sqlite" else ""))
    for label, t in result.items():
        print(f"{label:<22}{t['lines']:>9,}{t['read']:>9.2f}{t['import']:>9.2f}{t['import_x']:>8.1f}×"
              f"{t['read_wall']:>11.2f}{t['cli']:>9.2f}{t['cli_x']:>8.1f}×{t['peak']:>8.0f}MB"
              + (f"{t['hold']:>13.2f}" if kind == "sqlite" else ""))
    by_date = result[f"{lines:,} 行（按日期）"]
    print(f"按日期 ÷ 按单位（每轮之比的中位数）：导入 {by_date['order_x']:.2f}×，命令 {by_date['order_cli_x']:.2f}×"
          f"（目标 ≤ 1.2×）")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lines", type=int, default=100_000, help="长文件的明细行数（默认 100000）")
    parser.add_argument("--files", type=int, default=2_000, help="30 行的单位文件个数（默认 2000）")
    parser.add_argument("--repeat", type=int, default=3, help="轮数（默认 3，取中位数）")
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--phase", choices=["read", "import"], help=argparse.SUPPRESS)
    parser.add_argument("--target", help=argparse.SUPPRESS)
    parser.add_argument("--period", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        return phase(args)
    kinds = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    if "postgres" in kinds and not postgres_reachable():
        print("127.0.0.1:5432 上没有 PostgreSQL：只测 SQLite", file=sys.stderr)
        kinds.remove("postgres")
    with tempfile.TemporaryDirectory(prefix="fupin-bench-import-") as name:
        tmp = Path(name)
        folder = tmp / "files"
        folder.mkdir()
        print(f"准备：{args.lines:,} 行的文件（按单位、按日期），{args.files} 个单位文件 × 30 行 …", file=sys.stderr,
              flush=True)
        files = make_files(folder, args.lines, args.files)
        cases = [(f"{args.lines:,} 行（按单位）", files["by_unit"]), (f"{args.lines:,} 行（按日期）", files["by_date"]),
                 (f"{args.files} 个文件 × 30 行", files["small"])]
        for kind in kinds:
            report(kind, bench_database(kind, files, cases, args.repeat, tmp), args.lines)


if __name__ == "__main__":
    main()
