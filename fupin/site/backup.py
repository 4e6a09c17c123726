"""One archive (tar.gz) holding the database and the uploaded files, with a manifest saying what is inside:
the fupin version, the migrations applied per app, a sha256 for every member and counts of what matters.

The database is copied consistently while the site keeps running: SQLite through its online backup API (one
step, one read snapshot; in WAL mode writers go on), PostgreSQL through pg_dump inside an exported snapshot, the
same one the counts are taken in. Restore refuses what it cannot restore faithfully — a damaged archive, one
from a newer fupin, one whose migrations this code does not know — and will not overwrite data unless told to."""

import contextlib
import hashlib
import importlib.metadata
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from django.apps import apps
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone

from fupin.core.errors import UserError

FORMAT = 1
MANIFEST = "manifest.json"
MEDIA = "media"
DATABASE_MEMBER = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
ARCHIVE_PREFIX, ARCHIVE_SUFFIX = "fupin-backup-", ".tar.gz"
PARTIAL_PREFIX = ".partial-"  # uploads not yet committed (fupin.reporting.files): never archived

NOT_AN_ARCHIVE = "“{path}”不是 fupin 的备份文件（无法按 tar.gz 读取，或缺少 manifest.json）：{error}"
DAMAGED = "备份文件“{path}”已损坏：{member} 的校验值与清单不符（{detail}），未做任何恢复"
NEWER_VERSION = "备份来自更新版本的 fupin（{archive}），本程序是 {current}：请先升级本程序再恢复"
UNKNOWN_MIGRATIONS = "备份中的数据库结构比本程序新（本程序不认识迁移：{names}）：请先升级本程序再恢复"
OTHER_DATABASE = "备份的数据库是 {archive}，当前配置的是 {current}：不能跨数据库恢复"
NOT_EMPTY = ("当前数据库已有数据（单位 {units} 个、报表 {reports} 份、明细 {lines} 行）；恢复会覆盖它们。"
             "确认要覆盖请加 --force（建议先 fupin backup 备份当前数据）")
NO_PG_TOOL = "找不到 {tool}：PostgreSQL 的备份与恢复需要它，请安装 postgresql-client 软件包（版本与服务器一致）"
PG_TOOL_FAILED = "{tool} 失败：{error}"
UNSAFE_MEMBER = "备份文件中的“{name}”不是普通文件或路径不安全，拒绝恢复"
BAD_KEEP = "--keep 应为正整数，而不是“{value}”"


@dataclass
class BackupResult:
    path: Path
    manifest: dict
    pruned: list[Path]


def fupin_version() -> str:
    try:
        return importlib.metadata.version("fupin")
    except importlib.metadata.PackageNotFoundError:
        return "0"


def _version_tuple(text: str) -> tuple:
    return tuple(int(part) if part.isdigit() else 0 for part in text.split("."))


def _vendor() -> str:
    return connections[DEFAULT_DB_ALIAS].vendor


def _count_tables() -> dict[str, list[str]]:
    """What the manifest counts, by table: the history rows are every simple-history table."""
    from fupin.reporting.models import PurchaseLine, Submission, SubmissionFile
    from fupin.units.models import Unit

    history = sorted(m._meta.db_table for m in apps.get_models() if hasattr(m, "instance_type"))
    return {"units": [Unit._meta.db_table], "reports": [Submission._meta.db_table],
            "lines": [PurchaseLine._meta.db_table], "attachments": [SubmissionFile._meta.db_table],
            "users": ["auth_user"], "history_rows": history}


def _counts(cursor, existing: set[str]) -> dict[str, int]:
    counts = {}
    for key, tables in _count_tables().items():
        total = 0
        for table in tables:
            if table in existing:
                cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
                total += cursor.fetchone()[0]
        counts[key] = total
    return counts


def _migrations(cursor) -> dict[str, list[str]]:
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
    applied: dict[str, list[str]] = {}
    for app, name in cursor.fetchall():
        applied.setdefault(app, []).append(name)
    return applied


def _stream_sha256(stream) -> str:
    digest = hashlib.sha256()
    for block in iter(lambda: stream.read(1 << 20), b""):
        digest.update(block)
    return digest.hexdigest()


def _sha256(path: Path) -> str:
    with open(path, "rb") as stream:
        return _stream_sha256(stream)


# ---- the database, per engine ------------------------------------------------------------------------------

