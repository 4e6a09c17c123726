"""Input forms of the quality pages."""

from django import forms


class NonConsumptionWordForm(forms.Form):
    word = forms.CharField(label="关键词", max_length=100, help_text="如 招待、礼品卡；勾选“正则”时为正则表达式")
    reason = forms.CharField(label="原因", max_length=200, help_text="填报单位会看到，例如：公务招待是单位公务开支")
    exceptions = forms.CharField(label="例外", max_length=300, required=False,
                                 help_text="含这些词时不提示，用“|”或“、”分隔")
    is_pattern = forms.BooleanField(label="正则", required=False)
