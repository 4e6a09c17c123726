"""The lines partitioned by year against one plain table, on PostgreSQL (docs/全国规模部署.md): the figures that
decide when partitioning pays. Both tables have the purchase line's columns, types and indexes (submission_id,
channel_code); the partitioned one is made as migration 0005 makes it (RANGE (period_year), one partition a year,
DEFAULT, primary key (id, period_year)).

    .venv/bin/python bench/bench_partitions.py [--lines 1200000] [--years 8] [--repeats 7] [--postgres URL]

Measured, interleaved (plain, partitioned, plain, …), medians, ratios partitioned ÷ plain:
  - COPY rows/s (the import path: lines_bulk_add), 100,000 lines spread over the years;
  - a yearly figure as the ledger's period filter asks it (reports whose months lie in the year, joined, sums by
    channel and method) — plain table, partitioned without and with the period_year condition (pruning);
  - one report's lines (WHERE submission_id = …) with and without the year, and one line by id.
The database is created under a name of its own and dropped at the end.
"""

import argparse
import os
import random
import statistics
import time
import uuid
from urllib.parse import urlsplit, urlunsplit

import psycopg

FIRST_YEAR = 2019
LINES_A_REPORT = 30
COLUMNS = """
    id bigint NOT NULL DEFAULT nextval('{seq}'),
    position integer NOT NULL CHECK (position >= 0),
    product varchar(200) NOT NULL, source_text varchar(200) NOT NULL, channel_code varchar(20) NOT NULL,
    method_text varchar(50) NOT NULL, method varchar(10) NOT NULL, date_text varchar(50) NOT NULL,
    purchase_date date, quantity_g bigint, amount_fen bigint NOT NULL CHECK (amount_fen >= 0),
    consumption_type varchar(20) NOT NULL, purpose varchar(20) NOT NULL, note varchar(500) NOT NULL,
    explanation text NOT NULL, excluded boolean NOT NULL,
    exclusion_reason varchar(500) NOT NULL CHECK (NOT (excluded AND exclusion_reason = '')),
    submission_id bigint NOT NULL, period_year smallint NOT NULL
"""
NAMES = ("position, product, source_text, channel_code, method_text, method, date_text, purchase_date, quantity_g, "
         "amount_fen, consumption_type, purpose, note, explanation, excluded, exclusion_reason, submission_id, "
         "period_year")
CHANNELS = ["FARM", "COOP", "ENTERPRISE", "ECOMMERCE", "CANTEEN", ""]


def timed(run, *args):
    """(seconds, result) of one call."""
    start = time.perf_counter()
    result = run(*args)
    return time.perf_counter() - start, result


def make_tables(db, years: list[int]) -> None:
    for name, split in (("plain", ""), ("parted", " PARTITION BY RANGE (period_year)")):
        db.execute(f"CREATE SEQUENCE {name}_seq")
        db.execute(f"CREATE TABLE {name} ({COLUMNS.format(seq=name + '_seq')}){split}")
    for year in years + [years[-1] + 1, years[-1] + 2]:  # years ahead, as the migration makes them
        db.execute(f"CREATE TABLE parted_y{year} PARTITION OF parted FOR VALUES FROM ({year}) TO ({year + 1})")
    db.execute("CREATE TABLE parted_default PARTITION OF parted DEFAULT")
    db.execute("CREATE TABLE reports (id bigint PRIMARY KEY, first_month date NOT NULL, last_month date NOT NULL)")
    for name, key in (("plain", "id"), ("parted", "id, period_year")):
        db.execute(f"ALTER TABLE {name} ADD PRIMARY KEY ({key})")
        db.execute(f"CREATE INDEX ON {name} (submission_id)")
        db.execute(f"CREATE INDEX ON {name} (channel_code)")


def fill(db, table: str, lines: int, years: int) -> None:
    """`lines` lines spread evenly over the years, 30 to a report, in one INSERT … SELECT."""
    db.execute(f"""
        INSERT INTO {table} ({NAMES})
        SELECT n % {LINES_A_REPORT}, '小米', '农户', (ARRAY{CHANNELS!r})[1 + n % {len(CHANNELS)}], '线下',
               CASE WHEN n % 3 = 0 THEN '线上' ELSE '线下' END, '', NULL, NULL, (n * 7919) % 5000000,
               '单位集中采购', '', '', '', false, '', n / {LINES_A_REPORT},
               {FIRST_YEAR} + (n / {LINES_A_REPORT}) % {years}
        FROM generate_series(0::bigint, {lines - 1}) AS n""")
    db.execute(f"ANALYZE {table}")


def copy_rows(count: int, years: int, offset: int) -> list[tuple]:
    rows = []
    for n in range(offset, offset + count):
        report = 10_000_000 + n // LINES_A_REPORT
        rows.append((n % LINES_A_REPORT, "小米", "农户", CHANNELS[n % len(CHANNELS)], "线下", "线下", "", None, None,
                     n % 5_000_000, "单位集中采购", "", "", "", False, "", report, FIRST_YEAR + report % years))
    return rows


