"""The office's unit pages: the tree (add a unit), and one unit's page (rename, move, merge, retire, restore,
aliases, its history). Only the city office comes here (units.access); each POST calls one service."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from fupin.core.errors import UserError
from fupin.units import access, services
from fupin.units.forms import AliasForm, MergeForm, MoveForm, ReasonForm, RenameForm, UnitAddForm
from fupin.units.models import Unit, UnitAlias
from fupin.units.selectors import unit_changes, units_tree

OFFICE_ONLY = "只有市总管理员可以管理单位"


def _office_only(request) -> None:
    if not access.may(request.user, "manage"):
        raise PermissionDenied(OFFICE_ONLY)


def _unit(request, unit_id: int) -> Unit:
    """404 for whoever may not see the unit, 403 for whoever sees it but is not the office."""
    unit = access.unit_for_user_or_404(request.user, unit_id)
    _office_only(request)
    return unit


def _page(request, unit: Unit, *, status: int = 200, **forms):
    context = {
        "unit": unit, "children": list(unit.children.order_by("order", "pk")),
        "aliases": list(unit.aliases.order_by("pk")), "changes": unit_changes(unit),
        "rename": RenameForm(initial={"short_name": unit.short_name, "name": unit.name}),
        "move": MoveForm(unit=unit), "merge": MergeForm(unit=unit), "retire": ReasonForm(),
        "alias": AliasForm(),
    }
    context.update(forms)
    return render(request, "units/unit.html", context, status=status)


@login_required
@require_GET
def index(request):
    _office_only(request)
    return render(request, "units/index.html", {"units": units_tree(), "form": UnitAddForm()})


@login_required
@require_POST
def add(request):
    _office_only(request)
    form = UnitAddForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            unit = services.unit_add(parent=data["parent"], short_name=data["short_name"], name=data["name"],
                                     kind=data["kind"], by=request.user, reason=data["reason"])
        except UserError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"已新增单位“{unit.display_name}”")
            return redirect("units:unit", unit.pk)
    return render(request, "units/index.html", {"units": units_tree(), "form": form}, status=400)


@login_required
@require_GET
def unit(request, unit_id: int):
    return _page(request, _unit(request, unit_id))


def _act(request, unit: Unit, name: str, form, call, done):
    """Validate `form`, call the service; on a refusal show the page again with the message beside the form."""
    if form.is_valid():
        try:
            result = call(form.cleaned_data)
        except UserError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, done(result) if callable(done) else done)
            return redirect("units:unit", unit.pk)
    return _page(request, unit, status=400, **{name: form})


@login_required
@require_POST
def rename(request, unit_id: int):
    unit = _unit(request, unit_id)
    old = unit.display_name
    return _act(request, unit, "rename", RenameForm(request.POST), lambda d: services.unit_rename(
        unit=unit, short_name=d["short_name"], name=d["name"], by=request.user, reason=d["reason"]),
        lambda u: f"已将“{old}”更名为“{u.display_name}”，原名称已作为别名保留")


@login_required
@require_POST
def move(request, unit_id: int):
    unit = _unit(request, unit_id)
    return _act(request, unit, "move", MoveForm(request.POST, unit=unit), lambda d: services.unit_move(
        unit=unit, parent=d["parent"], by=request.user, reason=d["reason"]),
        lambda u: f"已将“{u.display_name}”移到“{u.parent.display_name}”之下")


@login_required
@require_POST
def merge(request, unit_id: int):
    unit = _unit(request, unit_id)
    form = MergeForm(request.POST, unit=unit)
    if form.is_valid():
        try:
            target, notes = services.unit_merge(source=unit, target=form.cleaned_data["target"], by=request.user,
                                                reason=form.cleaned_data["reason"])
        except UserError as exc:
            form.add_error(None, exc.message)
        else:
            done = f"已将“{unit.display_name}”并入“{target.display_name}”"
            messages.success(request, "；".join([done, *notes]))
            return redirect("units:unit", target.pk)
    return _page(request, unit, status=400, merge=form)


@login_required
@require_POST
def retire(request, unit_id: int):
    unit = _unit(request, unit_id)
    return _act(request, unit, "retire", ReasonForm(request.POST, required=True), lambda d: services.unit_retire(
        unit=unit, by=request.user, reason=d["reason"]),
        f"已停用“{unit.display_name}”：报表和历史保留，不再列入新的统计轮次、催报和及时率")


@login_required
@require_POST
def reactivate(request, unit_id: int):
    unit = _unit(request, unit_id)
    return _act(request, unit, "retire", ReasonForm(request.POST), lambda d: services.unit_reactivate(
        unit=unit, by=request.user, reason=d["reason"]), f"已恢复“{unit.display_name}”为在用")


@login_required
@require_POST
def alias_add(request, unit_id: int):
    unit = _unit(request, unit_id)
    return _act(request, unit, "alias", AliasForm(request.POST), lambda d: services.unit_alias_create(
        unit=unit, text=d["text"], by=request.user, reason=d["reason"]), lambda a: f"已添加别名“{a.text}”")


@login_required
@require_POST
def alias_remove(request, unit_id: int, alias_id: int):
    unit = _unit(request, unit_id)
    alias = get_object_or_404(UnitAlias, pk=alias_id, unit=unit)
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    services.unit_alias_remove(alias=alias, by=request.user, reason=reason)
    messages.success(request, f"已删除别名“{alias.text}”（删除记录保留在更改记录中）")
    return redirect(reverse("units:unit", args=[unit.pk]) + "#aliases")
