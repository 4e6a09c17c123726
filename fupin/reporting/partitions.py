"""The purchase lines partitioned by year on PostgreSQL (docs/全国规模部署.md): one partition a year, a DEFAULT one
for years without their own, primary key (id, period_year); Django keeps seeing `id` as the key. SQLite keeps
one plain table. Used by migration 0005 and by `fupin partitions`."""

import re

from django.db import connection, transaction

from fupin.core.errors import UserError

TABLE = "reporting_purchaseline"
KEY = "period_year"
SEQUENCE = f"{TABLE}_id_seq"
YEARS_AHEAD = 3  # partitions made ahead of this year, so next year's lines never wait in DEFAULT
YEAR_MIN, YEAR_MAX = 2000, 2100

NOT_POSTGRESQL = "按年分区仅用于 PostgreSQL 数据库；当前数据库是 {vendor}，明细表不分区，无需此命令"
NOT_PARTITIONED = "明细表（reporting_purchaseline）尚未分区：请先运行 fupin migrate"
BAD_YEARS = "年份应为 {low}—{high} 之间的整数，如 2027 或 2027:2030，收到“{text}”"


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def is_partitioned(cursor) -> bool:
    cursor.execute("SELECT relkind FROM pg_class WHERE oid = to_regclass(%s)", [TABLE])
    row = cursor.fetchone()
    return bool(row) and row[0] == "p"


def _kept_definitions(cursor, table: str) -> tuple[list[tuple[str, str]], list[str]]:
    """The table's constraints (all but the primary key) and its other indexes, as SQL to make them again —
    read before the table is renamed, so they name it by its own name."""
    cursor.execute("SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass "
                   "AND contype <> 'p' AND conparentid = 0 ORDER BY conname", [table])
    constraints = cursor.fetchall()
    cursor.execute("SELECT pg_get_indexdef(indexrelid) FROM pg_index WHERE indrelid = %s::regclass "
                   "AND NOT indisprimary AND indexrelid NOT IN "
                   "(SELECT conindid FROM pg_constraint WHERE conrelid = %s::regclass) ORDER BY indexrelid",
                   [table, table])
    indexes = [row[0].replace(" ON ONLY ", " ON ") for row in cursor.fetchall()]
    return constraints, indexes


def _sequence_release(cursor, table: str) -> None:
    """Detach the id sequence from the old table, keeping its name and its next value (audit rows keep the ids
    of retired lines: an id is never given twice)."""
    cursor.execute("SELECT attidentity FROM pg_attribute WHERE attrelid = %s::regclass AND attname = 'id'", [table])
    if cursor.fetchone()[0]:  # an identity column (Django ≥ 4.1): its sequence dies with it, so copy it
        cursor.execute(f"SELECT last_value, is_called FROM {_q(SEQUENCE)}")
        last, called = cursor.fetchone()
        cursor.execute(f"ALTER TABLE {_q(table)} ALTER COLUMN id DROP IDENTITY")
        cursor.execute(f"CREATE SEQUENCE {_q(SEQUENCE)} AS bigint")
        cursor.execute("SELECT setval(%s, %s, %s)", [SEQUENCE, last, called])
    else:  # a sequence default (this module's own tables)
        cursor.execute(f"ALTER TABLE {_q(table)} ALTER COLUMN id DROP DEFAULT")
        cursor.execute(f"ALTER SEQUENCE {_q(SEQUENCE)} OWNED BY NONE")


def table_rebuild(cursor, *, partitioned: bool, this_year: int) -> None:
    """Make the lines table again, partitioned by year or plain, with the same columns, defaults, id sequence,
    constraints and indexes, the rows moved over in one INSERT … SELECT. Runs inside the migration's transaction."""
    cursor.execute("SELECT conrelid::regclass::text FROM pg_constraint WHERE confrelid = %s::regclass", [TABLE])
    if pointing := [row[0] for row in cursor.fetchall()]:
        raise RuntimeError(f"{TABLE} is referenced by {pointing}; partitioning needs no foreign key to the lines")
    constraints, indexes = _kept_definitions(cursor, TABLE)
    old = f"{TABLE}__old"
    cursor.execute(f"LOCK TABLE {_q(TABLE)} IN ACCESS EXCLUSIVE MODE")
    cursor.execute(f"ALTER TABLE {_q(TABLE)} RENAME TO {_q(old)}")
    _sequence_release(cursor, old)
    split = f" PARTITION BY RANGE ({_q(KEY)})" if partitioned else ""
    cursor.execute(f"CREATE TABLE {_q(TABLE)} (LIKE {_q(old)} INCLUDING DEFAULTS INCLUDING STORAGE "
                   f"INCLUDING COMMENTS){split}")
    cursor.execute(f"ALTER TABLE {_q(TABLE)} ALTER COLUMN id SET DEFAULT nextval('{SEQUENCE}'::regclass)")
    cursor.execute(f"ALTER SEQUENCE {_q(SEQUENCE)} OWNED BY {_q(TABLE)}.id")
    if partitioned:
        cursor.execute(f"SELECT DISTINCT {_q(KEY)} FROM {_q(old)}")
        years = {row[0] for row in cursor.fetchall()} | set(range(this_year, this_year + YEARS_AHEAD + 1))
        for year in sorted(years):
            _partition_create(cursor, year)
        cursor.execute(f"CREATE TABLE {_q(TABLE + '_default')} PARTITION OF {_q(TABLE)} DEFAULT")
    cursor.execute(f"INSERT INTO {_q(TABLE)} SELECT * FROM {_q(old)}")
    cursor.execute(f"DROP TABLE {_q(old)}")  # its partitions go with it
    key = f"id, {_q(KEY)}" if partitioned else "id"
    cursor.execute(f"ALTER TABLE {_q(TABLE)} ADD CONSTRAINT {_q(TABLE + '_pkey')} PRIMARY KEY ({key})")
    for name, definition in constraints:
        cursor.execute(f"ALTER TABLE {_q(TABLE)} ADD CONSTRAINT {_q(name)} {definition}")
    for definition in indexes:
        cursor.execute(definition)


