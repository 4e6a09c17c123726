"""The office's forms for people and roles; the rules themselves are in fupin.site.people."""

from django import forms

from fupin.units.models import Role, Unit


class UnitChoice(forms.ModelChoiceField):
    def label_from_instance(self, unit):
        return ("　" * unit.depth) + unit.display_name


def _units():
    return Unit.objects.filter(active=True).order_by("path")


class PersonForm(forms.Form):
    name = forms.CharField(label="姓名", max_length=150, required=False)  # people.person_problems says so
    phone = forms.CharField(label="手机", max_length=30, required=False)
    username = forms.CharField(label="用户名", max_length=150, required=False, help_text="不填则用手机号")
    email = forms.CharField(label="邮箱", max_length=254, required=False)
    unit = UnitChoice(label="单位", queryset=_units(), required=False, empty_label="（暂不授予角色）")
    role = forms.ChoiceField(label="角色", choices=Role.choices, initial=Role.REPORTER)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = _units()
        for name, field in self.fields.items():
            field.error_messages["required"] = f"请填写{field.label}"
            field.widget.attrs.setdefault("data-testid", f"person-{name}")


class RoleForm(forms.Form):
    unit = UnitChoice(label="单位", queryset=_units(), empty_label="选择单位",
                      error_messages={"required": "请选择单位", "invalid_choice": "没有这个单位，请重新选择"})
    role = forms.ChoiceField(label="角色", choices=Role.choices,
                             error_messages={"invalid_choice": "没有这个角色，请重新选择"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = _units()


class RosterForm(forms.Form):
    file = forms.FileField(label="名单文件", error_messages={"required": "请选择名单文件（xlsx）",
                                                          "empty": "文件是空的"})
    check_only = forms.BooleanField(label="只检查，不建立账号", required=False)
