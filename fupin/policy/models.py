"""Policy rules as data (with the document that set them and when they apply), and what the rules need to be
checked: each unit's welfare spending by purpose and its member count per year. Money in 分."""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from fupin.core.periods import Period
from fupin.policy.amounts import bp_percent_text, yuan_text
from fupin.reporting.models import Purpose
from fupin.units.models import Unit

WELFARE_PURPOSES = (Purpose.SISONG, Purpose.HOLIDAY, Purpose.HARDSHIP)
BP_PER_PERCENT = 100  # shares are stored in 万分之一 (basis points) so they stay integers on every database


class Document(models.Model):
    """A document that sets or restates a rule (豫工发电〔2020〕17号)."""

    number = models.CharField("文号", max_length=100, unique=True)
    title = models.CharField("标题", max_length=300)
    issuer = models.CharField("发文机关", max_length=100, blank=True)
    issued_on = models.DateField("发文日期", null=True, blank=True, help_text="不详时留空")
    note = models.TextField("说明", blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "政策文件"
        verbose_name_plural = "政策文件"
        ordering = ["-issued_on", "number"]

    def __str__(self) -> str:
        return self.number


class RuleKind(models.TextChoices):
    SHARE_MIN = "share_min", "福利支出采购扶贫产品最低比例"
    HOLIDAY_CAP = "holiday_cap", "节日慰问品年度人均上限"
    EXTRA_ALLOWANCE = "extra_allowance", "上限之外的扶贫农副产品人均额度"


class Rule(models.Model):
    """One version of a rule. A later version (later 生效日期) replaces an earlier one from its date on; periods
    before it keep the earlier version. For the extra allowance, 生效日期—截止日期 is the window it may be used in."""

    code = models.CharField("代码", max_length=50, unique=True, null=True, blank=True,
                            help_text="系统默认规则的代码；市总新增的规则留空")
    kind = models.CharField("规则类型", max_length=20, choices=RuleKind.choices)
    name = models.CharField("名称", max_length=100)
    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="rules", verbose_name="依据文件")
    jurisdiction = models.CharField("适用地区", max_length=100, help_text="例如：河南省、平顶山市工会系统")
    purposes = models.CharField("适用用途", max_length=100, blank=True,
                                help_text="比例规则适用的用途，以逗号分隔（四送、节日慰问、困难职工慰问）")
    min_share_bp = models.PositiveIntegerField("最低比例（万分之一）", null=True, blank=True)
    amount_fen = models.BigIntegerField("每人金额（分）", null=True, blank=True)
    exclude_channels = models.CharField("不计入的渠道", max_length=200, blank=True,
                                        help_text="额外额度只认本省贫困地区产品：不计入的标准渠道代码，逗号分隔，如 PAIR")
    effective_from = models.DateField("生效日期")
    effective_until = models.DateField("截止日期", null=True, blank=True, help_text="含当日；长期有效时留空")
    active = models.BooleanField("在用", default=True, help_text="停用而不删除：历史规则留档")
    note = models.TextField("说明", blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "政策规则"
        verbose_name_plural = "政策规则"
        ordering = ["kind", "effective_from", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(effective_until__isnull=True)
                                   | models.Q(effective_from__lte=models.F("effective_until")),
                                   name="rule_window_ordered"),
            models.CheckConstraint(condition=models.Q(amount_fen__isnull=True) | models.Q(amount_fen__gte=0),
                                   name="rule_amount_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.document.number}，{self.effective_from:%Y-%m-%d}起）"

    def clean(self):
        # Plain messages, not keyed by field: the admin form shows these fields as %/元, under other names.
        errors = []
        if self.kind == RuleKind.SHARE_MIN:
            if self.min_share_bp is None:
                errors.append("比例规则须填写最低比例")
            elif self.min_share_bp > 100 * BP_PER_PERCENT:
                errors.append("最低比例不能超过100%")
            unknown = [p for p in self.purpose_list if p not in Purpose.values]
            if not self.purpose_list or unknown:
                errors.append("比例规则须选择适用用途（四送、节日慰问、困难职工慰问）")
        elif self.amount_fen is None:
            errors.append("上限或额度规则须填写每人金额（元）")
        if self.effective_until and self.effective_from and self.effective_until < self.effective_from:
            errors.append("截止日期早于生效日期")
        if errors:
            raise ValidationError(errors)

    @property
    def purpose_list(self) -> list[str]:
        return [p.strip() for p in self.purposes.split(",") if p.strip()]

    @property
    def excluded_channel_codes(self) -> set[str]:
        return {c.strip() for c in self.exclude_channels.split(",") if c.strip()}

    @property
    def min_share_percent(self) -> str | None:
        return bp_percent_text(self.min_share_bp)

    @property
    def amount_yuan(self) -> str | None:
        return yuan_text(self.amount_fen)

    def in_force_on(self, day: date) -> bool:
        return self.effective_from <= day and (self.effective_until is None or day <= self.effective_until)


class WelfareSpending(models.Model):
    """What a unit spent on welfare in a period (within one calendar year), by purpose, as it reports it."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="welfare_spending", verbose_name="单位")
    first_month = models.DateField("起始月份")
    last_month = models.DateField("截止月份")
    sisong_fen = models.BigIntegerField("四送（分）", default=0)
    holiday_fen = models.BigIntegerField("节日慰问（分）", default=0)
    hardship_fen = models.BigIntegerField("困难职工慰问（分）", default=0)
    other_fen = models.BigIntegerField("其他（分）", default=0)
    note = models.CharField("备注", max_length=500, blank=True)
    entered_at = models.DateTimeField("填报时间", auto_now=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name="填报人")
    history = HistoricalRecords()

    FIELDS = {Purpose.SISONG: "sisong_fen", Purpose.HOLIDAY: "holiday_fen", Purpose.HARDSHIP: "hardship_fen",
              Purpose.OTHER: "other_fen"}

    class Meta:
        verbose_name = "福利支出"
        verbose_name_plural = "福利支出"
        ordering = ["unit__path", "first_month"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "first_month", "last_month"], name="one_spending_per_unit_period"),
            models.CheckConstraint(condition=models.Q(first_month__lte=models.F("last_month")),
                                   name="spending_period_ordered"),
            models.CheckConstraint(condition=models.Q(sisong_fen__gte=0, holiday_fen__gte=0, hardship_fen__gte=0,
                                                      other_fen__gte=0), name="spending_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.period} 福利支出"

    @property
    def period(self) -> Period:
        return Period(self.first_month, self.last_month)

    def amount_fen(self, purpose: str) -> int:
        return getattr(self, self.FIELDS[purpose])

    sisong_yuan = property(lambda self: yuan_text(self.sisong_fen))
    holiday_yuan = property(lambda self: yuan_text(self.holiday_fen))
    hardship_yuan = property(lambda self: yuan_text(self.hardship_fen))
    other_yuan = property(lambda self: yuan_text(self.other_fen))

    @property
    def total_fen(self) -> int:
        return sum(self.amount_fen(p) for p in self.FIELDS)

    def clean(self):
        if self.first_month and self.last_month:
            if self.first_month.year != self.last_month.year:
                raise ValidationError("福利支出按年度核算：起止月份须在同一年内")
            others = WelfareSpending.objects.filter(unit_id=self.unit_id, first_month__lte=self.last_month,
                                                    last_month__gte=self.first_month).exclude(pk=self.pk)
            clash = others.first()
            if clash is not None:
                raise ValidationError(f"与已填报的{clash.period}福利支出重叠；同一月份只能填报一次，"
                                      "请修改那一条或改用不重叠的期间")


class MemberCount(models.Model):
    """A unit's member count for a year; without one, the registry's 会员人数 is used."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="member_counts", verbose_name="单位")
    year = models.PositiveSmallIntegerField("年度")
    count = models.PositiveIntegerField("会员人数")
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name="填报人")
    history = HistoricalRecords()

    class Meta:
        verbose_name = "年度会员人数"
        verbose_name_plural = "年度会员人数"
        ordering = ["unit__path", "year"]
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="one_member_count_per_unit_year")]

    def __str__(self) -> str:
        return f"{self.unit} {self.year}年 {self.count}人"

