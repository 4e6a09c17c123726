"""Benchmark of the review queue and `fupin check` as the ledger grows, against a plain COUNT over the same lines.

    .venv/bin/python bench/bench_review.py                   # 10,000 and 100,000 lines
    .venv/bin/python bench/bench_review.py --lines 10000     # one size
    .venv/bin/python bench/bench_review.py --repeat 7

Each size runs in its own process with its own SQLite database in a temporary FUPIN_HOME (created and removed by the
benchmark; DATABASE_URL is ignored). The demo is loaded, then the extra lines are added to the seed reports of 20
units with `lines_bulk_add` (a fifth of them without a channel, some duplicates, some odd amounts). Timed, interleaved
round by round, medians printed:
  - reference: SELECT COUNT(*) over the lines;
  - queue: the office's first page of the review queue (GET through Django's test client), its size and queries;
  - check: `findings_for_period`, what `fupin check --period` computes.
Do not run it at millions of lines: findings are still computed on demand (see issue 16).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PERIOD = "2020-01:2020-10"


def one_size(lines: int, repeat: int) -> dict:
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    from fupin.core.money import wan_to_fen
    from fupin.core.periods import Period
    from fupin.quality.checks import findings_for_period
    from fupin.reporting.models import PurchaseLine, Submission
    from fupin.reporting.services import LineInput, lines_bulk_add

    setup_test_environment()
    call_command("demo", verbosity=0, stdout=open(os.devnull, "w"))
    submissions = list(Submission.objects.select_related("unit").order_by("pk")[:20])
    for n, submission in enumerate(submissions):
        start = submission.lines.count() + 1
        batch = []
        for i in range(lines // len(submissions)):
            kind = i % 10
            source, code = ("某帮扶点", "") if kind < 2 else ("农户", "FARM")
            amount = wan_to_fen("900") if kind == 9 and i % 7 == 0 else 10_000 + (i * 7919 + n) % 500_000
            batch.append(LineInput(amount_fen=amount, product=f"品{i % 997}", source_text=f"{source}{i % 50}"
                                   if code == "" else source, channel_code=code, method_text="线下", method="线下"))
        lines_bulk_add(submission=submission, lines=batch, by=None, start=start)

    office = get_user_model().objects.get(username="office")
    client = Client()
    client.force_login(office)
    url = f"/quality/review/?period={PERIOD}"
    period = Period.parse(PERIOD)
    client.get(url)
    times: dict[str, list[float]] = {"reference": [], "queue": [], "check": []}
    size = queries = 0
    for _ in range(repeat):  # interleaved: each round times all three
        t = time.perf_counter()
        PurchaseLine.objects.count()
        times["reference"].append(time.perf_counter() - t)
        with CaptureQueriesContext(connection) as captured:
            t = time.perf_counter()
            response = client.get(url)
            times["queue"].append(time.perf_counter() - t)
        assert response.status_code == 200
        size, queries = len(response.content), len(captured)
        t = time.perf_counter()
        findings_for_period(period=period)
        times["check"].append(time.perf_counter() - t)
    medians = {k: statistics.median(v) for k, v in times.items()}
    return {"lines": PurchaseLine.objects.count(), "queue_bytes": size, "queue_queries": queries,
            **{f"{k}_s": round(v, 4) for k, v in medians.items()},
            "queue_x": round(medians["queue"] / medians["reference"], 1),
            "check_x": round(medians["check"] / medians["reference"], 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lines", type=int, action="append", help="extra lines (repeatable); 10000 and 100000")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(one_size(args.lines[0], args.repeat)))
        return
    for lines in args.lines or [10_000, 100_000]:
        with tempfile.TemporaryDirectory(prefix="fupin-bench-review-") as home:
            env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
            env.update(FUPIN_HOME=home, DJANGO_SETTINGS_MODULE="fupin.settings")
            done = subprocess.run([sys.executable, __file__, "--child", "--lines", str(lines), "--repeat",
                                   str(args.repeat)], env=env, cwd=ROOT, capture_output=True, text=True)
            if done.returncode:
                sys.exit(done.stderr)
            result = json.loads(done.stdout.strip().splitlines()[-1])
        print(f"{result['lines']:>8} 行  参照 COUNT {result['reference_s'] * 1000:8.1f} ms  "
              f"审核队列首页 {result['queue_s'] * 1000:8.1f} ms（{result['queue_x']}×，{result['queue_queries']} 次查询，"
              f"{result['queue_bytes'] // 1024} KB）  检查 {result['check_s'] * 1000:8.1f} ms（{result['check_x']}×）")


if __name__ == "__main__":
    main()
