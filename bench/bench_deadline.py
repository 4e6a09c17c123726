"""Deadline day on `fupin serve`: 20 reporters, each sending its unit's months one request per report (the month
form: three lines and the submission together). Reference, timed in the same run on the same database: the
database's own commit rate (20 threads, one small INSERT per transaction).

The reporters are 20 new grassroots unions (no history of their own to judge the amounts against), all logged in
before the clock starts. A report counts only if it ends 已上报: after each round the database is asked how many of
the round's reports are, and the rest are failures (a submission the checks refused is not a report received).

    .venv/bin/python bench/bench_deadline.py [--reports 10] [--repeats 3] [--postgres URL]

Prints reports/s, p50/p99 per request, failures, the server's CPU time per report (its processes', from /proc),
and the ratio to the database's commit rate, per database, median of interleaved repeats. Every database it uses it
creates itself, under a name of its own, and drops.
"""

import argparse
import http.cookiejar
import json
import multiprocessing
import os
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FUPIN = str(Path(sys.executable).with_name("fupin"))
CLIENTS = 20
SECRET = "bench-deadline-" + uuid.uuid4().hex
PASSWORD = "deadline-day-1"

MAKE_REPORTERS = """
import json
from django.contrib.auth import get_user_model
from fupin.units.models import Membership, Role
from fupin.units.selectors import root_unit
from fupin.units.services import unit_add
out = {}
for number in range(1, %d + 1):
    unit = unit_add(parent=root_unit(), short_name=f"截止日基层工会{number:02d}", by=None)
    user = get_user_model().objects.create_user(username=f"r{number:02d}", password="%s")
    Membership.objects.create(user=user, unit=unit, role=Role.REPORTER)
    out[user.username] = unit.pk
print(json.dumps(out))
"""

COUNT_SUBMITTED = """
from fupin.reporting.models import Status, Submission
print(Submission.objects.filter(unit_id__in=%r, first_month__year=%d, status=Status.SUBMITTED).count())
"""
PRODUCTS = [("小米", "扶贫832平台"), ("香菇", "驻村第一书记推荐"), ("蜂蜜", "扶贫企业")]


def fupin(env, *args) -> str:
    result = subprocess.run([FUPIN, *args], env=env, capture_output=True, text=True, timeout=600)
    if result.returncode:
        raise SystemExit(result.stderr)
    return result.stdout


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def client(base: str, username: str, unit_id: int, periods: list[str], go: str, ready, out) -> None:
    """One reporter: log in, say so, wait for the start, then one POST per month (lines + submit)."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)

    def post(path, data):
        token = next(c.value for c in jar if c.name == "csrftoken")
        body = urllib.parse.urlencode(data | {"csrfmiddlewaretoken": token}).encode()
        try:
            with opener.open(base + path, body, timeout=120) as response:
                return response.status, response.headers.get("Location", "")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.headers.get("Location", "")

    opener.open(base + "/login/").read()
    post("/login/", {"username": username, "password": PASSWORD})
    ready.put(username)
    while not os.path.exists(go):
        time.sleep(0.005)
    timings, failures = [], 0
    for number, period in enumerate(periods, start=1):
        data = {"row-TOTAL_FORMS": "3", "row-INITIAL_FORMS": "0", "submit": "on"}
        for row, (product, source) in enumerate(PRODUCTS):  # amounts of one size, month after month
            data |= {f"row-{row}-product": product, f"row-{row}-source_text": source,
                     f"row-{row}-method": "线上" if row == 0 else "线下",
                     f"row-{row}-amount_wan": f"{2 + row}.{(number * 7 + row) % 90 + 10}"}
        start = time.perf_counter()
        status, location = post(f"/reporting/{unit_id}/{period}/month/", data)
        timings.append(time.perf_counter() - start)
        failures += status != 302 or "/month/" in location
    out.put({"timings": timings, "failures": failures})


def serve(env, log):
    port = 18000 + os.getpid() % 1000
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([FUPIN, "serve", "--bind", f"127.0.0.1:{port}"], env=env | {"SECRET_KEY": SECRET},
                              stdout=log, stderr=subprocess.STDOUT)
    for _ in range(600):
        try:
            urllib.request.urlopen(base + "/healthz", timeout=5).read()
            return server, base
        except OSError:
            time.sleep(0.1)
    raise SystemExit("fupin serve did not start")


def server_cpu(pid: int) -> float:
    """CPU seconds used so far by the server (its master `pid` and its workers), from /proc: beside reports/s, which
    follows the shared machine's pace, the cost of a report."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()  # after the command's name: state, ppid, …
        except OSError:  # a process that ended meanwhile
            continue
        if stat.parent.name == str(pid) or fields[1] == str(pid):
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def app_round(env, reporters, periods, tmp) -> dict:
    go = Path(tmp) / f"go-{uuid.uuid4().hex}"
    with open(Path(tmp) / "server.log", "a") as log:
        server, base = serve(env, log)
        try:
            queue, ready = multiprocessing.Queue(), multiprocessing.Queue()
            procs = [multiprocessing.Process(target=client, args=(base, user, unit, periods, str(go), ready, queue))
                     for user, unit in reporters.items()]
            for p in procs:
                p.start()
            for _ in procs:  # every client logged in (a login hashes a password: not deadline-day work)
                ready.get(timeout=300)
            cpu, start = server_cpu(server.pid), time.perf_counter()
            go.touch()
            results = [queue.get(timeout=900) for _ in procs]
            elapsed = time.perf_counter() - start
            time.sleep(0.5)  # the review queue's last background pass
            cpu = server_cpu(server.pid) - cpu
            for p in procs:
                p.join()
        finally:
            server.terminate()
            server.wait(timeout=60)
    timings = sorted(t for r in results for t in r["timings"])
    year = int(periods[0][:4])
    submitted = int(fupin(env, "shell", "-c", COUNT_SUBMITTED % (list(reporters.values()), year)).split()[-1])
    return {"reports_per_s": submitted / elapsed, "p50": statistics.median(timings),
            "p99": timings[min(len(timings) - 1, int(len(timings) * 0.99))],
            "failures": max(sum(r["failures"] for r in results), len(timings) - submitted),
            "cpu_ms": cpu * 1000 / max(submitted, 1)}


