"""Benchmark of the insights query layer at province scale, against DuckDB scanning the same rows in memory.

    .venv/bin/python bench/bench_pivot.py                  # 100,000 grassroots units × 12 months × 5 lines = 6M lines
    .venv/bin/python bench/bench_pivot.py --scale 0.02     # a quick run (120,000 lines)
    .venv/bin/python bench/bench_pivot.py --db sqlite      # or postgres; both by default

A province: 18 cities → 180 counties → 3,600 towns → grassroots unions, each reporting every month. The data is
generated once in DuckDB and copied in bulk (executemany on SQLite, COPY on PostgreSQL), then the rollup is built
with `rollup_rebuild()`. Timed, through the same `insights.aggregates.aggregate` the pages call:
  - pivot: city × channel over the year (money, lines, excluded), and
  - county month: one county's month by channel,
  - pivot right after a write: one line's amount changed through the ORM (the rollup's deltas run in the
    writer's transaction), then the same pivot read, and
  - the home page and the dashboard, whole requests through Django's test client,
against DuckDB running the same GROUP BYs over the in-memory lines. Each measurement and its reference are
interleaved (ours, DuckDB's, ours, …) and the medians compared. Goals: pivot and pivot-after-write ≤ 0.2× DuckDB's
scan, the county's month under 5 ms, home and dashboard under 200 ms. A plain GROUP BY over the lines (no rollup)
is timed once as well, for scale.
Each database runs in its own process (Django's settings are per process). Each run creates its own databases
under unique names (a temporary SQLite file; a PostgreSQL database `fupin_bench_pivot_<pid>_<random>` on
`--pg-server`) and drops only those.
"""

import argparse
import json
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHANNELS = [("P832", "线上"), ("ECOM", "线上"), ("LIVE", "线上"), ("SECY", "线下"), ("FARM", "线下"),
            ("COOP", "线下"), ("ENTR", "线下"), ("BASE", "线下"), ("VILL", "线下"), ("FAIR", "线下"),
            ("SHOP", "线下"), ("PAIR", "线下"), ("TOUR", "线下"), ("", "")]
TYPES = ["单位集中采购", "职工个人消费", "职工疗休养", "劳模助力", "食堂采购", "其他", ""]
YEAR = 2020


def shape(scale: float) -> dict:
    grassroots = max(36, int(100_000 * scale))
    return {"cities": 18, "counties": 180, "towns": max(180, min(3600, int(3600 * scale))),
            "grassroots": grassroots}


# ---- data, generated in DuckDB -------------------------------------------------------------------------------


