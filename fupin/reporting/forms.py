"""Input forms of the reporting pages. They check what a person typed; the rules live in the services."""

from datetime import date

from django import forms

from fupin.core.errors import UserError
from fupin.core.money import fen_to_wan, tons_display
from fupin.core.periods import Period
from fupin.reporting import validation
from fupin.reporting.models import Channel, ConsumptionType, DeadlineRule, Method, Purpose
from fupin.reporting.services import LineInput
from fupin.units.selectors import reporting_units

AMOUNT_HELP = "单位：万元，例如 1.5 表示 1.5万元（15000元）；每行不超过10000万元（1亿元）"
# The validator's field names → this form's (its messages are shown beside these fields).
FORM_FIELD = {"amount": "amount_wan", "quantity": "quantity_tons", "date": "purchase_date", "source": "source_text",
              "method": "method", "product": "product", "note": "note"}


def _limits(maximum, **attrs) -> dict:
    """The browser's own check, from the validator's constants: what it lets through, the server takes."""
    return {"min": "0", "max": str(maximum), "step": validation.STEP, "inputmode": "decimal", **attrs}


class LineForm(forms.Form):
    """Parses what was typed; every judgement is the validator's (reporting.validation), reached through the
    service. Numbers are taken as text so that the validator, not Django, words the message."""

    product = forms.CharField(label="产品名称", max_length=200, required=False)
    source_text = forms.CharField(label="产品来源（购买渠道）", max_length=200,
                                  error_messages={"required": validation.SOURCE_MISSING},
                                  help_text="例如：扶贫832平台、贫困户、扶贫基地")
    method = forms.ChoiceField(label="采购方式", choices=Method.choices,
                               error_messages={"required": validation.METHOD_MISSING,
                                               "invalid_choice": validation.METHOD_UNKNOWN})
    purchase_date = forms.DateField(label="采购时间", required=False,
                                    error_messages={"invalid": validation.DATE_IMPOSSIBLE},
                                    widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    quantity_tons = forms.CharField(label="数量（吨）", required=False, max_length=40,
                                    widget=forms.NumberInput(attrs=_limits(validation.QUANTITY_MAX_TONS)))
    amount_wan = forms.CharField(label="金额（万元）", max_length=40, help_text=AMOUNT_HELP,
                                 error_messages={"required": validation.AMOUNT_MISSING},
                                 widget=forms.NumberInput(attrs=_limits(validation.AMOUNT_MAX_WAN)))
    consumption_type = forms.ChoiceField(label="消费类型", required=False,
                                         choices=[("", "—")] + list(ConsumptionType.choices))
    purpose = forms.ChoiceField(label="用途", required=False, choices=[("", "—")] + list(Purpose.choices),
                                help_text="用于“四送”、节日慰问或困难职工慰问的采购请选择，以便对照政策规则")
    note = forms.CharField(label="备注", max_length=500, required=False)

    def __init__(self, *args, period: Period | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if period is not None:  # the browser offers only the report's days; the validator says the same
            first, last = validation.date_bounds(period)
            self.fields["purchase_date"].widget.attrs.update(min=first.isoformat(), max=last.isoformat())

    def clean_amount_wan(self) -> int:
        return self._parsed(validation.amount_from_text, "amount_wan")

    def clean_quantity_tons(self) -> int | None:
        return self._parsed(validation.grams_from_text, "quantity_tons")

    def _parsed(self, parse, name: str):
        try:
            return parse(self.cleaned_data[name])
        except validation.LineRefused as exc:
            raise forms.ValidationError(exc.checks[0].message) from None

    def refused(self, exc: "validation.LineRefused") -> None:
        """Put the validator's messages beside the fields they are about."""
        for check in exc.checks:
            self.add_error(FORM_FIELD.get(check.field), check.message)

    def line_input(self) -> LineInput:
        data = self.cleaned_data
        return LineInput(
            amount_fen=data["amount_wan"], product=data["product"].strip(),
            source_text=data["source_text"].strip(), method_text=data["method"], method=data["method"],
            date_text=data["purchase_date"].isoformat() if data.get("purchase_date") else "",
            purchase_date=data.get("purchase_date"), quantity_g=data.get("quantity_tons"),
            consumption_type=data.get("consumption_type") or "", purpose=data.get("purpose") or "",
            note=data["note"].strip())

    def changes(self) -> dict:
        """The same input as keyword arguments for line_update."""
        values = self.line_input().__dict__
        return {k: v for k, v in values.items() if k not in ("extra", "explanation", "channel_code")}

    @staticmethod
    def initial_for(line) -> dict:
        return {"product": line.product, "source_text": line.source_text, "method": line.method,
                "purchase_date": line.purchase_date, "amount_wan": format(fen_to_wan(line.amount_fen), "f"),
                "quantity_tons": tons_display(line.quantity_g), "consumption_type": line.consumption_type,
                "purpose": line.purpose, "note": line.note}


class SummaryForm(forms.Form):
    summary = forms.CharField(label="工作信息", required=False, max_length=5000,
                              widget=forms.Textarea(attrs={"rows": 5}),
                              help_text="本期消费扶贫工作开展情况的简要说明")
    is_zero_report = forms.BooleanField(label="零报告：本期无消费扶贫采购", required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label="原因", max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class UploadForm(forms.Form):
    # An empty file gets through to file_attach, which names it ("文件“…”是空的") instead of "请选择要上传的文件".
    file = forms.FileField(label="附件", help_text="工作总结、凭证照片等；单个文件不超过上限", allow_empty_file=True)


class RoundForm(forms.Form):
    period = forms.CharField(label="期间", max_length=20, help_text="YYYY-MM 或 YYYY-MM:YYYY-MM，例如 2020-11")
    rule = forms.ChoiceField(label="截止规则", choices=DeadlineRule.choices)
    workdays_after = forms.IntegerField(label="月末后第几个工作日", required=False, min_value=1, max_value=31)
    fixed_date = forms.DateField(label="指定截止日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    day_of_month = forms.IntegerField(label="每月第几日", required=False, min_value=1, max_value=31,
                                      help_text="规则“每月第N日”：遇周末或节假日提前到此前最后一个工作日")
    note = forms.CharField(label="说明", max_length=200, required=False)

    def clean_period(self) -> Period:
        try:
            return Period.parse(self.cleaned_data["period"])
        except UserError as exc:
            raise forms.ValidationError(exc.message) from None

    def clean(self):
        data = super().clean()
        if data.get("rule") == DeadlineRule.WORKDAYS_AFTER and not data.get("workdays_after"):
            self.add_error("workdays_after", "规则为“月末后第N个工作日”时须填写N")
        if data.get("rule") == DeadlineRule.FIXED and not data.get("fixed_date"):
            self.add_error("fixed_date", "规则为“指定日期”时须填写截止日期")
        if data.get("rule") == DeadlineRule.DAY_OF_MONTH and not data.get("day_of_month"):
            self.add_error("day_of_month", "规则为“每月第N日”时须填写N")
        return data


class ArrangementForm(forms.Form):
    text = forms.CharField(
        label="节假日安排", widget=forms.Textarea(attrs={"rows": 14}),
        help_text="粘贴国务院办公厅通知的原文（如“春节：2月6日至13日放假调休，共8天。2月14日、2月20日上班。”），"
                  "或每行“名称 日期 放假/上班”，例如：春节 2027-02-06~2027-02-13 放假")


class ReminderForm(forms.Form):
    unit = forms.ModelChoiceField(label="单位", queryset=None, empty_label="—请选择—")
    period = forms.CharField(label="期间", max_length=20, help_text="例如 2020-10")
    channel = forms.ChoiceField(label="方式", choices=[c for c in Channel.choices if c[0] != Channel.EMAIL])
    to_whom = forms.CharField(label="对象", max_length=200, required=False, help_text="姓名、电话")
    outcome = forms.CharField(label="结果", max_length=500, required=False, help_text="例如：答应明天上报")
    at = forms.DateTimeField(label="时间", required=False, help_text="不填为现在",
                             widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = reporting_units()

    def clean_period(self) -> Period:
        try:
            return Period.parse(self.cleaned_data["period"])
        except UserError as exc:
            raise forms.ValidationError(exc.message) from None


class YearForm(forms.Form):
    year = forms.IntegerField(min_value=2000, max_value=2100, required=False)

    def year_or(self, default: date) -> int:
        return (self.cleaned_data.get("year") if self.is_valid() else None) or default.year


class SamePersonForm(forms.Form):
    """The office's four-eyes switch for a unit with one person (units.services.unit_same_person_allow)."""

    allowed = forms.BooleanField(label="本单位只有一人，允许同一人填报和审核", required=False)
    reason = forms.CharField(label="理由（记入审计记录）", max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
