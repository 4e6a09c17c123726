"""Accounts pages: logging in (with django-axes' lockout said in Chinese), changing one's own password, and the
office's pages for people and roles: unlock logins, reset passwords, create, deactivate, give and take roles, and
import a roster. Each view asks units.access, calls fupin.site.accounts / people / roster, renders."""

from functools import wraps
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_GET, require_POST

from fupin.core.errors import UserError
from fupin.site import accounts, middleware, people, roster
from fupin.site.forms import PersonForm, RoleForm, RosterForm
from fupin.units import access
from fupin.units.models import Membership

OFFICE_ONLY = "只有市总管理员可以管理账号"
PEOPLE_PER_PAGE = 50


def _minutes() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


def lockout_message(lock) -> str:
    what = "账号" if lock.field == "username" else "您所在的网络地址"
    return (f"登录失败次数过多，{what}已锁定至 {accounts.until_display(lock.until)}，"
            "请稍后再试或联系市总管理员解锁。")


class LoginView(auth_views.LoginView):
    """Django's login; a wrong password says how many tries are left before the lock."""

    def form_invalid(self, form):
        failures = getattr(self.request, "axes_failures_since_start", None) or 0
        left = settings.AXES_FAILURE_LIMIT - failures
        warning = f"再输错 {left} 次，账号将被锁定 {_minutes()} 分钟。" if failures and left > 0 else ""
        return self.render_to_response(self.get_context_data(form=form, attempts_warning=warning))


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: the login page again, saying until when the account (or address) is locked."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    lock = accounts.lock_for(username=username, ip_address=getattr(request, "axes_ip_address", None))
    message = lockout_message(lock) if lock else "登录失败次数过多，账号已锁定，请稍后再试或联系市总管理员解锁。"
    form = AuthenticationForm(request, initial={"username": username})
    context = {"form": form, "lockout": message, "next": request.POST.get("next", request.GET.get("next", ""))}
    return render(request, "registration/login.html", context, status=settings.AXES_HTTP_RESPONSE_CODE)


class PasswordChangeView(auth_views.PasswordChangeView):
    # Not registration/…: the admin app ships templates of those names, and it comes first.
    template_name = "site/password_change_form.html"
    success_url = reverse_lazy("accounts:password_change_done")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["must_change"] = middleware.MUST_CHANGE if middleware.change_due(self.request) else ""
        return context

    def form_valid(self, form):
        response = super().form_valid(form)
        accounts.password_changed(user=self.request.user)
        middleware.change_done(self.request)
        return response