def _sqlite_path() -> Path:
    return Path(settings.DATABASES[DEFAULT_DB_ALIAS]["NAME"])


def _sqlite_snapshot(target: Path) -> tuple[dict, dict]:
    """Copy the live database with SQLite's online backup API in one step (one read transaction, so the copy is
    one moment of the database); counts and migrations are read from the copy."""
    if not _sqlite_path().exists():
        raise UserError(f"数据库文件 {_sqlite_path()} 不存在：没有可备份的数据（新安装请先运行 fupin init）")
    source = sqlite3.connect(_sqlite_path(), timeout=settings.DATABASES[DEFAULT_DB_ALIAS]["OPTIONS"]["timeout"])
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file in the archive
        cursor = copy.cursor()
        existing = {r[0] for r in cursor.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        return _counts(cursor, existing), _migrations(cursor)
    finally:
        copy.close()
        source.close()


def _pg_params() -> tuple[list[str], dict]:
    db = settings.DATABASES[DEFAULT_DB_ALIAS]
    args = ["-d", db["NAME"]]
    if db.get("HOST"):
        args += ["-h", db["HOST"]]
    if db.get("PORT"):
        args += ["-p", str(db["PORT"])]
    if db.get("USER"):
        args += ["-U", db["USER"]]
    env = os.environ | ({"PGPASSWORD": db["PASSWORD"]} if db.get("PASSWORD") else {})
    return args, env


def _pg_tool(tool: str, *args: str) -> None:
    if shutil.which(tool) is None:
        raise UserError(NO_PG_TOOL.format(tool=tool))
    connection_args, env = _pg_params()
    result = subprocess.run([tool, *args, *connection_args], env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise UserError(PG_TOOL_FAILED.format(tool=tool, error=result.stderr.strip()[-2000:]))


# Partitioned tables (the lines, by year) go whole first: pg_restore's --clean drops a partition's primary key
# on its own, which PostgreSQL refuses ("cannot drop inherited constraint").
_DROP_PARTITIONED = """DO $$ DECLARE t record; BEGIN
  FOR t IN SELECT c.oid::regclass AS name FROM pg_class c WHERE c.relkind = 'p' AND NOT c.relispartition
           AND c.relnamespace = current_schema()::regnamespace LOOP
    EXECUTE 'DROP TABLE ' || t.name || ' CASCADE';
  END LOOP; END $$;"""


def _pg_restore(dump: Path) -> None:
    """The dump's clean-and-restore script, run by psql in one transaction after the partitioned tables are
    dropped: either all of the archive is in the database or nothing changed."""
    if shutil.which("pg_restore") is None:
        raise UserError(NO_PG_TOOL.format(tool="pg_restore"))
    script = dump.with_name("restore.sql")
    result = subprocess.run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges",
                             f"--file={script}", str(dump)], capture_output=True, text=True)
    if result.returncode != 0:
        raise UserError(PG_TOOL_FAILED.format(tool="pg_restore", error=result.stderr.strip()[-2000:]))
    _pg_tool("psql", "-X", "-q", "--single-transaction", "-v", "ON_ERROR_STOP=1", "-c", _DROP_PARTITIONED,
             "-f", str(script))


def _pg_snapshot(target: Path) -> tuple[dict, dict]:
    """pg_dump in the snapshot the counts were read in: the manifest describes exactly what was dumped."""
    import psycopg

    db = settings.DATABASES[DEFAULT_DB_ALIAS]
    with psycopg.connect(dbname=db["NAME"], host=db.get("HOST") or None, port=db.get("PORT") or None,
                         user=db.get("USER") or None, password=db.get("PASSWORD") or None) as conn:
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        conn.read_only = True
        with conn.cursor() as cursor:
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
            existing = {r[0] for r in cursor.fetchall()}
            counts, migrations = _counts(cursor, existing), _migrations(cursor)
            _pg_tool("pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot}",
                     f"--file={target}")
    return counts, migrations


# ---- writing the archive -------------------------------------------------------------------------------------

def _media_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file() and not p.name.startswith(PARTIAL_PREFIX))


class _Hashing(io.RawIOBase):
    """Reads a file into the archive and hashes it on the way: each file is read once."""

    def __init__(self, stream):
        self.stream, self.digest = stream, hashlib.sha256()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self.stream.read(len(buffer))
        self.digest.update(data)
        buffer[: len(data)] = data
        return len(data)


