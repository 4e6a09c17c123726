"""Input of the import pages: the period, the unit (for a unit's own report) and the file."""

from django import forms

from fupin.core.errors import UserError
from fupin.core.periods import Period
from fupin.units.models import Unit


class PeriodField(forms.CharField):
    def clean(self, value):
        text = super().clean(value)
        try:
            return Period.parse(text)
        except UserError as exc:
            raise forms.ValidationError(exc.message) from None


class TemplateForm(forms.Form):
    unit = forms.ModelChoiceField(Unit.objects.none(), label="单位", empty_label=None)
    period = PeriodField(label="期间", help_text="YYYY-MM 或 YYYY-MM:YYYY-MM")

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units if units is not None else Unit.objects.none()


class UploadForm(forms.Form):
    file = forms.FileField(label="文件", help_text="Excel（.xlsx、.xls）、CSV 或含表格的 Word（.docx）")
    period = PeriodField(label="期间", help_text="YYYY-MM 或 YYYY-MM:YYYY-MM")
    unit = forms.ModelChoiceField(Unit.objects.none(), label="单位", required=False,
                                  empty_label="多单位汇总表（按表中“单位名称”列）")

    def __init__(self, *args, units=None, office: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["unit"]
        field.queryset = units if units is not None else Unit.objects.none()
        if not office:
            field.required, field.empty_label = True, None
