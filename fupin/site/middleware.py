"""Whoever logs in with an initial password the office handed out (a new account, a roster import, a reset) must
choose their own before anything else: every page leads to the password page until then.

The flag is AccountProfile.must_change_password; it is read once, at login, into the session, so the pages
themselves cost no query. Setting it always comes with a new password, which ends the person's open sessions.
"""

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.shortcuts import redirect
from django.urls import reverse

SESSION_KEY = "fupin_must_change_password"
MUST_CHANGE = "您正在使用市总发放的初始密码，请先设置自己的密码，然后才能使用系统。"
# Pages reachable while the password is still the initial one (names of URL patterns).
ALLOWED = ("accounts:password_change", "accounts:password_change_done", "login", "logout", "healthz")


@receiver(user_logged_in, dispatch_uid="fupin.site.must_change_password")
def _remember_at_login(sender, request, user, **kwargs):
    from fupin.site.accounts import password_change_due

    if request is not None and hasattr(request, "session"):
        if password_change_due(user):
            request.session[SESSION_KEY] = True
        else:
            request.session.pop(SESSION_KEY, None)


def change_done(request) -> None:
    request.session.pop(SESSION_KEY, None)


def change_due(request) -> bool:
    return bool(getattr(request, "session", None) and request.session.get(SESSION_KEY))


class PasswordChangeRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self._allowed: set[str] | None = None

    def __call__(self, request):
        if change_due(request) and request.user.is_authenticated and not self._may_pass(request.path):
            return redirect("accounts:password_change")
        return self.get_response(request)

    def _may_pass(self, path: str) -> bool:
        if self._allowed is None:
            self._allowed = {reverse(name) for name in ALLOWED}
        return path in self._allowed or path.startswith("/" + settings.STATIC_URL.lstrip("/"))
