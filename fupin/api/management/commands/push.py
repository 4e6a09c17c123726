"""fupin push --to URL --token TOKEN --period YYYY-MM[:YYYY-MM] [--lines] [--dry-run]"""

import json

from fupin.api.push import push_payload, push_send
from fupin.core.commands import FupinCommand
from fupin.core.money import wan_display
from fupin.core.periods import Period


class Command(FupinCommand):
    help = "把本市已审核的数据推送到省级系统（作为本市该期的报表；再次推送即替换）"

    def add_arguments(self, parser):
        parser.add_argument("--to", required=True, help="省级系统的地址，如 https://省总服务器")
        parser.add_argument("--token", required=True, help="省级系统为本市创建的接口令牌")
        parser.add_argument("--period", required=True, help="期间，YYYY-MM 或 YYYY-MM:YYYY-MM")
        parser.add_argument("--lines", action="store_true", help="连同每条明细一起推送（省级要求时）")
        parser.add_argument("--dry-run", action="store_true", help="只打印将要推送的内容，不发送")

    def handle(self, *args, **options):
        payload = push_payload(period=Period.parse(options["period"]), lines=options["lines"])
        if options["dry_run"]:
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))
            return
        answer = push_send(url=options["to"], token=options["token"], payload=payload)
        state = "内容与上次相同，未改动" if answer.get("unchanged") else "已替换为新版本"
        self.stdout.write(f"已推送{len(payload['units'])}个单位、合计{wan_display(payload['total_fen'])}万元；"
                          f"省级系统：{answer.get('unit', '')}{answer.get('period', '')}第{answer.get('version')}版，{state}")
        self.stdout.write(json.dumps(answer, ensure_ascii=False))