def generate(con, scale: float) -> dict:
    s = shape(scale)
    c, k, t, g = s["cities"], s["counties"], s["towns"], s["grassroots"]
    city0, county0, town0, grass0 = 2, 2 + c, 2 + c + k, 2 + c + k + t
    con.execute(f"""
        CREATE TABLE units AS
        SELECT 1 AS id, NULL::BIGINT AS parent_id, '/1/' AS path, 0 AS depth, 'province' AS kind,
               1 AS city_id, 1 AS county_id
        UNION ALL SELECT {city0} + i, 1, '/1/' || ({city0} + i) || '/', 1, 'city', {city0} + i, NULL
          FROM range({c}) r(i)
        UNION ALL SELECT {county0} + i, {city0} + i // {k // c}, '/1/' || ({city0} + i // {k // c}) || '/'
                         || ({county0} + i) || '/', 2, 'county', {city0} + i // {k // c}, {county0} + i
          FROM range({k}) r(i)
        UNION ALL SELECT {town0} + i, {county0} + i % {k}, '/1/' || ({city0} + (i % {k}) // {k // c}) || '/'
                         || ({county0} + i % {k}) || '/' || ({town0} + i) || '/', 3, 'other',
                         {city0} + (i % {k}) // {k // c}, {county0} + i % {k}
          FROM range({t}) r(i)
        UNION ALL SELECT {grass0} + i, {town0} + i % {t}, '/1/' || ({city0} + ((i % {t}) % {k}) // {k // c})
                         || '/' || ({county0} + (i % {t}) % {k}) || '/' || ({town0} + i % {t}) || '/'
                         || ({grass0} + i) || '/', 4, 'grassroots',
                         {city0} + ((i % {t}) % {k}) // {k // c}, {county0} + (i % {t}) % {k}
          FROM range({g}) r(i)
    """)
    con.execute(f"""
        CREATE TABLE subs AS
        SELECT (i * 12 + m + 1)::BIGINT AS id, {grass0} + i AS unit_id, make_date({YEAR}, m + 1, 1) AS first_month,
               make_date({YEAR}, m + 1, 1) AS last_month, CASE WHEN (i + m) % 50 = 0 THEN 'draft' ELSE 'approved' END
               AS status
        FROM range({g}) a(i), range(12) b(m)
    """)
    channels = "[" + ",".join(f"'{code}'" for code, _ in CHANNELS) + "]"
    methods = "[" + ",".join(f"'{method}'" for _, method in CHANNELS) + "]"
    types = "[" + ",".join(f"'{kind}'" for kind in TYPES) + "]"
    con.execute(f"""
        CREATE TABLE lines AS
        SELECT s.id * 5 + p AS id, s.id AS submission_id, p + 1 AS position,
               {channels}[1 + h % {len(CHANNELS)}] AS channel_code,
               CASE WHEN h % 97 = 0 THEN '' ELSE {methods}[1 + h % {len(CHANNELS)}] END AS method,
               {types}[1 + (h // 16) % {len(TYPES)}] AS consumption_type,
               (1000 + (h // 128) % 5000000)::BIGINT AS amount_fen,
               (h // 7) % 100 = 0 AS excluded
        FROM subs s, range(5) q(p), LATERAL (SELECT (hash(s.id * 5 + p) % 1000000007)::BIGINT AS h)
    """)
    counts = {name: con.execute(f"SELECT count(*) FROM {name}").fetchone()[0] for name in ("units", "subs", "lines")}
    return {**s, **counts}


def duck_pivot(con):
    return con.execute(f"""
        SELECT u.city_id, l.channel_code, sum(l.amount_fen) FILTER (WHERE NOT l.excluded),
               count(*) FILTER (WHERE NOT l.excluded), sum(l.amount_fen) FILTER (WHERE l.excluded)
        FROM lines l JOIN subs s ON l.submission_id = s.id JOIN units u ON s.unit_id = u.id
        WHERE s.status IN ('submitted', 'approved') AND s.first_month >= DATE '{YEAR}-01-01'
          AND s.last_month <= DATE '{YEAR}-12-01'
        GROUP BY 1, 2""").fetchall()


def duck_county_month(con, county_id: int):
    return con.execute(f"""
        SELECT l.channel_code, sum(l.amount_fen) FILTER (WHERE NOT l.excluded)
        FROM lines l JOIN subs s ON l.submission_id = s.id JOIN units u ON s.unit_id = u.id
        WHERE u.county_id = {county_id} AND s.status IN ('submitted', 'approved')
          AND s.first_month = DATE '{YEAR}-06-01' AND s.last_month = DATE '{YEAR}-06-01'
        GROUP BY 1""").fetchall()


# ---- copying into the database ---------------------------------------------------------------------------


def _columns(model, provided: dict[str, str]) -> tuple[list[str], str]:
    """The table's columns and a DuckDB select list: generated values where given, each field's empty default."""
    from django.db import models

    names, select = [], []
    for f in model._meta.concrete_fields:
        if f.primary_key and f.column not in provided:
            continue
        names.append(f.column)
        if f.column in provided:
            select.append(provided[f.column])
        elif f.null:
            select.append("NULL")
        elif isinstance(f, models.BooleanField):
            select.append("false")
        elif isinstance(f, models.CharField | models.TextField):
            select.append("''")
        elif isinstance(f, models.DateTimeField):
            select.append(f"TIMESTAMPTZ '{YEAR}-01-01 00:00:00+08'")
        else:
            select.append("0")
    return names, ", ".join(select)


