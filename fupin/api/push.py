"""`fupin push`: the city's approved figures for a period, sent to the province's fupin as the city's report.

The payload is per unit, standard channel and method (one row each, summed in SQL: never the lines in Python),
or — when the province asks for them (`--lines`) — the lines themselves. Each unit carries its parent and path so
the province can draw the city's tree. Nothing unapproved leaves the city."""

import json
import urllib.error
import urllib.request
from datetime import datetime

from django.db.models import Count, Sum
from django.utils import timezone

from fupin.core.errors import UserError
from fupin.core.periods import Period
from fupin.quality.models import Channel
from fupin.reporting.models import COUNTED_STATUSES, PurchaseLine, Status, Submission, period_name
from fupin.units.models import Unit
from fupin.units.selectors import reporting_units, root_unit

PUSH_FORMAT = "fupin-push/1"
NOT_APPROVED = "{period}还有{count}份报表已上报但市总尚未审核，不能推送：{units}。请审核通过后再推送"
NOTHING_APPROVED = "{period}没有已审核的报表，没有可推送的数据"
PROVINCE_UNREACHABLE = "无法连接省级系统 {url}：{reason}"
PROVINCE_REFUSED = "省级系统拒绝了推送（{status}）：{message}"


def _within(period: Period, prefix: str = "") -> dict:
    return {f"{prefix}first_month__gte": period.first, f"{prefix}last_month__lte": period.last}


def _unit_row(unit, root) -> dict:
    """A unit as the province keeps it: its key, names, and its place in the city's tree (the city itself is the
    top, so its own key is left out of parent and path)."""
    return {"key": unit.pk, "name": unit.name, "short_name": unit.short_name, "kind": unit.kind, "order": unit.order,
            "parent": None if unit.parent_id == root.pk else unit.parent_id,
            "path": unit.path[len(root.path) - 1:] if unit.path.startswith(root.path) else unit.path}


def _parents(pushed: list, root) -> list:
    """The units between the city and the pushed ones that reported nothing themselves: sent so that the
    province's tree stays whole (a 产业工会 whose members reported, say)."""
    have = {u.pk for u in pushed} | {root.pk}
    wanted = {int(part) for u in pushed for part in u.path.strip("/").split("/") if part} - have
    return list(Unit.objects.filter(pk__in=wanted).order_by("path")) if wanted else []


def push_payload(*, period: Period, lines: bool = False, now: datetime | None = None) -> dict:
    root = root_unit()
    units = reporting_units(root)
    waiting = (Submission.objects.filter(unit__in=units, status__in=COUNTED_STATUSES, **_within(period))
               .exclude(status=Status.APPROVED).select_related("unit").order_by("unit__path"))
    if waiting.exists():
        names = "、".join(s.unit.display_name for s in waiting[:20])
        raise UserError(NOT_APPROVED.format(period=period_name(period), count=waiting.count(), units=names))
    counted = PurchaseLine.objects.filter(submission__status=Status.APPROVED, excluded=False,
                                          submission__unit__in=units, **_within(period, "submission__"))
    approved = Submission.objects.filter(unit__in=units, status=Status.APPROVED, **_within(period))
    if not approved.exists():
        raise UserError(NOTHING_APPROVED.format(period=period_name(period)))
    pushed = list(units.filter(pk__in=approved.values("unit_id")))
    groups = (counted.values("submission__unit_id", "channel_code", "method")
              .annotate(amount_fen=Sum("amount_fen"), quantity_g=Sum("quantity_g"), line_count=Count("id"))
              .order_by("submission__unit_id", "channel_code", "method"))
    payload = {
        "format": PUSH_FORMAT, "period": str(period), "pushed_at": (now or timezone.now()).isoformat(),
        "source": {"root": root.name, "short_name": root.short_name},
        "channels": dict(Channel.objects.values_list("code", "name")),
        "units": [_unit_row(u, root) for u in pushed],
        "parents": [_unit_row(u, root) for u in _parents(pushed, root)],
        "groups": [{"unit": g["submission__unit_id"], "channel_code": g["channel_code"], "method": g["method"],
                    "amount_fen": g["amount_fen"], "quantity_g": g["quantity_g"], "line_count": g["line_count"]}
                   for g in groups],
        "total_fen": counted.aggregate(t=Sum("amount_fen"))["t"] or 0,
    }
    if lines:
        payload["lines"] = [
            {"unit": unit_id, "product": product, "source_text": source, "channel_code": code, "method": method,
             "purchase_date": day.isoformat() if day else None, "quantity_g": grams, "amount_fen": fen,
             "note": note}
            for unit_id, product, source, code, method, day, grams, fen, note in counted.order_by(
                "submission__unit__path", "submission_id", "position").values_list(
                "submission__unit_id", "product", "source_text", "channel_code", "method", "purchase_date",
                "quantity_g", "amount_fen", "note").iterator(chunk_size=2000)]
    return payload


def push_send(*, url: str, token: str, payload: dict, timeout: int = 300) -> dict:
    """POST the payload to the province's /api/v1/federation/push; its JSON answer, or a UserError in Chinese."""
    target = url.rstrip("/") + "/api/v1/federation/push"
    body = json.dumps(payload, ensure_ascii=False).encode()
    request = urllib.request.Request(target, data=body, method="POST", headers={
        "Authorization": f"Bearer {token}", "Content-Type": "application/json; charset=utf-8"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return json.loads(response.read())
    except urllib.error.HTTPError as exc:
        try:
            answer = json.loads(exc.read())
        except ValueError:
            answer = {"message": exc.reason, "details": []}
        raise UserError(PROVINCE_REFUSED.format(status=exc.code, message=answer.get("message", "")),
                        details=answer.get("details", [])) from None
    except (urllib.error.URLError, OSError) as exc:
        raise UserError(PROVINCE_UNREACHABLE.format(url=target, reason=getattr(exc, "reason", exc))) from None
