import json
import sys

from fupin.core.commands import FupinCommand
from fupin.quality.classify import Classifier
from fupin.quality.selectors import channels_with_words


class Command(FupinCommand):
    help = "标准渠道：classify 把产品来源归入标准渠道（每行一条，从标准输入读）；list 列出渠道、别名和关键词"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="子命令", title="子命令")
        classify = sub.add_parser("classify", help="从标准输入逐行读产品来源，输出归类结果")
        classify.add_argument("--json", action="store_true", help="每行输出一个 JSON 对象")
        sub.add_parser("list", help="列出标准渠道及其别名、关键词")

    def handle(self, *args, **options):
        if options["action"] == "list":
            for channel, aliases, keywords in channels_with_words():
                self.write_out(f"{channel.code}\t{channel.name}\t{channel.get_nature_display()}")
                self.write_out(f"  别名：{'、'.join(aliases)}")
                self.write_out(f"  关键词：{'、'.join(keywords)}")
            return
        classifier = Classifier()
        for raw in sys.stdin:
            text = raw.rstrip("\r\n")
            if not text.strip():
                continue
            answer = classifier.classify(text)
            if options["json"]:
                self.stdout.write(json.dumps({
                    "input": text, "code": answer.code, "name": classifier.names.get(answer.code),
                    "confidence": answer.confidence, "needs_review": answer.needs_review,
                    "suggestions": answer.suggestions}, ensure_ascii=False))
            else:
                name = classifier.names.get(answer.code, "（不能确定）")
                review = "需审核" if answer.needs_review else ""
                self.write_out(f"{text}\t{answer.code or '-'}\t{name}\t{answer.confidence:.2f}\t{review}")
