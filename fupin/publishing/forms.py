from django import forms

from fupin.core.errors import UserError
from fupin.core.periods import Period


class CircularDraftForm(forms.Form):
    period = forms.CharField(label="统计期间", help_text="例如 2020-01:2020-10")
    number = forms.CharField(label="发文字号", max_length=50, help_text="例如 平工办〔2020〕33号")
    date = forms.DateField(label="成文日期", help_text="例如 2020-10-27")
    issuer = forms.CharField(label="发文机关", max_length=100, required=False)
    copy_to = forms.CharField(label="抄送", max_length=300, required=False, help_text="可不填")

    def clean_period(self):
        try:
            return Period.parse(self.cleaned_data["period"])
        except UserError as exc:
            raise forms.ValidationError(exc.message) from None


class CircularHeadForm(forms.Form):
    number = forms.CharField(label="发文字号", max_length=50)
    date = forms.DateField(label="成文日期")
    issuer = forms.CharField(label="发文机关", max_length=100)
    copy_to = forms.CharField(label="抄送", max_length=300, required=False, help_text="可不填")
    printer = forms.CharField(label="印发机关", max_length=100, required=False, help_text="不填则与发文机关相同")
    printed_on = forms.DateField(label="印发日期", required=False, help_text="不填则与成文日期相同")
    reason = forms.CharField(label="修改说明", max_length=200, required=False)