def _partition_create(cursor, year: int) -> None:
    cursor.execute(f"CREATE TABLE {_q(f'{TABLE}_y{year}')} PARTITION OF {_q(TABLE)} "
                   f"FOR VALUES FROM ({int(year)}) TO ({int(year) + 1})")


_RANGE = re.compile(r"FOR VALUES FROM \('?(\d+)'?\) TO \('?(\d+)'?\)")


def partitions_list() -> list[tuple[str, str, int]]:
    """Each partition: its name, the years it holds (or 默认), its row count (counted, not estimated)."""
    with connection.cursor() as cursor:
        _ensure_partitioned(cursor)
        found = _partitions(cursor)
        result = []
        for name, low, high in found:
            cursor.execute(f"SELECT count(*) FROM {_q(name)}")
            years = "默认（其他年份）" if low is None else (f"{low}" if high == low + 1 else f"{low}—{high - 1}")
            result.append((name, years, cursor.fetchone()[0]))
    return result


def _partitions(cursor) -> list[tuple[str, int | None, int | None]]:
    cursor.execute("SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) FROM pg_inherits i "
                   "JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = %s::regclass ORDER BY c.relname",
                   [TABLE])
    found = []
    for name, bound in cursor.fetchall():
        match = _RANGE.search(bound or "")
        found.append((name, int(match[1]), int(match[2])) if match else (name, None, None))
    return sorted(found, key=lambda p: (p[1] is None, p[1] or 0))


def _ensure_partitioned(cursor) -> None:
    if connection.vendor != "postgresql":
        raise UserError(NOT_POSTGRESQL.format(vendor=connection.display_name))
    if not is_partitioned(cursor):
        raise UserError(NOT_PARTITIONED)


def years_parse(text: str) -> range:
    """2027 or 2027:2030 (both ends included)."""
    low, _, high = text.strip().partition(":")
    try:
        first, last = int(low), int(high or low)
    except ValueError:
        raise UserError(BAD_YEARS.format(low=YEAR_MIN, high=YEAR_MAX, text=text)) from None
    if not (YEAR_MIN <= first <= last <= YEAR_MAX):
        raise UserError(BAD_YEARS.format(low=YEAR_MIN, high=YEAR_MAX, text=text))
    return range(first, last + 1)


def partitions_ensure(years: range) -> list[tuple[int, int]]:
    """Give each year its own partition where it has none; the lines of that year waiting in DEFAULT move into it.
    One transaction, the table locked: readers wait a moment, nobody sees a line twice or not at all.
    Returns (year, lines moved) for each partition made."""
    made = []
    with transaction.atomic(), connection.cursor() as cursor:
        _ensure_partitioned(cursor)
        cursor.execute(f"LOCK TABLE {_q(TABLE)} IN ACCESS EXCLUSIVE MODE")
        found = _partitions(cursor)
        covered = {y for _, low, high in found if low is not None for y in range(low, high)}
        default = next((name for name, low, _ in found if low is None), None)
        for year in years:
            if year in covered:
                continue
            moved = 0
            if default:  # PostgreSQL refuses a new partition while DEFAULT holds rows of its range: move them out
                cursor.execute(f"CREATE TEMP TABLE fupin_moving (LIKE {_q(TABLE)}) ON COMMIT DROP")
                cursor.execute(f"WITH moved AS (DELETE FROM {_q(default)} WHERE {_q(KEY)} = %s RETURNING *) "
                               f"INSERT INTO fupin_moving SELECT * FROM moved", [year])
                moved = cursor.rowcount
            _partition_create(cursor, year)
            if default:
                cursor.execute(f"INSERT INTO {_q(TABLE)} SELECT * FROM fupin_moving")
                cursor.execute("DROP TABLE fupin_moving")
            made.append((year, moved))
    return made