def copy_table(con, model, source: str, provided: dict[str, str], vendor: str) -> None:
    from django.db import connection

    names, select = _columns(model, provided)
    result = con.execute(f"SELECT {select} FROM {source} ORDER BY 1")
    table = model._meta.db_table
    raw = connection.connection
    cols = ", ".join(f'"{n}"' for n in names)
    if vendor == "postgresql":
        with raw.cursor() as cur, cur.copy(f'COPY "{table}" ({cols}) FROM STDIN') as copy:
            while rows := result.fetchmany(100_000):
                for row in rows:
                    copy.write_row(row)
        raw.commit()
    else:
        sql = f'INSERT INTO "{table}" ({cols}) VALUES ({", ".join("?" * len(names))})'
        raw.execute("BEGIN")  # Django's sqlite3 connection autocommits: one transaction per row otherwise
        while rows := result.fetchmany(100_000):
            raw.executemany(sql, rows)
        raw.execute("COMMIT")


def load(con, vendor: str) -> None:
    from fupin.reporting.models import PurchaseLine, Submission
    from fupin.units.models import Unit

    copy_table(con, Unit, "units", {
        "id": "id", "parent_id": "parent_id", "path": "path", "depth": "depth", "kind": "kind",
        "name": "'单位' || id", "short_name": "'单位' || id", "order": "id", "active": "true"}, vendor)
    copy_table(con, Submission, "subs", {
        "id": "id", "unit_id": "unit_id", "first_month": "first_month", "last_month": "last_month",
        "status": "status"}, vendor)
    copy_table(con, PurchaseLine, "lines", {
        "id": "id", "submission_id": "submission_id", "position": "position", "channel_code": "channel_code",
        "method": "method", "consumption_type": "consumption_type", "amount_fen": "amount_fen",
        "excluded": "excluded", "exclusion_reason": "CASE WHEN excluded THEN '不属于消费' ELSE '' END",
        "period_year": str(YEAR)}, vendor)  # the partition key: every generated report lies in YEAR
    from django.db import connection

    with connection.cursor() as cur:
        if vendor == "postgresql":
            for model in (Unit, Submission, PurchaseLine):
                cur.execute(f"SELECT setval(pg_get_serial_sequence('{model._meta.db_table}', 'id'), "
                            f"(SELECT max(id) FROM {model._meta.db_table}))")
            cur.execute("ANALYZE")
        else:
            cur.execute("ANALYZE")


def plain_group_by(connection) -> dict:
    """The city × channel pivot as one GROUP BY over the lines, the city taken from the unit's path."""
    city = ("CAST(split_part(u.path, '/', 3) AS integer)" if connection.vendor == "postgresql"
            else "CAST(substr(u.path, 4, instr(substr(u.path, 4), '/') - 1) AS integer)")
    sql = f"""
        SELECT {city}, l.channel_code, sum(l.amount_fen)
        FROM reporting_purchaseline l JOIN reporting_submission s ON l.submission_id = s.id
        JOIN units_unit u ON s.unit_id = u.id
        WHERE NOT l.excluded AND s.status IN ('submitted', 'approved') AND s.first_month >= %s
          AND s.last_month <= %s
        GROUP BY 1, 2"""
    with connection.cursor() as cur:
        cur.execute(sql, [f"{YEAR}-01-01", f"{YEAR}-12-01"])
        return {(c, ch): a for c, ch, a in cur.fetchall()}


# ---- timing ----------------------------------------------------------------------------------------------


def interleaved(pairs: dict, repeat: int, before=None) -> dict[str, float]:
    """Median seconds of each callable, run in turn (a, b, a, b, …) after one warm-up each; `before` runs
    untimed ahead of each round (the write a "read after a write" follows)."""
    for fn in pairs.values():
        fn()
    times: dict[str, list[float]] = {name: [] for name in pairs}
    for _ in range(repeat):
        for name, fn in pairs.items():
            if before is not None and name in before:
                before[name]()
            start = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(t) for name, t in times.items()}