def commit_rate(connect, statements: int = 200) -> float:
    """Commits per second with CLIENTS threads, each its own connection, one INSERT per transaction."""
    def worker():
        conn = connect()
        for i in range(statements):
            conn.execute_insert(i)
        conn.close()

    threads = [threading.Thread(target=worker) for _ in range(CLIENTS)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return CLIENTS * statements / (time.perf_counter() - start)


class SqliteConn:
    def __init__(self, path):
        self.conn = sqlite3.connect(path, timeout=30, isolation_level=None)
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=NORMAL")  # the app's own settings (fupin/settings.py)

    def execute_insert(self, i):
        self.conn.execute("BEGIN IMMEDIATE")
        self.conn.execute("INSERT INTO bench_commit (n) VALUES (?)", (i,))
        self.conn.execute("COMMIT")

    def close(self):
        self.conn.close()


class PgConn:
    def __init__(self, url):
        import psycopg

        self.conn = psycopg.connect(url, autocommit=True)

    def execute_insert(self, i):
        with self.conn.transaction():
            self.conn.execute("INSERT INTO bench_commit (n) VALUES (%s)", (i,))

    def close(self):
        self.conn.close()


def run_database(label, env, connect, make_table, reports, repeats, tmp):
    fupin(env, "init")
    reporters = json.loads(fupin(env, "shell", "-c", MAKE_REPORTERS % (CLIENTS, PASSWORD)).strip().splitlines()[-1])
    make_table()
    app, ref = [], []
    for repeat in range(repeats):  # interleaved: the machine's mood touches both alike
        year = 2021 + repeat
        periods = [f"{year}-{m:02d}" for m in range(1, reports + 1)]
        ref.append(commit_rate(connect))
        app.append(app_round(env, reporters, periods, tmp))
    rate = statistics.median(r["reports_per_s"] for r in app)
    commits = statistics.median(ref)
    print(f"{label}: {CLIENTS} clients × {reports} reports, {repeats} interleaved repeats (medians)")
    print(f"  reports/s {rate:.1f}   p50 {statistics.median(r['p50'] for r in app) * 1000:.0f} ms   "
          f"p99 {statistics.median(r['p99'] for r in app) * 1000:.0f} ms   "
          f"failures {sum(r['failures'] for r in app)}   "
          f"server CPU {statistics.median(r['cpu_ms'] for r in app):.1f} ms/report")
    print(f"  database commits/s {commits:.0f}   reports/s ÷ commits/s = 1/{commits / rate:.1f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=10, help="months each client sends (1–12)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432/postgres",
                        help="an admin URL; the benchmark creates and drops its own database there ('' to skip)")
    args = parser.parse_args()
    if not 1 <= args.reports <= 12:  # a client's months are one year's: a 13th would be a 404, not a report
        parser.error("--reports must be 1 to 12: each client sends months of one year")
    tmp = tempfile.mkdtemp(prefix="bench-deadline-")
    base_env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | {"FUPIN_HOME": tmp}
    try:
        path = Path(tmp) / "var" / "fupin.sqlite3"
        env = base_env

        def sqlite_table():
            with sqlite3.connect(path) as conn:
                conn.execute("CREATE TABLE bench_commit (id INTEGER PRIMARY KEY, n INTEGER)")

        run_database("SQLite", env, lambda: SqliteConn(path), sqlite_table, args.reports, args.repeats, tmp)
        if args.postgres:
            run_postgres(args, base_env, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def run_postgres(args, base_env, tmp):
    try:
        import psycopg

        admin = psycopg.connect(args.postgres, autocommit=True)
    except Exception as exc:  # noqa: BLE001 - no server: say so and skip
        print(f"PostgreSQL: skipped ({exc})")
        return
    name = f"bench_deadline_{uuid.uuid4().hex[:12]}"
    url = re.sub(r"/[^/]*$", f"/{name}", args.postgres)
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        def pg_table():
            with psycopg.connect(url, autocommit=True) as conn:
                conn.execute("CREATE TABLE bench_commit (id serial PRIMARY KEY, n integer)")

        run_database("PostgreSQL", base_env | {"DATABASE_URL": url}, lambda: PgConn(url), pg_table,
                     args.reports, args.repeats, tmp)
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


if __name__ == "__main__":
    main()