def office_required(view):
    """The accounts pages are the city office's: others are refused (403), the anonymous sent to log in."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not access.is_office_admin(request.user):
            raise PermissionDenied(OFFICE_ONLY)
        return view(request, *args, **kwargs)

    return wrapped


@require_GET
@office_required
def lockouts(request):
    accounts_locked, accounts_count = accounts.locks_current("username")
    addresses_locked, addresses_count = accounts.locks_current("ip_address")
    return render(request, "site/lockouts.html", {
        "accounts_locked": [(lock, accounts.until_display(lock.until)) for lock in accounts_locked],
        "addresses_locked": [(lock, accounts.until_display(lock.until)) for lock in addresses_locked],
        "accounts_count": accounts_count, "addresses_count": addresses_count, "shown": accounts.LOCKS_SHOWN,
        "events": accounts.events_recent(), "limit": settings.AXES_FAILURE_LIMIT, "minutes": _minutes(),
    })


@require_POST
@office_required
def unlock(request):
    username, ip_address = request.POST.get("username", "").strip(), request.POST.get("ip_address", "").strip()
    try:
        accounts.lock_release(by=request.user, username=username, ip_address=ip_address)
    except UserError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已解锁{'账号 ' + username if username else '地址 ' + ip_address}。")
    return redirect("accounts:lockouts")


@require_GET
@office_required
def people_list(request):
    text = request.GET.get("q", "")
    page = Paginator(accounts.people_search(text), PEOPLE_PER_PAGE).get_page(request.GET.get("page"))
    locked = {lock.value for lock in accounts.locks_current("username")[0]}
    rows = [(person, access_roles(person), person.username in locked, _phone(person)) for person in page]
    return render(request, "site/people.html", {"page": page, "rows": rows, "q": text})


def _phone(person) -> str:
    profile = getattr(person, "profile", None)  # accounts made before profiles existed have none
    return (profile.phone if profile else "") or ""


def access_roles(person) -> str:
    return "；".join(f"{m.unit.display_name}·{m.get_role_display()}" for m in person.memberships.all()) or "—"


def _person_or_404(user_id: int):
    return get_object_or_404(accounts.people_resettable().select_related("profile"), pk=user_id)


@office_required
def person_new(request):
    form = PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        phone = people.phone_clean(data["phone"])
        person = people.NewPerson(username=data["username"].strip() or phone, name=data["name"].strip(),
                                  phone=phone, email=data["email"].strip())
        roles = [(data["unit"], data["role"])] if data["unit"] else []
        try:
            user, password = people.person_create(person, by=request.user, roles=roles)
        except UserError as exc:
            for name, problem in exc.details or [(None, exc.message)]:
                form.add_error(name, problem)
        else:
            response = render(request, "site/people_created.html", {"person": user, "password": password})
            add_never_cache_headers(response)  # shown this once: not stored, not cached by the browser
            return response
    return render(request, "site/people_new.html", {"form": form}, status=422 if form.errors else 200)


@require_GET
@office_required
def person(request, user_id: int):
    person_ = _person_or_404(user_id)
    memberships = Membership.objects.filter(user=person_).select_related("unit").order_by("unit__path", "role")
    return render(request, "site/people_detail.html", {
        "person": person_, "phone": _phone(person_), "memberships": memberships, "role_form": RoleForm(),
        "events": people.person_events(person_), "due": accounts.password_change_due(person_)})


def _done(request, user_id: int, action, success: str):
    try:
        action()
    except UserError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, success)
    return redirect("accounts:person", user_id=user_id)


@require_POST
@office_required
def person_deactivate(request, user_id: int):
    person_ = _person_or_404(user_id)
    return _done(request, user_id, lambda: people.person_deactivate(user=person_, by=request.user),
                 f"已停用账号 {person_.username}，此人不能再登录；其填报和修改记录保留。")


@require_POST
@office_required
def person_reactivate(request, user_id: int):
    person_ = _person_or_404(user_id)
    return _done(request, user_id, lambda: people.person_reactivate(user=person_, by=request.user),
                 f"已恢复账号 {person_.username}")


@require_POST
@office_required
def role_add(request, user_id: int):
    person_ = _person_or_404(user_id)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(e for errors in form.errors.values() for e in errors))
        return redirect("accounts:person", user_id=user_id)
    unit, role = form.cleaned_data["unit"], form.cleaned_data["role"]
    return _done(request, user_id, lambda: people.role_add(user=person_, unit=unit, role=role, by=request.user),
                 f"已授予角色：{unit.display_name}·{dict(form.fields['role'].choices)[role]}")


@require_POST
@office_required
def role_remove(request, user_id: int, membership_id: int):
    person_ = _person_or_404(user_id)
    membership = get_object_or_404(Membership.objects.select_related("unit"), pk=membership_id, user=person_)
    return _done(request, user_id, lambda: people.role_remove(user=person_, unit=membership.unit,
                                                              role=membership.role, by=request.user),
                 f"已撤销角色：{membership.unit.display_name}·{membership.get_role_display()}")


@office_required
def roster_import(request):
    roster.handouts_expire()
    form = RosterForm(request.POST or None, request.FILES or None)
    context = {"form": form, "columns": roster.COLUMNS, "roles": roster.ROLES_EXPECTED}
    if request.method != "POST" or not form.is_valid():
        return render(request, "site/roster.html", context, status=422 if form.errors else 200)
    upload = form.cleaned_data["file"]
    if upload.size > settings.FUPIN_UPLOAD_MAX_BYTES:
        limit = settings.FUPIN_UPLOAD_MAX_BYTES // (1024 * 1024)
        context["refused"] = UserError(f"{upload.name}：文件太大，名单文件不应超过 {limit} MB")
        return render(request, "site/roster.html", context, status=422)
    data = upload.read()
    try:
        if form.cleaned_data["check_only"]:
            context["checked"] = roster.roster_check(data, upload.name)
            return render(request, "site/roster.html", context)
        outcome = roster.roster_import(data, upload.name, by=request.user)
    except UserError as exc:
        context["refused"] = exc
        return render(request, "site/roster.html", context, status=422)
    return render(request, "site/roster_done.html", {"outcome": outcome})


@require_GET
@office_required
def roster_passwords(request, token: str):
    """The initial passwords of one import: for the importer, once (then the file is gone)."""
    try:
        handout, content = roster.handout_take(token=token, user=request.user)
    except UserError as exc:
        raise Http404(exc.message) from None
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    name = f"初始密码-{timezone.localtime(handout.at):%Y%m%d-%H%M}.xlsx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    add_never_cache_headers(response)
    return response


@require_POST
@office_required
def password_reset(request, user_id: int):
    person = get_object_or_404(accounts.people_resettable(), pk=user_id)
    try:
        password = accounts.password_reset(user=person, by=request.user)
    except UserError as exc:
        messages.error(request, exc.message)
        return redirect("accounts:people")
    # Shown this once: not stored, not cached by the browser.
    response = render(request, "site/password_reset_done.html", {"person": person, "password": password})
    add_never_cache_headers(response)
    return response