def worker(args) -> dict:
    import duckdb

    os.environ["DJANGO_SETTINGS_MODULE"] = "fupin.settings"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from fupin.core.periods import Period
    from fupin.insights import aggregates as ag
    from fupin.insights.rollup import rollup_rebuild
    from fupin.units.models import Unit

    out: dict = {"db": connection.vendor}
    call_command("migrate", verbosity=0)
    con = duckdb.connect()
    start = time.perf_counter()
    out["rows"] = generate(con, args.scale)
    out["generate_s"] = time.perf_counter() - start
    start = time.perf_counter()
    load(con, connection.vendor)
    out["load_s"] = time.perf_counter() - start
    start = time.perf_counter()
    rollup_rebuild()
    out["rollup_build_s"] = time.perf_counter() - start
    from fupin.insights.models import Rollup

    out["rollup_rows"] = Rollup.objects.count()

    root = Unit.objects.get(pk=1)
    county = Unit.objects.filter(depth=2).order_by("pk")[7]
    year, june = Period.parse(f"{YEAR}-01:{YEAR}-12"), Period.parse(f"{YEAR}-06")

    def pivot():
        return ag.aggregate(root=root, period=year, by=("unit", "channel")).cells

    def county_month():
        return ag.aggregate(root=county, period=june, by=("channel",)).cells

    cells, duck = pivot(), duck_pivot(con)  # the answers compared below, before any write
    month_cells, duck_month = county_month(), duck_county_month(con, county.pk)
    start = time.perf_counter()
    plain = plain_group_by(connection)
    out["plain_group_by_s"] = time.perf_counter() - start
    medians = interleaved({"pivot_s": pivot, "duck_pivot_s": lambda: duck_pivot(con)}, args.repeat)
    medians |= interleaved({"county_month_s": county_month,
                            "duck_county_month_s": lambda: duck_county_month(con, county.pk)}, args.repeat * 4)
    out.update(medians)

    # A read right after a write: each round changes one counted line's amount (the deltas go to the rollup in
    # the writer's transaction), then reads the pivot. The read writes nothing.
    from django.db import transaction
    from django.test.utils import CaptureQueriesContext

    from fupin.reporting.models import PurchaseLine

    targets = list(PurchaseLine.objects.filter(submission__status="approved", excluded=False)
                   .order_by("pk")[: args.repeat + 1])
    writes: list[float] = []

    def write():
        line = targets.pop()
        start = time.perf_counter()
        with transaction.atomic():
            line.amount_fen += 100
            line.save(update_fields=["amount_fen"])
        writes.append(time.perf_counter() - start)

    after = interleaved({"pivot_after_write_s": pivot, "duck_scan_s": lambda: duck_pivot(con)}, args.repeat,
                        before={"pivot_after_write_s": write})
    out.update(after)
    out["write_s"] = statistics.median(writes) if writes else None
    with CaptureQueriesContext(connection) as ctx:
        pivot()
    out["read_writes"] = sum(q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
                             for q in ctx.captured_queries)
    out["pivot_after_write_ratio"] = out["pivot_after_write_s"] / out["duck_scan_s"]

    # The home page and the dashboard, whole requests, for the office's administrator (sees everything).
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    admin = get_user_model().objects.create_superuser("bench_admin", "bench@example.invalid", "x")
    client = Client()
    client.force_login(admin)

    def page(url):
        def get():
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            out.setdefault("page_bytes", {})[url] = len(response.content)
        return get

    period = f"{YEAR}-01:{YEAR}-12"
    out.update(interleaved({"home_s": page(f"/?period={period}"), "dashboard_s": page(f"/insights/?period={period}"),
                            "duck_home_ref_s": lambda: duck_pivot(con)}, max(3, args.repeat // 2)))
    # The same answers three ways.
    ours = {(k[0], k[1]): (f.amount_fen, f.lines, f.excluded_fen) for k, f in cells.items()}
    theirs = {(c, ch): (a or 0, n or 0, x or 0) for c, ch, a, n, x in duck}
    assert ours == theirs, "rollup and DuckDB disagree"
    assert plain == {k: v[0] for k, v in ours.items() if v[0]}, "rollup and a plain GROUP BY disagree"
    assert {k[0]: f.amount_fen for k, f in month_cells.items()} == {ch: a or 0 for ch, a in duck_month}
    after_writes = ag.aggregate(root=root, period=year, by=("unit", "channel"), source="lines").cells
    assert pivot() == after_writes, "the rollup after the writes differs from the lines"
    out["pivot_ratio"] = out["pivot_s"] / out["duck_pivot_s"]
    return out


def prepare_database(db: str, args) -> tuple[dict, object]:
    """A database of this run's own (unique name) and the function that drops it, and only it."""
    env = dict(os.environ)
    tag = f"{os.getpid()}_{secrets.token_hex(3)}"
    if db == "sqlite":
        folder = Path(tempfile.mkdtemp(prefix=f"fupin_bench_pivot_{tag}_"))
        env["DATABASE_URL"] = f"sqlite:///{folder / 'bench.sqlite3'}"

        def drop():
            for child in folder.iterdir():
                child.unlink()
            folder.rmdir()
        return env, drop
    import psycopg

    server = args.pg_server.rstrip("/")
    name = f"fupin_bench_pivot_{tag}"
    with psycopg.connect(server + "/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    env["DATABASE_URL"] = f"{server}/{name}"

    def drop():
        with psycopg.connect(server + "/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    return env, drop


def report(results: list[dict]) -> None:
    for r in results:
        rows = r["rows"]
        print(f"\n[{r['db']}] {rows['units']:,} units, {rows['subs']:,} submissions, {rows['lines']:,} lines; "
              f"load {r['load_s']:.1f} s, rollup build {r['rollup_build_s']:.1f} s ({r['rollup_rows']:,} rows)")
        print(f"  city × channel year pivot  {r['pivot_s'] * 1000:8.1f} ms   DuckDB {r['duck_pivot_s'] * 1000:8.1f} ms"
              f"   ratio {r['pivot_ratio']:.3f}  (goal ≤ 0.2)   {'OK' if r['pivot_ratio'] <= 0.2 else 'MISSED'}")
        print(f"  one county's month         {r['county_month_s'] * 1000:8.2f} ms   DuckDB "
              f"{r['duck_county_month_s'] * 1000:8.2f} ms   (goal < 5 ms)   "
              f"{'OK' if r['county_month_s'] < 0.005 else 'MISSED'}")
        print(f"  plain GROUP BY over lines  {r['plain_group_by_s'] * 1000:8.1f} ms   "
              f"(×{r['plain_group_by_s'] / r['duck_pivot_s']:.1f} DuckDB)")
        ratio = r["pivot_after_write_ratio"]
        print(f"  pivot right after a write  {r['pivot_after_write_s'] * 1000:8.1f} ms   DuckDB "
              f"{r['duck_scan_s'] * 1000:8.1f} ms   ratio {ratio:.3f}  (goal ≤ 0.2)   {'OK' if ratio <= 0.2 else 'MISSED'}"
              f"   (the write itself {r['write_s'] * 1000:.1f} ms; the read ran {r['read_writes']} writes)")
        for name, label in (("home_s", "home page"), ("dashboard_s", "dashboard")):
            print(f"  {label:<26} {r[name] * 1000:8.1f} ms   (goal < 200 ms)   {'OK' if r[name] < 0.2 else 'MISSED'}"
                  f"   DuckDB's scan {r['duck_home_ref_s'] * 1000:.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1 = 100,000 grassroots units (6M lines)")
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--pg-server", default=os.environ.get("BENCH_PG_SERVER", "postgres://postgres@127.0.0.1:5432"),
                        help="PostgreSQL server (no database name): the run creates and drops its own database")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--json", action="store_true", help="print the measurements as JSON")
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args), default=str))
        return
    results = []
    for db in (("sqlite", "postgres") if args.db == "both" else (args.db,)):
        env, drop = prepare_database(db, args)
        try:
            cmd = [sys.executable, __file__, "--worker", "--scale", str(args.scale), "--repeat", str(args.repeat)]
            done = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True, check=False)
        finally:
            drop()
        if done.returncode:
            sys.stderr.write(done.stderr)
            sys.exit(f"{db}: benchmark failed")
        results.append(json.loads(done.stdout.strip().splitlines()[-1]))
    if args.json:
        print(json.dumps(results, indent=2))
    report(results)


if __name__ == "__main__":
    main()
