"""What each city's `fupin push` brought, kept as it arrived: the province ranks its cities, judges their
timeliness and drills into the units below each city from these rows, not from the lines' notes."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from fupin.core.money import wan_display
from fupin.core.periods import Period
from fupin.reporting.models import Submission
from fupin.units.models import Unit


class PushReceipt(models.Model):
    """One push received (an unchanged one too: the history shows every push, who, when)."""

    city = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="push_receipts", verbose_name="市")
    submission = models.ForeignKey(Submission, on_delete=models.PROTECT, related_name="push_receipts",
                                   verbose_name="报表")
    first_month = models.DateField("起始月份")
    last_month = models.DateField("截止月份")
    version = models.PositiveIntegerField("报表版本")
    received_at = models.DateTimeField("收到时间", default=timezone.now)
    # The city's clock, as it stated it; timeliness is judged by the province's (received_at).
    pushed_at = models.DateTimeField("推送方时间", null=True, blank=True)
    source_name = models.CharField("推送方", max_length=100, blank=True)
    total_fen = models.BigIntegerField("合计（分）")
    line_count = models.PositiveIntegerField("行数")
    unit_count = models.PositiveIntegerField("单位数", default=0)
    with_lines = models.BooleanField("含明细", default=False)
    unchanged = models.BooleanField("内容与上次相同", default=False)
    channels = models.JSONField("渠道名称", default=dict, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                           related_name="+", verbose_name="推送账号")

    class Meta:
        verbose_name = "收到的推送"
        verbose_name_plural = "收到的推送"
        ordering = ["-received_at", "-pk"]
        indexes = [models.Index(fields=["first_month", "last_month", "city"])]

    def __str__(self) -> str:
        return f"{self.city} {self.period} 第{self.version}版"

    @property
    def period(self) -> Period:
        return Period(self.first_month, self.last_month)

    @property
    def total_display(self) -> str:
        return wan_display(self.total_fen)


class PushedUnit(models.Model):
    """A unit below the city, as the city sent it (its key, names and place in the city's tree)."""

    receipt = models.ForeignKey(PushReceipt, on_delete=models.PROTECT, related_name="units", verbose_name="推送")
    key = models.CharField("推送方编号", max_length=64)
    name = models.CharField("单位全称", max_length=200, blank=True)
    short_name = models.CharField("简称", max_length=100, blank=True)
    kind = models.CharField("类别", max_length=20, blank=True)
    parent_key = models.CharField("上级编号", max_length=64, blank=True)
    path = models.CharField("推送方路径", max_length=255, blank=True)
    order = models.IntegerField("排序", default=0)
    # False for a unit above reporting ones that the city sent only to keep its tree whole.
    reported = models.BooleanField("有数据", default=True)
    total_fen = models.BigIntegerField("合计（分）", default=0)
    line_count = models.PositiveIntegerField("明细条数", default=0)

    class Meta:
        verbose_name = "推送的下属单位"
        verbose_name_plural = "推送的下属单位"
        ordering = ["receipt", "path", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["receipt", "key"], name="pushed_unit_key_unique")]

    def __str__(self) -> str:
        return self.short_name or self.name


class PushedRow(models.Model):
    """One pushed row (a unit × channel × method sum, or a line). `position` is the line it became in the city's
    report at the province (PurchaseLine.submission = receipt.submission, same position): the structured link
    from a line to the pushed unit it came from, without a column on the lines table."""

    receipt = models.ForeignKey(PushReceipt, on_delete=models.PROTECT, related_name="rows", verbose_name="推送")
    unit = models.ForeignKey(PushedUnit, on_delete=models.PROTECT, related_name="rows", verbose_name="下属单位")
    position = models.PositiveIntegerField("报表行序号")
    channel_code = models.CharField("标准渠道", max_length=20, blank=True)
    method = models.CharField("采购方式", max_length=10, blank=True)
    amount_fen = models.BigIntegerField("金额（分）")
    quantity_g = models.BigIntegerField("数量（克）", null=True, blank=True)
    line_count = models.PositiveIntegerField("明细条数", default=1)

    class Meta:
        verbose_name = "推送行"
        verbose_name_plural = "推送行"
        ordering = ["receipt", "position"]
        constraints = [models.UniqueConstraint(fields=["receipt", "position"], name="pushed_row_position_unique")]

    def __str__(self) -> str:
        return f"{self.unit} {self.position}"