def archive_path_for(output: str | Path) -> Path:
    """A directory (or a name ending in /) gets a new archive named by the time; anything else is the
    archive's own name."""
    is_directory = str(output).endswith(("/", os.sep))
    output = Path(output)
    if is_directory or output.is_dir():
        output.mkdir(parents=True, exist_ok=True)
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        path = output / f"{ARCHIVE_PREFIX}{stamp}{ARCHIVE_SUFFIX}"
        number = 2
        while path.exists():
            path = output / f"{ARCHIVE_PREFIX}{stamp}-{number}{ARCHIVE_SUFFIX}"
            number += 1
        return path
    output.parent.mkdir(parents=True, exist_ok=True)
    return output


def backup_create(*, output: str | Path, keep: int | None = None, say: Callable[[str], None] = print,
                  progress: Callable = lambda items, **kw: items) -> BackupResult:
    if keep is not None and keep < 1:
        raise UserError(BAD_KEEP.format(value=keep))
    vendor = _vendor()
    if vendor not in DATABASE_MEMBER:
        raise UserError(f"不支持备份 {vendor} 数据库")
    path = archive_path_for(output)
    partial = path.with_name(f"{PARTIAL_PREFIX}{path.name}")  # a full disk leaves no archive that looks whole
    with tempfile.TemporaryDirectory(prefix="fupin-backup-", dir=path.parent) as work:
        database = Path(work) / DATABASE_MEMBER[vendor]
        say(f"复制数据库（{vendor}）……")
        counts, migrations = (_sqlite_snapshot if vendor == "sqlite" else _pg_snapshot)(database)
        checksums = {DATABASE_MEMBER[vendor]: _sha256(database)}
        media_root, files = Path(settings.MEDIA_ROOT), _media_files()
        say(f"打包数据库和 {len(files)} 个上传文件……")
        try:
            with tarfile.open(partial, "w:gz") as archive:
                archive.add(database, arcname=DATABASE_MEMBER[vendor])
                for file in progress(files, desc="上传文件", unit="个"):
                    name = f"{MEDIA}/{file.relative_to(media_root).as_posix()}"
                    info = archive.gettarinfo(file, arcname=name)
                    with open(file, "rb") as stream:
                        hashing = _Hashing(stream)
                        archive.addfile(info, hashing)
                    checksums[name] = hashing.digest.hexdigest()
                manifest = {"format": FORMAT, "fupin_version": fupin_version(), "created_at":
                            timezone.localtime().isoformat(timespec="seconds"), "database": vendor,
                            "migrations": migrations, "counts": counts, "media_files": len(files),
                            "checksums": checksums}
                data = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mtime, info.mode = len(data), int(timezone.now().timestamp()), 0o600
                archive.addfile(info, io.BytesIO(data))
            os.chmod(partial, 0o600)  # the archive holds every unit's figures and the password hashes
            os.replace(partial, path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                partial.unlink()
            raise
    pruned = prune(path.parent, keep) if keep else []
    return BackupResult(path=path, manifest=manifest, pruned=pruned)


def prune(directory: Path, keep: int) -> list[Path]:
    """Remove all but the newest `keep` archives named the way this command names them."""
    archives = sorted((p for p in directory.glob(f"{ARCHIVE_PREFIX}*{ARCHIVE_SUFFIX}") if p.is_file()),
                      key=lambda p: (p.stat().st_mtime, p.name))
    old = archives[:-keep]
    for path in old:
        path.unlink()
    return old


# ---- restoring ----------------------------------------------------------------------------------------------

def read_manifest(path: Path) -> dict:
    try:
        with tarfile.open(path, "r:gz") as archive:
            stream = archive.extractfile(MANIFEST)
            return json.loads(stream.read())
    except (OSError, tarfile.TarError, KeyError, ValueError) as exc:
        raise UserError(NOT_AN_ARCHIVE.format(path=path, error=exc)) from None


def _safe_member(member: tarfile.TarInfo) -> PurePosixPath:
    name = PurePosixPath(member.name)
    if not member.isfile() or name.is_absolute() or ".." in name.parts:
        raise UserError(UNSAFE_MEMBER.format(name=member.name))
    return name


def _verify(path: Path, manifest: dict, progress) -> None:
    """Every member's sha256 against the manifest, before anything is touched."""
    expected = dict(manifest.get("checksums", {}))
    with tarfile.open(path, "r:gz") as archive:
        for member in progress(archive, desc="校验", unit="个"):
            if member.name == MANIFEST:
                continue
            _safe_member(member)
            if member.name not in expected:
                raise UserError(DAMAGED.format(path=path, member=member.name, detail="清单中没有此文件"))
            if _stream_sha256(archive.extractfile(member)) != expected.pop(member.name):
                raise UserError(DAMAGED.format(path=path, member=member.name, detail="内容被改动或不完整"))
    if expected:
        raise UserError(DAMAGED.format(path=path, member="、".join(sorted(expected)), detail="备份中缺少这些文件"))


def _check_compatible(manifest: dict) -> None:
    from django.db.migrations.loader import MigrationLoader

    if _version_tuple(manifest.get("fupin_version", "0")) > _version_tuple(fupin_version()):
        raise UserError(NEWER_VERSION.format(archive=manifest.get("fupin_version"), current=fupin_version()))
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    unknown = [f"{app}.{name}" for app, names in manifest.get("migrations", {}).items() for name in names
               if (app, name) not in known]
    if unknown:
        raise UserError(UNKNOWN_MIGRATIONS.format(names="、".join(unknown[:10])))
    if manifest.get("database") != _vendor():
        raise UserError(OTHER_DATABASE.format(archive=manifest.get("database"), current=_vendor()))


def current_counts() -> dict[str, int]:
    connection = connections[DEFAULT_DB_ALIAS]
    existing = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        return _counts(cursor, existing)


def _extract(archive: tarfile.TarFile, member: tarfile.TarInfo, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f"{PARTIAL_PREFIX}{target.name}")
    try:
        with archive.extractfile(member) as source, open(partial, "wb") as out:
            shutil.copyfileobj(source, out, 1 << 20)
        os.replace(partial, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()
        raise


def _restore_sqlite(dump: Path) -> None:
    """Copy the archived database into the configured file through the backup API (it takes the write lock and
    replaces every page, WAL included), so no half-copied file is ever in place."""
    target = sqlite3.connect(_sqlite_path(), timeout=settings.DATABASES[DEFAULT_DB_ALIAS]["OPTIONS"]["timeout"])
    source = sqlite3.connect(dump)
    try:
        source.backup(target)
        target.execute("PRAGMA journal_mode=WAL")
    finally:
        source.close()
        target.close()


def backup_restore(*, path: Path, force: bool = False, say: Callable[[str], None] = print,
                   progress: Callable = lambda items, **kw: items) -> dict:
    """Restore an archive into the configured database and MEDIA_ROOT; returns the restored counts."""
    from django.core.management import call_command

    path = Path(path)
    manifest = read_manifest(path)
    _check_compatible(manifest)
    present = current_counts()
    if not force and any(present[k] for k in ("units", "reports", "lines", "users")):
        raise UserError(NOT_EMPTY.format(**present))
    say("校验备份文件……")
    _verify(path, manifest, progress)
    vendor = manifest["database"]
    media_root = Path(settings.MEDIA_ROOT)
    connections.close_all()
    with tempfile.TemporaryDirectory(prefix="fupin-restore-") as work, tarfile.open(path, "r:gz") as archive:
        dump = Path(work) / DATABASE_MEMBER[vendor]
        _extract(archive, archive.getmember(DATABASE_MEMBER[vendor]), dump)
        say(f"恢复数据库（{vendor}）……")
        if vendor == "sqlite":
            _restore_sqlite(dump)
        else:
            _pg_restore(dump)
        members = [m for m in archive.getmembers() if m.name.startswith(f"{MEDIA}/")]
        say(f"恢复 {len(members)} 个上传文件……")
        for member in progress(members, desc="上传文件", unit="个"):
            relative = _safe_member(member).relative_to(MEDIA)
            _extract(archive, member, media_root.joinpath(*relative.parts))
    counts = {key: value for key, value in current_counts().items() if key in manifest["counts"]}
    if counts != manifest["counts"]:
        raise UserError(f"恢复后的数量与备份清单不符：清单 {manifest['counts']}，数据库 {counts}")
    call_command("migrate", verbosity=0, interactive=False)  # an archive from an older fupin is brought up to date
    return counts
