"""Input forms: a rule as the office writes it (percent, 元), and a unit's welfare spending (元)."""

from decimal import Decimal

from django import forms

from fupin.core.errors import UserError
from fupin.core.money import yuan_to_fen
from fupin.core.periods import Period
from fupin.policy.amounts import bp_percent_text, percent_to_bp, yuan_text
from fupin.policy.models import WELFARE_PURPOSES, Rule, RuleKind
from fupin.policy.services import SpendingInput


def _yuan_field(label: str, required: bool = True) -> forms.DecimalField:
    return forms.DecimalField(label=label, required=required, min_value=Decimal(0), max_digits=14,
                              decimal_places=2, error_messages={"min_value": "金额不能为负数",
                                                                "max_decimal_places": "金额最多两位小数（分）",
                                                                "invalid": "请填写数字金额（元）"})


class RuleForm(forms.ModelForm):
    """The admin's rule form: shares in %, amounts in 元, stored as 万分之一 and 分."""

    purpose_choices = forms.MultipleChoiceField(
        label="适用用途", required=False, widget=forms.CheckboxSelectMultiple,
        choices=[(p.value, p.label) for p in WELFARE_PURPOSES], help_text="比例规则：对每项用途分别计算")
    min_share_percent = forms.DecimalField(label="最低比例（%）", required=False, min_value=Decimal(0),
                                           max_value=Decimal(100), decimal_places=2, help_text="比例规则填写，例如 20")
    amount_yuan = _yuan_field("每人金额（元）", required=False)

    class Meta:
        model = Rule
        fields = ["code", "kind", "name", "document", "jurisdiction", "effective_from", "effective_until",
                  "exclude_channels", "active", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        rule = self.instance
        self.fields["purpose_choices"].initial = rule.purpose_list
        self.fields["min_share_percent"].initial = bp_percent_text(rule.min_share_bp)
        self.fields["amount_yuan"].initial = yuan_text(rule.amount_fen)

    def clean(self):
        data = super().clean()
        rule = self.instance
        rule.purposes = ",".join(data.get("purpose_choices") or [])
        percent, amount = data.get("min_share_percent"), data.get("amount_yuan")
        rule.min_share_bp = percent_to_bp(percent) if percent is not None else None
        rule.amount_fen = yuan_to_fen(amount) if amount is not None else None
        if data.get("kind") == RuleKind.SHARE_MIN:
            rule.amount_fen = None
        elif data.get("kind"):
            rule.min_share_bp, rule.purposes = None, ""
        return data


class SpendingForm(forms.Form):
    unit = forms.TypedChoiceField(label="单位", coerce=int)
    period = forms.CharField(label="期间", max_length=20, help_text="YYYY-MM 或 YYYY-MM:YYYY-MM，须在同一年内")
    sisong = _yuan_field("“四送”活动支出（元）")
    holiday = _yuan_field("节日慰问支出（元）")
    hardship = _yuan_field("困难职工慰问支出（元）")
    other = _yuan_field("其他福利支出（元）")
    member_count = forms.IntegerField(label="会员人数", required=False, min_value=0,
                                      help_text="该年度会员人数；留空则沿用已填报或单位名录中的人数")
    note = forms.CharField(label="备注", required=False, max_length=500)

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [(u.pk, u.display_name) for u in units]

    def clean_period(self):
        try:
            period = Period.parse(self.cleaned_data["period"])
        except UserError as exc:
            raise forms.ValidationError(exc.message) from None
        if period.first.year != period.last.year:
            raise forms.ValidationError("福利支出按年度核算：起止月份须在同一年内")
        return period

    def amounts(self) -> SpendingInput:
        d = self.cleaned_data
        return SpendingInput(sisong_fen=yuan_to_fen(d["sisong"]), holiday_fen=yuan_to_fen(d["holiday"]),
                             hardship_fen=yuan_to_fen(d["hardship"]), other_fen=yuan_to_fen(d["other"]))

