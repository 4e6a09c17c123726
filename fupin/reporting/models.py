"""The ledger: what each unit reported for a period, line by line. Money in 分, quantities in grams."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from fupin.core.money import tons_display, wan_display
from fupin.core.periods import Period
from fupin.units.models import Unit


class Status(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已上报"
    RETURNED = "returned", "已退回"
    APPROVED = "approved", "已审核"


COUNTED_STATUSES = (Status.SUBMITTED, Status.APPROVED)


class Method(models.TextChoices):
    ONLINE = "线上", "线上"
    OFFLINE = "线下", "线下"


class ConsumptionType(models.TextChoices):
    UNIT_PURCHASE = "单位集中采购", "单位集中采购"
    PERSONAL = "职工个人消费", "职工个人消费"
    SANATORIUM = "职工疗休养", "职工疗休养"
    MODEL_WORKER = "劳模助力", "劳模助力"
    CANTEEN = "食堂采购", "食堂采购"
    OTHER = "其他", "其他"


class Purpose(models.TextChoices):
    """What the money served, as the policy rules ask (四送, holiday welfare, hardship visits)."""

    SISONG = "四送", "四送"
    HOLIDAY = "节日慰问", "节日慰问"
    HARDSHIP = "困难职工慰问", "困难职工慰问"
    OTHER = "其他", "其他"


class Submission(models.Model):
    """One unit's report for one period (a month, or a cumulative range such as 2020-01..2020-10)."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="submissions", verbose_name="单位")
    first_month = models.DateField("起始月份")
    last_month = models.DateField("截止月份")
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.DRAFT)
    is_zero_report = models.BooleanField("零报告", default=False, help_text="本月无消费扶贫采购")
    summary = models.TextField("工作信息", blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name="创建人")
    submitted_at = models.DateTimeField("上报时间", null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", verbose_name="上报人")
    history = HistoricalRecords()

    class Meta:
        verbose_name = "报表"
        verbose_name_plural = "报表"
        constraints = [
            models.UniqueConstraint(fields=["unit", "first_month", "last_month"], name="one_submission_per_unit_period"),
            models.CheckConstraint(condition=models.Q(first_month__lte=models.F("last_month")),
                                   name="submission_period_ordered"),
        ]
        indexes = [models.Index(fields=["first_month", "last_month"])]

    def __str__(self) -> str:
        return f"{self.unit} {self.period}"

    @property
    def period(self) -> Period:
        return Period(self.first_month, self.last_month)


class PurchaseLine(models.Model):
    """One purchase line. Every field a person may misspell is kept as written beside what it means."""

    submission = models.ForeignKey(Submission, on_delete=models.PROTECT, related_name="lines", verbose_name="报表")
    position = models.PositiveIntegerField("序号", default=0)
    product = models.CharField("产品名称", max_length=200, blank=True)
    source_text = models.CharField("产品来源（原文）", max_length=200, blank=True)
    channel_code = models.CharField("标准渠道", max_length=20, blank=True, db_index=True,
                                    help_text="渠道分类代码，未分类时为空")
    method_text = models.CharField("采购方式（原文）", max_length=50, blank=True)
    method = models.CharField("采购方式", max_length=10, choices=Method.choices, blank=True)
    date_text = models.CharField("采购时间（原文）", max_length=50, blank=True)
    purchase_date = models.DateField("采购时间", null=True, blank=True)
    quantity_g = models.BigIntegerField("数量（克）", null=True, blank=True)
    amount_fen = models.BigIntegerField("金额（分）")
    consumption_type = models.CharField("消费类型", max_length=20, choices=ConsumptionType.choices, blank=True)
    purpose = models.CharField("用途", max_length=20, choices=Purpose.choices, blank=True)
    note = models.CharField("备注", max_length=500, blank=True)
    explanation = models.TextField("上报说明", blank=True)
    excluded = models.BooleanField("已剔除", default=False)
    exclusion_reason = models.CharField("剔除原因", max_length=500, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "采购明细"
        verbose_name_plural = "采购明细"
        ordering = ["submission", "position", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount_fen__gte=0), name="line_amount_not_negative"),
            models.CheckConstraint(condition=~models.Q(excluded=True, exclusion_reason=""),
                                   name="line_exclusion_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.source_text or self.product} {self.amount_display}万元"

    @property
    def amount_display(self) -> str:
        return wan_display(self.amount_fen)

    @property
    def quantity_tons(self) -> str | None:
        return tons_display(self.quantity_g)
