"""The circular (通报): its number, date and paragraphs, drafted from the ledger and edited by the office.

Every save leaves a history row (django-simple-history) holding the paragraphs as they were, so each version the
office edited can be read and printed again.
"""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from fupin.core.periods import Period


class CircularStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    FINAL = "final", "定稿"


class ParagraphKind(models.TextChoices):
    TITLE = "title", "标题"
    RECIPIENTS = "recipients", "主送机关"
    HEADING1 = "heading1", "一级标题"
    HEADING2 = "heading2", "二级标题"
    BODY = "body", "正文"
    ATTACHMENT = "attachment", "附件说明"
    SIGNATURE = "signature", "发文机关署名"
    DATE = "date", "成文日期"


class Circular(models.Model):
    first_month = models.DateField("起始月份")
    last_month = models.DateField("截止月份")
    number = models.CharField("发文字号", max_length=50, help_text="例如 平工办〔2020〕33号")
    date = models.DateField("成文日期")
    issuer = models.CharField("发文机关", max_length=100, help_text="例如 平顶山市总工会办公室")
    # 版记 (GB/T 9704 7.4): 抄送 is optional; 印发机关 defaults to the issuer, 印发日期 to the 成文日期.
    copy_to = models.CharField("抄送", max_length=300, blank=True, help_text="例如 省总工会扶贫办，市扶贫办")
    printer = models.CharField("印发机关", max_length=100, blank=True, help_text="不填则与发文机关相同")
    printed_on = models.DateField("印发日期", null=True, blank=True, help_text="不填则与成文日期相同")
    # The 核对单 as drafted: [{"key", "figure", "what", "link"}, …], every figure the draft's text states.
    checklist = models.JSONField("核对单", default=list, blank=True)
    status = models.CharField("状态", max_length=10, choices=CircularStatus.choices, default=CircularStatus.DRAFT)
    # [{"kind": ParagraphKind, "text": "…"}, …] in reading order.
    paragraphs = models.JSONField("段落", default=list)
    created_at = models.DateTimeField("起草时间", auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name="起草人")
    updated_at = models.DateTimeField("修改时间", auto_now=True)
    finalized_at = models.DateTimeField("定稿时间", null=True, blank=True)
    finalized_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", verbose_name="定稿人")
    history = HistoricalRecords()

    class Meta:
        verbose_name = "通报"
        verbose_name_plural = "通报"
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def period(self) -> Period:
        return Period(self.first_month, self.last_month)

    @property
    def title(self) -> str:
        return next((p["text"] for p in self.paragraphs if p.get("kind") == ParagraphKind.TITLE), "")

    @property
    def is_final(self) -> bool:
        return self.status == CircularStatus.FINAL
