"""The office's page of API tokens: create one for a person (shown once), see who has which, revoke."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from fupin.api.models import ApiToken
from fupin.api.tokens import token_create, tokens_list
from fupin.api.tokens import token_revoke as revoke
from fupin.core.errors import UserError
from fupin.units import access

SHOWN = 200


class TokenForm(forms.Form):
    username = forms.CharField(label="用户名", max_length=150)
    label = forms.CharField(label="用途说明", max_length=100, required=False, help_text="如“省总平台”“单位OA”")


def _office_only(request) -> None:
    if not access.is_office_admin(request.user):
        raise PermissionDenied("只有市总管理员可以管理接口令牌")


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request):
    _office_only(request)
    form, created = TokenForm(request.POST or None), None
    if request.method == "POST" and form.is_valid():
        try:
            record, token = token_create(username=form.cleaned_data["username"], label=form.cleaned_data["label"],
                                         by=request.user)
        except UserError as exc:
            form.add_error("username", exc.message)
        else:
            created = {"record": record, "token": token}
            form = TokenForm()
    return render(request, "api/tokens.html", {"form": form, "created": created,
                                               "tokens": tokens_list()[:SHOWN], "shown": SHOWN},
                  status=422 if form.errors else 200)


@login_required
@require_POST
def token_revoke(request, token_id: int):
    _office_only(request)
    record = get_object_or_404(ApiToken.objects.select_related("user"), pk=token_id, revoked_at__isnull=True)
    revoke(token=record, by=request.user)
    messages.success(request, f"已吊销令牌 {record.prefix}…（{record.user.username}）")
    return redirect("api_tokens")
