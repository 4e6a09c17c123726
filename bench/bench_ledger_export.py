"""Benchmark: the ledger export streams in bounded memory. Peak Python memory (tracemalloc) of the 100,000-line export
against the 10,000-line export measured in the same run: bounded memory means a ratio near 1, not 10.

    .venv/bin/python bench/bench_ledger_export.py                    # SQLite
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/x .venv/bin/python bench/bench_ledger_export.py   # PostgreSQL too
    .venv/bin/python bench/bench_ledger_export.py --lines 20000 --repeat 3

The benchmark makes its own database and removes it: SQLite in a temporary FUPIN_HOME; on PostgreSQL (when
DATABASE_URL points at one) a database named fupin_bench_ledger_<pid>, created and dropped here. The demo is loaded,
then ten months (2021-01 … 2021-10) of lines are added, a tenth of the total each, over the seed's units (some lines
without a channel, some duplicates, some odd amounts, so the findings have work to do). Each round exports, through
the real view (Django's test client, as the office), the first month (the reference, a tenth of the lines) and all ten
months, as CSV (UTF-8) and as xlsx, consuming the stream without keeping it; interleaved, medians printed.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SMALL, LARGE = "2021-01", "2021-01:2021-10"


def build(lines: int) -> None:
    from django.core.management import call_command

    from fupin.core.periods import Period
    from fupin.reporting.services import LineInput, lines_bulk_add, submission_create
    from fupin.units.selectors import reporting_units

    call_command("demo", verbosity=0, stdout=open(os.devnull, "w"))
    units = list(reporting_units())
    per_month = lines // 10
    for month in range(1, 11):
        period = Period.parse(f"2021-{month:02d}")
        for u, unit in enumerate(units):
            count = per_month // len(units) + (u < per_month % len(units))
            submission = submission_create(unit=unit, period=period, lines=[], by=None, status="submitted",
                                           is_zero_report=False, summary="组织职工购买扶贫产品")
            batch = []
            for i in range(count):
                kind = i % 10
                source, code = ("某帮扶点", "") if kind < 2 else ("农户", "FARM")
                amount = 10_000 + (i * 7919 + u) % 500_000 if kind != 9 else 5_000_000
                batch.append(LineInput(amount_fen=amount, product=f"小米{i % 97}", source_text=source,
                                       channel_code=code, method_text="线下", method="线下",
                                       note="职工节日慰问" if kind == 3 else ""))
            lines_bulk_add(submission=submission, lines=batch, by=None)


def measure(client, fmt: str, period: str) -> tuple[float, int, float, int]:
    """(peak MiB, bytes, seconds, lines) of one export, the stream read and dropped chunk by chunk."""
    tracemalloc.start()
    t = time.perf_counter()
    response = client.get(f"/insights/ledger/export.{fmt}", {"period": period, "encoding": "utf-8"})
    assert response.status_code == 200, response.status_code
    size = newlines = 0
    for chunk in response.streaming_content:
        size += len(chunk)
        newlines += chunk.count(b"\r\n")
    response.close()
    seconds = time.perf_counter() - t
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20, size, seconds, newlines - 1


def worker(lines: int, repeat: int) -> dict:
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from fupin.reporting.models import PurchaseLine

    setup_test_environment()
    t = time.perf_counter()
    build(lines)
    built = time.perf_counter() - t
    client = Client()
    client.force_login(get_user_model().objects.get(username="office"))
    for fmt in ("csv", "xlsx"):  # warm up: imports, templates, the classifier's tables
        measure(client, fmt, SMALL)
    runs: dict[tuple, list] = {}
    for _ in range(repeat):  # interleaved: each round exports both sizes in both formats
        for fmt in ("csv", "xlsx"):
            for name, period in (("small", SMALL), ("large", LARGE)):
                runs.setdefault((fmt, name), []).append(measure(client, fmt, period))
    out = {"db": connection.vendor, "lines": PurchaseLine.objects.count(), "build_s": round(built, 1)}
    for (fmt, name), results in runs.items():
        out[f"{fmt}_{name}_mib"] = round(statistics.median(r[0] for r in results), 2)
        out[f"{fmt}_{name}_s"] = round(statistics.median(r[2] for r in results), 2)
        out[f"{fmt}_{name}_bytes"] = results[-1][1]
        if fmt == "csv":
            out[f"{fmt}_{name}_lines"] = results[-1][3]
    for fmt in ("csv", "xlsx"):
        out[f"{fmt}_memory_x"] = round(out[f"{fmt}_large_mib"] / out[f"{fmt}_small_mib"], 2)
        out[f"{fmt}_time_x"] = round(out[f"{fmt}_large_s"] / out[f"{fmt}_small_s"], 1)
    return out


def run(env: dict, lines: int, repeat: int) -> dict:
    done = subprocess.run([sys.executable, __file__, "--worker", "--lines", str(lines), "--repeat", str(repeat)],
                          env=env, cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode:
        sys.exit(done.stderr[-3000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lines", type=int, default=100_000, help="lines over ten months (the reference: one)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.lines, args.repeat)))
        return
    results = []
    with tempfile.TemporaryDirectory(prefix="fupin-bench-ledger-") as home:
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        env.update(FUPIN_HOME=home, DJANGO_SETTINGS_MODULE="fupin.settings",
                   DATABASE_URL=f"sqlite:///{home}/bench.sqlite3")
        results.append(run(env, args.lines, args.repeat))
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        import psycopg

        name = f"fupin_bench_ledger_{os.getpid()}"
        server = url.rsplit("/", 1)[0]
        with psycopg.connect(server + "/postgres", autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        try:
            with tempfile.TemporaryDirectory(prefix="fupin-bench-ledger-") as home:
                env = dict(os.environ, FUPIN_HOME=home, DJANGO_SETTINGS_MODULE="fupin.settings",
                           DATABASE_URL=f"{server}/{name}")
                results.append(run(env, args.lines, args.repeat))
        finally:
            with psycopg.connect(server + "/postgres", autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    for r in results:
        print(f"[{r['db']}] {r['lines']:,} 行（建库 {r['build_s']} s），每项 {args.repeat} 次的中位数：")
        for fmt in ("csv", "xlsx"):
            print(f"  {fmt:4}  参照 {SMALL}（{r.get('csv_small_lines', 0):,} 行）峰值内存 {r[f'{fmt}_small_mib']:6.2f} MiB "
                  f"{r[f'{fmt}_small_s']:6.2f} s   {LARGE}（{r.get('csv_large_lines', 0):,} 行）"
                  f"{r[f'{fmt}_large_mib']:6.2f} MiB {r[f'{fmt}_large_s']:6.2f} s   "
                  f"内存比 {r[f'{fmt}_memory_x']}×（目标约1×，不随行数增长）  用时比 {r[f'{fmt}_time_x']}×  "
                  f"文件 {r[f'{fmt}_large_bytes'] // 1024:,} KB")


if __name__ == "__main__":
    main()
