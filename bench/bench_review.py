"""Benchmark of the review queue at scale: its first page and filtered pages read the stored items
(quality/stored.py), against a bare scan of the same lines timed in the same run.

    .venv/bin/python bench/bench_review.py                          # 100,000 and 1,000,000 lines, both databases
    .venv/bin/python bench/bench_review.py --lines 6000000 --db sqlite
    .venv/bin/python bench/bench_review.py --lines 100000 --repeat 7

Each (database, size) runs in its own process with a database of its own: a SQLite file with a unique name in a
temporary FUPIN_HOME, and on PostgreSQL (when 127.0.0.1:5432 answers) a database named for this run, created and
dropped by the benchmark (DATABASE_URL is not used). The demo is loaded; grassroots units are added under its
counties (about 3,000 lines each a year); each reports every month of 2021 (已上报). The lines go in set-based
(executemany on SQLite, COPY on PostgreSQL): mostly clean, and lines without a channel, without a method, duplicate
pairs, odd amounts and excluded lines among them. The findings are then computed by the real check run,
`fupin findings rebuild` (timed once). Timed, interleaved round by round, medians printed:
  - reference: SELECT COUNT(*) over the lines (one scan of the ledger);
  - the office's first page of the queue, and pages filtered by rule, by severity and by a county (GET through
    Django's test client), with their queries and size;
  - a write: one line's 上报说明 written through `line_update` in a report of a large unit (the refresh its commit runs),
    then the first page read right after it.
"""

import argparse
import json
import os
import random
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"
PERIOD = "2021-01:2021-12"
LINES_A_UNIT = 3_000  # a grassroots union's year
MONTHS = 12
KINDS = ["职工个人消费", "职工疗休养", "劳模助力", "单位集中采购", "食堂采购"]
CLEAN = [("农户", "FARM", "线下"), ("合作社", "COOP", "线下"), ("扶贫832平台", "P832", "线上"),
         ("帮扶基地", "BASE", "线下")]


def line_rows(submission_id: int, count: int, rnd: random.Random) -> list[tuple]:
    """One month of a unit, as units write it: (position, product, source, channel, method text, method,
    amount, consumption type, excluded, exclusion reason)."""
    rows = []
    for position in range(1, count + 1):
        roll = rnd.random()
        source, code, method = CLEAN[position % len(CLEAN)]
        product, amount = f"产品{position}", rnd.randint(20_000, 400_000)
        excluded, reason = False, ""
        if roll < 0.05:  # no channel yet: waits for the office
            source, code = f"某帮扶点{rnd.randint(1, 400)}号", ""
        elif roll < 0.08:  # no method
            method = ""
        elif roll < 0.10 and position > 1:  # the previous line again: a duplicate pair
            product = f"产品{position - 1}"
            source, code, method = CLEAN[(position - 1) % len(CLEAN)]
        elif roll < 0.105:  # an odd amount
            amount = rnd.choice([300, 90_000_000])
        elif roll < 0.115:
            excluded, reason = True, "核实后不属于消费"
        rows.append((submission_id, position, product, source, code, method, method, amount,
                     KINDS[position % len(KINDS)], excluded, reason, "", "", "", "", 2021))
    return rows


LINE_COLUMNS = ("submission_id", "position", "product", "source_text", "channel_code", "method_text", "method",
                "amount_fen", "consumption_type", "excluded", "exclusion_reason", "date_text", "purpose", "note",
                "explanation", "period_year")  # the reports are 2021's (the lines' partition key)


