"""fupin report circular --period 2020-01:2020-10 -o 通报.docx [--number 平工办〔2020〕33号] [--date 2020-10-27]"""

from datetime import date

from fupin.core.errors import UserError
from fupin.core.periods import Period
from fupin.core.safe_files import Output
from fupin.publishing.circular_render import CircularText, circular_output, draft_text
from fupin.publishing.models import Circular, CircularStatus

FORMATS = ("docx", "pdf", "json")
BAD_DATE = "成文日期格式不正确：“{text}”，应为 YYYY-MM-DD，例如 2020-10-27"


def add_arguments(parser) -> None:
    parser.add_argument("--period", required=True, help="期间，YYYY-MM 或 YYYY-MM:YYYY-MM")
    parser.add_argument("-o", "--output", help="输出文件（.docx、.pdf 或 .json）")
    parser.add_argument("--format", choices=FORMATS, help="输出格式；缺省按 -o 的扩展名，否则 docx")
    parser.add_argument("--number", help="发文字号，例如 平工办〔2020〕33号")
    parser.add_argument("--date", help="成文日期 YYYY-MM-DD；缺省为今天")
    parser.add_argument("--issuer", help="发文机关；缺省为“市总工会名称＋办公室”")
    parser.add_argument("--copy-to", help="抄送机关（版记），可不填")
    parser.add_argument("--draft", action="store_true", help="忽略已保存的通报，按台账重新起草")
    parser.add_argument("--charts", action="store_true", help="在渠道构成一段后插入图表")


def _date(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UserError(BAD_DATE.format(text=text)) from None


def _format(options) -> str:
    if options.get("format"):
        return options["format"]
    suffix = (options.get("output") or "").rsplit(".", 1)[-1].lower()
    return suffix if suffix in FORMATS else "docx"


def saved_circular(period: Period) -> Circular | None:
    """The office's own text for the period: the final one, else the latest draft."""
    found = Circular.objects.filter(first_month=period.first, last_month=period.last)
    return (found.filter(status=CircularStatus.FINAL).order_by("-finalized_at", "-pk").first()
            or found.order_by("-updated_at", "-pk").first())


def run(options) -> Output:
    from django.utils import timezone

    period = Period.parse(options["period"])
    saved = None if options.get("draft") else saved_circular(period)
    if saved is not None:
        text = CircularText.of(saved)
        text.number = options.get("number") or text.number
        text.on = _date(options.get("date")) or text.on
    else:
        on = _date(options.get("date")) or timezone.localdate()
        text = draft_text(period=period, number=options.get("number") or f"平工办〔{on.year}〕号", on=on,
                          issuer=options.get("issuer") or "", copy_to=options.get("copy_to") or "")
    if options.get("issuer"):
        text.issuer = options["issuer"]
    return circular_output(text, _format(options), charts=options.get("charts", False))
