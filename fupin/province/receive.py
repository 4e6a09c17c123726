"""The province's side of `fupin push`: a city's approved figures arrive as that city's report for the period.

The token's person is the city's account at the province (a 填报员 of exactly one unit: the city). Each pushed
row (a unit × channel × method sum, or a line when the city sends lines) becomes a line of the city's report
naming the unit it came from, so the province can read the units below each city as pushed. Pushing again
replaces the report (a new version, the old lines kept in the audit trail); the same content twice changes
nothing. Every push is also kept as a receipt (fupin.province): its units and rows, for the province's ranking,
timeliness and drill-down. A report the province has accepted is locked, as any other: it must be unlocked first."""

from datetime import date

from django.db import transaction

from fupin.core.errors import UserError
from fupin.core.periods import Period
from fupin.province.receipts import receipt_record
from fupin.reporting.models import Method, Status, Submission
from fupin.reporting.services import LineInput, submission_create
from fupin.reporting.validation import value_checks
from fupin.units.models import Membership, Role

PUSH_FORMAT = "fupin-push/1"
NOT_A_CITY_ACCOUNT = "推送须使用省级系统为某一市级单位创建的填报员账号的令牌（该账号现在对应{count}个单位）"
FORMAT_UNKNOWN = "推送内容的格式“{found}”无法识别，应为 {expected}（请升级推送方的系统）"
ROW_BAD = "第{row}行推送数据有误：{reason}"
UNIT_UNKNOWN = "单位编号 {key} 未在 units 中列出"


def _city_of(user):
    reached = list(Membership.objects.select_related("unit").filter(user=user, role=Role.REPORTER,
                                                                    unit__active=True))
    if len(reached) != 1:
        raise UserError(NOT_A_CITY_ACCOUNT.format(count=len(reached)))
    return reached[0].unit


def _lines(payload: dict, city_name: str) -> tuple[list[LineInput], list[tuple[dict, int]]]:
    """The report's lines, and beside each the pushed row it came from (for the province's receipt)."""
    units = {u["key"]: u for u in payload.get("units", [])}
    channels = payload.get("channels", {})
    rows = payload["lines"] if payload.get("lines") is not None else payload.get("groups", [])
    lines, sources, problems = [], [], []
    for number, row in enumerate(rows, start=1):
        unit = units.get(row.get("unit"))
        if unit is None:
            problems.append(ROW_BAD.format(row=number, reason=UNIT_UNKNOWN.format(key=row.get("unit"))))
            continue
        method = row.get("method") or ""
        day = row.get("purchase_date")
        try:
            line = LineInput(
                amount_fen=int(row["amount_fen"]), product=row.get("product") or unit["short_name"],
                source_text=row.get("source_text") or channels.get(row.get("channel_code") or "", "未归类"),
                channel_code=row.get("channel_code") or "", method_text=method,
                method=method if method in Method.values else "",
                purchase_date=date.fromisoformat(day) if day else None, date_text=day or "",
                quantity_g=int(row["quantity_g"]) if row.get("quantity_g") is not None else None,
                note=(f"{city_name}推送：{unit['short_name']}"
                      + (f"，{row['line_count']}条明细汇总" if row.get("line_count") else "")
                      + (f"；{row['note']}" if row.get("note") else ""))[:500])
        except (KeyError, TypeError, ValueError) as exc:
            problems.append(ROW_BAD.format(row=number, reason=f"缺少或无法读取 {exc}"))
            continue
        refused = value_checks(line, period=None)
        if refused:
            problems.append(ROW_BAD.format(row=number, reason="；".join(c.message for c in refused)))
        lines.append(line)
        sources.append((row, line.amount_fen))
    if problems:
        raise UserError(f"推送数据有{len(problems)}处错误，未保存", details=problems[:50])
    return lines, sources


def _same(submission: Submission, lines: list[LineInput]) -> bool:
    def key(x):
        return (x.product, x.source_text, x.channel_code, x.method, x.amount_fen, x.quantity_g, x.note)

    have = sorted(key(x) for x in submission.lines.all())
    return have == sorted(key(x) for x in lines)


def push_receive(*, payload: dict, by) -> dict:
    if payload.get("format") != PUSH_FORMAT:
        raise UserError(FORMAT_UNKNOWN.format(found=payload.get("format"), expected=PUSH_FORMAT))
    period = Period.parse(str(payload.get("period", "")))
    city = _city_of(by)
    lines, sources = _lines(payload, city.display_name)
    source = payload.get("source", {}).get("root", city.name)
    with transaction.atomic():
        existing = Submission.objects.select_for_update().filter(
            unit=city, first_month=period.first, last_month=period.last).first()
        if existing and existing.status in (Status.SUBMITTED, Status.APPROVED) and _same(existing, lines):
            submission, unchanged = existing, True
        else:
            submission = submission_create(unit=city, period=period, lines=lines, by=by, status=Status.SUBMITTED,
                                           replace=True, summary=f"由{source}经 fupin push 推送")
            unchanged = False
        receipt = receipt_record(city=city, submission=submission, period=period, payload=payload, rows=sources,
                                 unchanged=unchanged, by=by)
    return {"unit": city.display_name, "unit_id": city.pk, "period": str(period),
            "version": submission.versions.count(), "unchanged": unchanged, "line_count": len(lines),
            "total_fen": sum(x.amount_fen for x in lines), "status": submission.status,
            "received_at": receipt.received_at.isoformat()}