def copy_into(db, table: str, rows: list[tuple]) -> None:
    with db.cursor() as cursor, cursor.copy(f"COPY {table} ({NAMES}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=1_200_000)
    parser.add_argument("--years", type=int, default=8)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--copy-lines", type=int, default=100_000)
    parser.add_argument("--postgres", default=os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/x"))
    args = parser.parse_args()
    url = urlsplit(args.postgres)
    name = f"{(url.path.lstrip('/') or 'fupin')}_bench_partitions_{uuid.uuid4().hex[:8]}"
    admin = urlunsplit(url._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as server:
        server.execute(f'CREATE DATABASE "{name}"')
    try:
        with psycopg.connect(urlunsplit(url._replace(path="/" + name)), autocommit=True) as db:
            run(db, args)
    finally:
        with psycopg.connect(admin, autocommit=True) as server:
            server.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            print(f"（已删除基准库 {name}）")


def run(db, args) -> None:
    years = list(range(FIRST_YEAR, FIRST_YEAR + args.years))
    make_tables(db, years)
    version = db.execute("SHOW server_version").fetchone()[0]
    print(f"PostgreSQL {version}；{args.lines:,} 行明细，{args.years} 年，每份报表 {LINES_A_REPORT} 行；"
          f"各项 {args.repeats} 轮交替取中位数")

    # Inserting: COPY into each table, interleaved; each round into an emptied table.
    copies = {"plain": [], "parted": []}
    for repeat in range(max(3, args.repeats // 2)):
        rows = copy_rows(args.copy_lines, args.years, repeat * args.copy_lines)
        for table in ("plain", "parted") if repeat % 2 == 0 else ("parted", "plain"):
            db.execute(f"TRUNCATE {table}")
            copies[table].append(timed(copy_into, db, table, rows)[0])
    rate = {t: args.copy_lines / statistics.median(s) for t, s in copies.items()}
    print(f"COPY 写入：普通表 {rate['plain']:,.0f} 行/秒，分区表 {rate['parted']:,.0f} 行/秒，"
          f"分区÷普通 = {rate['parted'] / rate['plain']:.2f}")

    reports = args.lines // LINES_A_REPORT + 1
    db.execute(f"INSERT INTO reports SELECT r, make_date({FIRST_YEAR} + (r % {args.years})::int, 1 + (r % 10)::int, 1), "
               f"make_date({FIRST_YEAR} + (r % {args.years})::int, 1 + (r % 10)::int, 1) "
               f"FROM generate_series(0::bigint, {reports}) AS r")
    db.execute("CREATE INDEX ON reports (first_month, last_month)")
    db.execute("ANALYZE reports")
    for table in ("plain", "parted"):
        db.execute(f"TRUNCATE {table}")
        started = time.perf_counter()
        fill(db, table, args.lines, args.years)
        print(f"  载入 {table}：{time.perf_counter() - started:.1f} 秒")

    year = years[len(years) // 2]
    by_dates = (f"SELECT l.channel_code, l.method, count(*), sum(l.amount_fen) FROM {{t}} l "
                f"JOIN reports s ON s.id = l.submission_id "
                f"WHERE s.first_month >= '{year}-01-01' AND s.last_month <= '{year}-12-31'")
    with_year = f"{by_dates} AND l.period_year BETWEEN {year} AND {year}"
    group = " GROUP BY 1, 2"
    report = random.Random(17).randrange(args.lines // LINES_A_REPORT)
    report_year = FIRST_YEAR + report % args.years
    some_id = db.execute(f"SELECT id FROM plain WHERE submission_id = {report} LIMIT 1").fetchone()[0]
    one_report = f"SELECT count(*), sum(amount_fen) FROM {{t}} WHERE submission_id = {report}"
    cases = {
        "一年的汇总（台账的期间筛选：按报表日期，按渠道、方式汇总）": [
            ("普通表", by_dates.format(t="plain") + group),
            ("分区表（不带年份条件：读全部分区）", by_dates.format(t="parted") + group),
            ("分区表（带年份条件：只读一个分区）", with_year.format(t="parted") + group),
            ("普通表（带年份条件）", with_year.format(t="plain") + group)],
        "一份报表的明细": [("普通表", one_report.format(t="plain")),
                          ("分区表（不带年份）", one_report.format(t="parted")),
                          ("分区表（带年份）", one_report.format(t="parted") + f" AND period_year = {report_year}")],
        "按 id 取一行": [("普通表", f"SELECT * FROM plain WHERE id = {some_id}"),
                        ("分区表", f"SELECT * FROM parted WHERE id = {some_id}")],
    }
    for title, variants in cases.items():
        timings = {label: [] for label, *_ in variants}
        answers = {}
        for repeat in range(args.repeats + 1):  # round 0 warms the cache and is not counted
            order = variants if repeat % 2 == 0 else list(reversed(variants))
            for label, sql in order:
                spent, rows = timed(lambda q: sorted(db.execute(q).fetchall()), sql)
                answers[label] = rows
                if repeat:
                    timings[label].append(spent)
        if len({repr(a) for a in answers.values()}) != 1:
            raise SystemExit(f"结果不一致：{title}")
        base = statistics.median(timings[variants[0][0]])
        parts = [f"{label} {statistics.median(t) * 1000:.2f} 毫秒（{statistics.median(t) / base:.2f}×）"
                 for label, t in timings.items()]
        print(f"{title}：" + "，".join(parts))


if __name__ == "__main__":
    main()
