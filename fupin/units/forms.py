"""Input forms of the office's unit pages. They check what a person typed; the rules live in units.services."""

from django import forms

from fupin.units.models import Unit, UnitKind

REQUIRED = "此项为必填项"
UNKNOWN_UNIT = "请选择列表中的单位"
REASON_HELP = "将与更改一起记入审计记录"


class UnitChoiceField(forms.ModelChoiceField):
    """Units as a tree: indented by depth, in registry order."""

    def __init__(self, queryset, **kwargs):
        kwargs.setdefault("error_messages", {"required": REQUIRED, "invalid_choice": UNKNOWN_UNIT})
        super().__init__(queryset.order_by("path"), **kwargs)

    def label_from_instance(self, obj: Unit) -> str:
        return "　" * obj.depth + obj.display_name


def _reason(required: bool = False) -> forms.CharField:
    return forms.CharField(label="理由" if required else "理由（可不填）", max_length=200, required=required,
                           help_text=REASON_HELP, error_messages={"required": "请写明理由（将记入审计记录）"})


def _active() -> "forms.QuerySet[Unit]":
    return Unit.objects.filter(active=True)


class UnitAddForm(forms.Form):
    parent = UnitChoiceField(_active(), label="上级单位")
    short_name = forms.CharField(label="简称（统计表中显示）", max_length=50, error_messages={"required": REQUIRED})
    name = forms.CharField(label="全称（可不填，默认同简称）", max_length=100, required=False)
    kind = forms.ChoiceField(label="类别", choices=UnitKind.choices, initial=UnitKind.OTHER)
    reason = _reason()


class RenameForm(forms.Form):
    short_name = forms.CharField(label="新简称", max_length=50, error_messages={"required": REQUIRED})
    name = forms.CharField(label="新全称（可不填，默认同简称）", max_length=100, required=False)
    reason = _reason()


class MoveForm(forms.Form):
    parent = UnitChoiceField(_active(), label="移到此单位之下")
    reason = _reason()

    def __init__(self, *args, unit: Unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = (_active().exclude(unit.subtree_q()).exclude(pk=unit.parent_id)
                                          .order_by("path"))


class MergeForm(forms.Form):
    target = UnitChoiceField(_active(), label="并入单位")
    reason = _reason(required=True)

    def __init__(self, *args, unit: Unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = _active().exclude(pk=unit.pk).exclude(parent=None).order_by("path")


class ReasonForm(forms.Form):
    """停用 (a reason is required) and 恢复在用."""

    reason = _reason()

    def __init__(self, *args, required: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if required:
            self.fields["reason"] = _reason(required=True)


class AliasForm(forms.Form):
    text = forms.CharField(label="别名（其他写法）", max_length=100, error_messages={"required": "请填写别名"})
    reason = _reason()
