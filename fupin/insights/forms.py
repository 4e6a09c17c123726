"""What the dashboard and the pivot page accept in their query string."""

from django import forms

from fupin.core.errors import UserError
from fupin.core.periods import Period
from fupin.insights.aggregates import DIMENSIONS, Filters
from fupin.insights.pivot import MEASURES
from fupin.reporting.models import ConsumptionType, Method
from fupin.units.models import UnitKind

PERIOD_HELP = "YYYY-MM 或 YYYY-MM:YYYY-MM，例如 2020-01:2020-10"


def _channel_choices():
    from fupin.quality.models import Channel

    return [(c.code, c.name) for c in Channel.objects.order_by("order", "code")] + [("", "未分类")]


class PivotForm(forms.Form):
    period = forms.CharField(label="统计期间", required=False, help_text=PERIOD_HELP)
    unit = forms.IntegerField(label="单位", required=False, widget=forms.HiddenInput)
    rows = forms.ChoiceField(label="行", choices=list(DIMENSIONS.items()), initial="unit")
    cols = forms.ChoiceField(label="列", choices=[("", "（不分列）"), *DIMENSIONS.items()], required=False,
                             initial="channel")
    measure = forms.ChoiceField(label="数值", choices=list(MEASURES.items()), initial="amount", required=False)
    channel = forms.MultipleChoiceField(label="渠道", required=False, choices=_channel_choices)
    method = forms.MultipleChoiceField(label="采购方式", required=False,
                                       choices=[*Method.choices, ("", "未注明")])
    type = forms.MultipleChoiceField(label="消费类型", required=False,
                                     choices=[*ConsumptionType.choices, ("", "未注明")])
    kind = forms.MultipleChoiceField(label="单位类别", required=False, choices=UnitKind.choices)

    def clean_period(self):
        text = self.cleaned_data.get("period", "").strip()
        if not text:
            return None
        try:
            return Period.parse(text)
        except UserError as exc:
            raise forms.ValidationError(exc.message) from None

    def filters(self) -> Filters:
        data = self.cleaned_data
        return Filters(channel=tuple(data.get("channel") or ()), method=tuple(data.get("method") or ()),
                       type=tuple(data.get("type") or ()), kind=tuple(data.get("kind") or ()))


def pivot_form(query) -> PivotForm:
    """The form bound to a query string, with the defaults filled in (rows by unit, columns by channel)."""
    data = query.copy()
    if "rows" not in data:
        data["rows"] = "unit"
        data.setdefault("cols", "channel")
    data.setdefault("measure", "amount")
    return PivotForm(data)