def build(lines: int, vendor: str) -> dict:
    """Units, their monthly reports and `lines` lines, set-based; then the check run. Returns its timings."""
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from fupin.reporting.models import PurchaseLine, Status, Submission
    from fupin.units.models import Unit, UnitKind

    call_command("demo", verbosity=0, stdout=open(os.devnull, "w"))
    counties = list(Unit.objects.filter(kind=UnitKind.COUNTY).order_by("pk"))
    units = max(10, lines // LINES_A_UNIT)
    t = time.perf_counter()
    made = []
    with transaction.atomic():
        for i in range(units):
            unit = Unit(parent=counties[i % len(counties)], short_name=f"基层工会{i}", name=f"基层工会{i}",
                        kind=UnitKind.GRASSROOTS, order=5000 + i)
            unit.save()
            made.append(unit)
    now = timezone.now()
    from datetime import date
    Submission.objects.bulk_create([
        Submission(unit=u, first_month=date(2021, m, 1), last_month=date(2021, m, 1), status=Status.SUBMITTED,
                   created_at=now, submitted_at=now, first_submitted_at=now)
        for u in made for m in range(1, MONTHS + 1)], batch_size=2000)
    reports = list(Submission.objects.filter(unit__in=made).order_by("pk").values_list("pk", flat=True))
    each, rnd = lines // len(reports), random.Random(16)
    table = PurchaseLine._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        if vendor == "postgresql":
            raw = connection.connection
            with raw.cursor().copy(f"COPY {table} ({', '.join(LINE_COLUMNS)}) FROM STDIN") as copy:
                for n, pk in enumerate(reports):
                    for row in line_rows(pk, each + (n < lines % len(reports)), rnd):
                        copy.write_row(row)
        else:
            sql = f"INSERT INTO {table} ({', '.join(LINE_COLUMNS)}) VALUES ({', '.join(['%s'] * len(LINE_COLUMNS))})"
            batch = []
            for n, pk in enumerate(reports):
                batch += line_rows(pk, each + (n < lines % len(reports)), rnd)
                if len(batch) > 50_000:
                    cursor.executemany(sql, batch)
                    batch = []
            cursor.executemany(sql, batch)
    if vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    stored_s = time.perf_counter() - t
    t = time.perf_counter()
    call_command("findings", "rebuild", stdout=open(os.devnull, "w"))
    check_s = time.perf_counter() - t
    if vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return {"store_s": round(stored_s, 1), "check_run_s": round(check_s, 1), "units": units}


def one_size(lines: int, repeat: int) -> dict:
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    from fupin.quality.models import ReviewItem
    from fupin.reporting.models import PurchaseLine
    from fupin.reporting.services import line_update
    from fupin.units.models import Unit, UnitKind

    setup_test_environment()
    built = build(lines, connection.vendor)
    office = get_user_model().objects.get(username="office")
    client = Client()
    client.force_login(office)
    county = Unit.objects.filter(kind=UnitKind.COUNTY).order_by("pk").first()
    base = f"/quality/review/?period={PERIOD}"
    pages = {"first": base, "rule": base + "&rule=method_unclear", "severity": base + "&severity=提示",
             "unit": base + f"&unit={county.short_name}"}
    table = PurchaseLine._meta.db_table
    target = PurchaseLine.objects.filter(submission__unit__kind=UnitKind.GRASSROOTS, excluded=False,
                                         method="").select_related("submission__unit").first()
    for url in pages.values():
        client.get(url)
    times: dict[str, list[float]] = {"reference": [], **{k: [] for k in pages}, "write": [], "after_write": []}
    shape = {}
    for round_ in range(repeat):  # interleaved: each round times them all
        t = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM {table}")
            cursor.fetchone()
        times["reference"].append(time.perf_counter() - t)
        for name, url in pages.items():
            with CaptureQueriesContext(connection) as captured:
                t = time.perf_counter()
                response = client.get(url)
                times[name].append(time.perf_counter() - t)
            assert response.status_code == 200, response.status_code
            shape[name] = {"queries": len(captured), "kb": len(response.content) // 1024}
        t = time.perf_counter()  # a write: the line corrected, its report's (and unit's) items refreshed on commit
        line_update(line=target, by=office, reason="填写上报说明", explanation=f"已核对凭证（第{round_ + 1}次）")
        times["write"].append(time.perf_counter() - t)
        t = time.perf_counter()
        response = client.get(pages["first"])
        times["after_write"].append(time.perf_counter() - t)
    medians = {k: statistics.median(v) for k, v in times.items()}
    return {"vendor": connection.vendor, "lines": PurchaseLine.objects.count(), **built,
            "items": ReviewItem.objects.count(), "pages": shape,
            **{f"{k}_ms": round(v * 1000, 1) for k, v in medians.items()},
            **{f"{k}_x": round(v / medians["reference"], 2) for k, v in medians.items() if k != "reference"}}


# Databases this run owns ------------------------------------------------------------------------------------

def postgres_reachable() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=1):
            return True
    except OSError:
        return False


def run_child(vendor: str, lines: int, repeat: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="fupin-bench-review-") as home:
        env = {**os.environ, "FUPIN_HOME": home, "DJANGO_SETTINGS_MODULE": "fupin.settings"}
        name = f"fupin_bench_review_{secrets.token_hex(4)}"
        if vendor == "sqlite":
            env["DATABASE_URL"] = f"sqlite:///{Path(home) / (name + '.sqlite3')}"
        else:
            import psycopg

            with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
                admin.execute(f'CREATE DATABASE "{name}"')
            env["DATABASE_URL"] = PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"
        try:
            done = subprocess.run([sys.executable, __file__, "--child", "--lines", str(lines), "--repeat",
                                   str(repeat)], env=env, cwd=ROOT, capture_output=True, text=True)
        finally:
            if vendor != "sqlite":
                with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
                    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if done.returncode:
            sys.exit(done.stderr[-4000:])
        return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lines", type=int, action="append", help="lines (repeatable); 100000 and 1000000")
    parser.add_argument("--db", choices=["sqlite", "postgres"], action="append", help="both by default")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(one_size(args.lines[0], args.repeat)))
        return
    vendors = args.db or ["sqlite", "postgres"]
    if "postgres" in vendors and not postgres_reachable():
        print("PostgreSQL (127.0.0.1:5432) 不可达，只测 SQLite")
        vendors = [v for v in vendors if v != "postgres"]
    for lines in args.lines or [100_000, 1_000_000]:
        for vendor in vendors:
            r = run_child(vendor, lines, args.repeat)
            print(f"{r['vendor']:>10} {r['lines']:>9} 行 {r['units']} 个基层单位 {r['items']} 条队列条目  "
                  f"入库 {r['store_s']} s  检查（findings rebuild）{r['check_run_s']} s  "
                  f"参照 COUNT(*) {r['reference_ms']} ms")
            for name in ("first", "rule", "severity", "unit", "after_write"):
                shape = r["pages"].get(name if name != "after_write" else "first")
                print(f"{'':>12}{name:<12} {r[name + '_ms']:>9} ms  {r[name + '_x']:>7}×  "
                      f"{shape['queries']} 次查询 {shape['kb']} KB")
            print(f"{'':>12}{'write':<12} {r['write_ms']:>9} ms  {r['write_x']:>7}×  （改一行并刷新其单位的条目）")
            print("RESULT " + json.dumps(r, ensure_ascii=False))


if __name__ == "__main__":
    main()
