"""Keep what a push brought (called from province.receive.push_receive, inside its transaction)."""

from collections import defaultdict
from datetime import datetime

from fupin.province.models import PushedRow, PushedUnit, PushReceipt

BATCH = 2000  # rows a bulk insert sends (a push with --lines may bring 100,000)


def _when(text) -> datetime | None:
    try:
        return datetime.fromisoformat(str(text)) if text else None
    except ValueError:
        return None


def _key(value) -> str:
    return "" if value is None else str(value)


def receipt_record(*, city, submission, period, payload: dict, rows: list[tuple[dict, int]], unchanged: bool,
                   by) -> PushReceipt:
    """`rows` are the pushed rows in the order they became the report's lines, each with its amount in 分.
    An unchanged push keeps only its receipt: its units and rows are those of the push it repeated."""
    receipt = PushReceipt.objects.create(
        city=city, submission=submission, first_month=period.first, last_month=period.last,
        version=submission.versions.count(), pushed_at=_when(payload.get("pushed_at")),
        source_name=str(payload.get("source", {}).get("root", ""))[:100],
        total_fen=sum(fen for _, fen in rows), line_count=len(rows), unit_count=len(payload.get("units", [])),
        with_lines=payload.get("lines") is not None, unchanged=unchanged,
        channels=payload.get("channels", {}) if not unchanged else {}, by=by)
    if unchanged:
        return receipt
    totals, counts = defaultdict(int), defaultdict(int)
    for row, fen in rows:
        totals[_key(row.get("unit"))] += fen
        counts[_key(row.get("unit"))] += int(row.get("line_count") or 1)
    units = [PushedUnit(receipt=receipt, key=_key(u["key"]), name=str(u.get("name", ""))[:200],
                        short_name=str(u.get("short_name", ""))[:100], kind=str(u.get("kind", ""))[:20],
                        parent_key=_key(u.get("parent")), path=str(u.get("path", ""))[:255],
                        order=int(u.get("order") or 0), reported=reported,
                        total_fen=totals.get(_key(u["key"]), 0), line_count=counts.get(_key(u["key"]), 0))
             for reported, group in ((True, payload.get("units", [])), (False, payload.get("parents", [])))
             for u in group]
    seen, kept = set(), []
    for unit in units:  # a parent the city also listed as reporting is kept once, as reporting
        if unit.key not in seen:
            seen.add(unit.key)
            kept.append(unit)
    PushedUnit.objects.bulk_create(kept, batch_size=BATCH)
    by_key = {u.key: u for u in PushedUnit.objects.filter(receipt=receipt)}
    PushedRow.objects.bulk_create(
        (PushedRow(receipt=receipt, unit=by_key[_key(row.get("unit"))], position=position,
                   channel_code=row.get("channel_code") or "", method=row.get("method") or "", amount_fen=fen,
                   quantity_g=int(row["quantity_g"]) if row.get("quantity_g") is not None else None,
                   line_count=int(row.get("line_count") or 1))
         for position, (row, fen) in enumerate(rows, start=1)), batch_size=BATCH)
    return receipt
