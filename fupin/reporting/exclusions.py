"""Excluding lines (剔除) and merging duplicates: nothing is deleted, every change is in the audit trail.

These are the office's screening acts, like setting the channel: they leave the report's counted total as it was
(an exclusion is shown beside the total), so they are allowed on a report the office has already accepted.
"""

from django.db import transaction

from fupin.core.errors import UserError
from fupin.reporting.models import PurchaseLine

REASON_REQUIRED = "请填写剔除原因"
ALREADY_EXCLUDED = "第{n}行已剔除"
NOT_EXCLUDED = "第{n}行未被剔除"
MERGE_NEEDS_TWO = "合并至少需要同一报表中两条未剔除的明细"
MERGE_ONE_SUBMISSION = "只能合并同一单位同一报表中的明细"
MERGED_INTO = "已合并到第{n}行"


def _save(line: PurchaseLine, *, by, reason: str) -> None:
    line._change_reason = reason
    if by is not None:
        line._history_user = by
    line.full_clean()
    line.save()


def line_exclude(*, line: PurchaseLine, by, reason: str) -> PurchaseLine:
    """Mark a line as not counted, with the reason; it stays in the ledger and on the screens."""
    reason = (reason or "").strip()
    if not reason:
        raise UserError(REASON_REQUIRED)
    with transaction.atomic():
        line = PurchaseLine.objects.select_for_update().get(pk=line.pk)
        if line.excluded:
            raise UserError(ALREADY_EXCLUDED.format(n=line.position))
        line.excluded, line.exclusion_reason = True, reason[:500]
        _save(line, by=by, reason=f"剔除：{reason}")
    return line


def line_include(*, line: PurchaseLine, by, reason: str = "") -> PurchaseLine:
    """Count an excluded line again (an exclusion made by mistake)."""
    with transaction.atomic():
        line = PurchaseLine.objects.select_for_update().get(pk=line.pk)
        if not line.excluded:
            raise UserError(NOT_EXCLUDED.format(n=line.position))
        line.excluded, line.exclusion_reason = False, ""
        _save(line, by=by, reason=f"恢复计入：{reason}".rstrip("："))
    return line


def lines_merge(*, lines: list[PurchaseLine], by, reason: str = "") -> PurchaseLine:
    """Fold duplicates into the first line: it takes their amounts (and quantities); they stay, excluded,
    with the reason “已合并到第N行”. The unit's total does not change."""
    ids = sorted({line.pk for line in lines})
    with transaction.atomic():
        found = list(PurchaseLine.objects.select_for_update().filter(pk__in=ids, excluded=False)
                     .order_by("position", "pk"))
        if len(found) < 2 or len(found) != len(ids):
            raise UserError(MERGE_NEEDS_TWO)
        if len({line.submission_id for line in found}) != 1:
            raise UserError(MERGE_ONE_SUBMISSION)
        kept, others = found[0], found[1:]
        why = reason.strip() or "合并重复明细"
        for other in others:
            other.excluded, other.exclusion_reason = True, MERGED_INTO.format(n=kept.position)
            _save(other, by=by, reason=f"{why}：{other.exclusion_reason}")
        kept.amount_fen += sum(o.amount_fen for o in others)
        if kept.quantity_g is not None and all(o.quantity_g is not None for o in others):
            kept.quantity_g += sum(o.quantity_g for o in others)
        merged = "、".join(f"第{o.position}行" for o in others)
        _save(kept, by=by, reason=f"{why}：并入{merged}")
        return kept
