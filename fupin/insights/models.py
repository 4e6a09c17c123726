"""The rollup: counted money summed at the upper levels of the unit tree, kept current as the ledger changes.

A row holds, for one ancestor unit (its whole subtree, itself included) and one submission span (a month, or a
cumulative range such as 2020-01..2020-10), the sums for one channel × method × consumption type. Rows exist for
units shallower than `rollup_depth()` (root, cities, counties at province scale); a deeper subtree is small
enough to be summed from its lines when asked. See insights/rollup.py for how rows are kept current.
"""

from django.db import models

from fupin.reporting.models import Submission
from fupin.units.models import Unit


class Rollup(models.Model):
    ancestor = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+", verbose_name="单位（含下级）")
    first_month = models.DateField("起始月份")
    last_month = models.DateField("截止月份")
    channel_code = models.CharField("标准渠道", max_length=20, blank=True)
    method = models.CharField("采购方式", max_length=10, blank=True)
    consumption_type = models.CharField("消费类型", max_length=20, blank=True)
    amount_fen = models.BigIntegerField("金额（分）", default=0)
    line_count = models.BigIntegerField("明细条数", default=0)
    excluded_fen = models.BigIntegerField("剔除金额（分）", default=0)
    excluded_lines = models.BigIntegerField("剔除条数", default=0)

    class Meta:
        verbose_name = "汇总"
        verbose_name_plural = "汇总"
        constraints = [
            # Its index (ancestor, span, …) serves both the level pivots and one unit's month.
            models.UniqueConstraint(fields=["ancestor", "first_month", "last_month", "channel_code", "method",
                                            "consumption_type"], name="rollup_one_row_per_key"),
        ]
        indexes = [
            # Covering: a level's pivot reads the index alone (SQLite has no INCLUDE, so the sums are key columns).
            models.Index(fields=["ancestor", "first_month", "last_month", "channel_code", "method",
                                 "consumption_type", "amount_fen", "line_count", "excluded_fen", "excluded_lines"],
                         name="rollup_covering"),
        ]

    def __str__(self) -> str:
        return f"{self.ancestor_id} {self.first_month:%Y-%m}:{self.last_month:%Y-%m} {self.channel_code}"


class SubmissionSum(models.Model):
    """What one counted submission adds to its ancestors' rollup rows, by channel × method × consumption type.

    The rollup's bottom layer: a change whose old figures are unknown (a status change, a bulk import, lines
    replaced in SQL) re-sums the submission's lines once and applies the difference from these rows upwards.
    A draft or returned submission has none.
    """

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="+")
    channel_code = models.CharField(max_length=20, blank=True)
    method = models.CharField(max_length=10, blank=True)
    consumption_type = models.CharField(max_length=20, blank=True)
    amount_fen = models.BigIntegerField(default=0)
    line_count = models.BigIntegerField(default=0)
    excluded_fen = models.BigIntegerField(default=0)
    excluded_lines = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["submission", "channel_code", "method", "consumption_type"],
                                               name="submission_sum_one_row_per_key")]

    def __str__(self) -> str:
        return f"{self.submission_id} {self.channel_code}"


class RollupDirty(models.Model):
    """Marks of the first rollup (summed by the first reader after a write). No longer written: rows change with
    the lines now. `rollup_flush` still consumes marks left in an old database by rebuilding."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    first_month = models.DateField()
    last_month = models.DateField()
    token = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "first_month", "last_month"],
                                               name="rollup_dirty_one_per_span")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.first_month:%Y-%m}:{self.last_month:%Y-%m}"


class SubmissionScreened(models.Model):
    """What the office's screening took out of one counted submission: lines excluded as not consumption (剔除)
    apart from duplicates merged into another line (合并), and how many kept lines took others in.

    Kept at write beside `SubmissionSum` (re-summed from the submission's excluded lines, which are few), so the
    dashboard's 已剔除 and the circular read sums, never the lines. A row exists only while the submission counts
    and has excluded lines.
    """

    submission = models.OneToOneField(Submission, on_delete=models.CASCADE, related_name="+", primary_key=True)
    # The submission's span, copied (its change re-sums the row): the whole tree's figures need no join.
    first_month = models.DateField()
    last_month = models.DateField()
    excluded_fen = models.BigIntegerField(default=0)
    excluded_lines = models.BigIntegerField(default=0)
    merged_fen = models.BigIntegerField(default=0)
    merged_lines = models.BigIntegerField(default=0)
    merged_groups = models.BigIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["first_month", "last_month"], name="screened_span")]

    def __str__(self) -> str:
        return f"{self.submission_id} 剔除 {self.excluded_lines} 合并 {self.merged_lines}"


class ReportedMonths(models.Model):
    """The months of one year a unit has a counted one-month report for, as bits (January = 1, December = 2048),
    kept at write (reported_months.py): how many units reported within a span is one pass over a row per unit,
    not over every report of the span (a province's year holds 1.2 million)."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    months = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="reported_months_one_per_unit_year")]
        indexes = [models.Index(fields=["year", "months", "unit"], name="reported_months_covering")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.year} {self.months:012b}"
