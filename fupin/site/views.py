"""Accounts pages: logging in (with django-axes' lockout said in Chinese), changing one's own password, and the
office's pages to unlock logins and reset passwords. Each view asks units.access, calls fupin.site.accounts, renders."""

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_GET, require_POST

from fupin.core.errors import UserError
from fupin.site import accounts
from fupin.units import access

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

    def form_valid(self, form):
        response = super().form_valid(form)
        accounts.password_changed(user=self.request.user)
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
def people(request):
    text = request.GET.get("q", "")
    page = Paginator(accounts.people_search(text), PEOPLE_PER_PAGE).get_page(request.GET.get("page"))
    locked = {lock.value for lock in accounts.locks_current("username")[0]}
    rows = [(person, access_roles(person), person.username in locked) for person in page]
    return render(request, "site/people.html", {"page": page, "rows": rows, "q": text})


def access_roles(person) -> str:
    return "；".join(f"{m.unit.display_name}·{m.get_role_display()}" for m in person.memberships.all()) or "—"


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

