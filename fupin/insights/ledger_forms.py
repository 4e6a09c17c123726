"""What the ledger search (and its export) accepts in the query string, in the words the page uses."""

from django import forms

from fupin.core.errors import UserError
from fupin.core.money import wan_to_fen
from fupin.core.periods import Period
from fupin.insights.ledger import EXCLUDED_CHOICES, UNCLASSIFIED, LedgerFilters
from fupin.reporting.models import Status

PERIOD_HELP = "YYYY-MM 或 YYYY-MM:YYYY-MM，例如 2020-01:2020-10；不填为全部期间"
AMOUNT_BAD = "“{value}”不是金额，应为万元数，例如 0.5 或 12.35"
AMOUNT_ORDER = "金额下限{low}万元大于上限{high}万元"
ENCODINGS = {"utf-8": "UTF-8（Excel）", "gbk": "GBK（WPS、旧版Excel）"}


def _channel_choices():
    from fupin.quality.models import Channel

    return [("", "不限"), *Channel.objects.order_by("order", "code").values_list("code", "name"),
            (UNCLASSIFIED, "未分类")]


class LedgerSearchForm(forms.Form):
    period = forms.CharField(label="统计期间", required=False, help_text=PERIOD_HELP)
    unit = forms.TypedChoiceField(label="单位", required=False, coerce=int, empty_value=None)
    product = forms.CharField(label="产品名称", required=False, max_length=200)
    source = forms.CharField(label="产品来源", required=False, max_length=200)
    channel = forms.ChoiceField(label="标准渠道", required=False, choices=_channel_choices)
    text = forms.CharField(label="说明", required=False, max_length=200, help_text="备注、上报说明或报表的工作信息中的文字")
    amount_min = forms.CharField(label="金额不少于（万元）", required=False, max_length=30)
    amount_max = forms.CharField(label="金额不多于（万元）", required=False, max_length=30)
    status = forms.ChoiceField(label="报表状态", required=False, choices=[("", "不限"), *Status.choices])
    excluded = forms.ChoiceField(label="剔除", required=False, choices=list(EXCLUDED_CHOICES.items()))
    encoding = forms.ChoiceField(label="CSV编码", required=False, choices=list(ENCODINGS.items()))

    def __init__(self, data, *, units):
        super().__init__(data)
        self.units = {u.pk: u for u in units}
        self.fields["unit"].choices = [("", "全部可查看的单位")] + [
            (u.pk, "　" * max(u.depth - 1, 0) + u.display_name) for u in units]

    def clean_period(self):
        text = self.cleaned_data.get("period", "").strip()
        if not text:
            return None
        try:
            return Period.parse(text)
        except UserError as exc:
            raise forms.ValidationError(exc.message) from None

    def _fen(self, name: str) -> int | None:
        text = self.cleaned_data.get(name, "").strip()
        if not text:
            return None
        try:
            fen = wan_to_fen(text)
        except UserError as exc:
            raise forms.ValidationError(AMOUNT_BAD.format(value=text) if "不是数字" in exc.message
                                        else exc.message) from None
        if fen < 0:
            raise forms.ValidationError(AMOUNT_BAD.format(value=text))
        return fen

    def clean_amount_min(self):
        return self._fen("amount_min")

    def clean_amount_max(self):
        return self._fen("amount_max")

    def clean(self):
        data = super().clean()
        low, high = data.get("amount_min"), data.get("amount_max")
        if low is not None and high is not None and low > high:
            raise forms.ValidationError(AMOUNT_ORDER.format(low=self.data.get("amount_min"),
                                                            high=self.data.get("amount_max")))
        return data

    def filters(self) -> LedgerFilters:
        d = self.cleaned_data
        return LedgerFilters(
            period=d.get("period"), unit=self.units.get(d.get("unit")), product=d.get("product", "").strip(),
            source=d.get("source", "").strip(), channel=d.get("channel", ""), text=d.get("text", "").strip(),
            amount_min_fen=d.get("amount_min"), amount_max_fen=d.get("amount_max"), status=d.get("status", ""),
            excluded=d.get("excluded", ""))

    def encoding_name(self) -> str:
        return self.cleaned_data.get("encoding") or "utf-8"
