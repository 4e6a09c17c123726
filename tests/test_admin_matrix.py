"""The admin site cannot edit the ledger around its rules: for every role (the office, a superuser, a unit's
reporter and approver, a leader, anonymous) every admin page of the ledger's models — list, add, change, delete,
history, revert — is read-only or refused, GET and POST alike, and afterwards the database holds exactly what
it held: no approved report changed, moved or set back, no line or audit row deleted."""

import pytest
from django.contrib.auth import get_user_model
from django.forms.models import model_to_dict
from django.test import Client
from django.urls import reverse

from fupin.core.admin import REVERT_REFUSED
from fupin.core.periods import Period
from fupin.policy.models import Rule
from fupin.quality.models import Channel
from fupin.reporting.models import (
    CalendarYear,
    PurchaseLine,
    Reminder,
    Round,
    Status,
    Submission,
    SubmissionFile,
    SubmissionVersion,
)
from fupin.reporting.reminders import reminder_log
from fupin.units.models import Membership, Unit
from tests.factories import user_make

LEDGER = [Submission, PurchaseLine, SubmissionVersion, Round, Reminder]
AUDITED = LEDGER + [SubmissionFile, CalendarYear, Unit, Membership, Channel, Rule]
# Models kept whole even though the office maintains them in the admin: deactivated, never deleted.
NEVER_DELETED = [Unit, Channel, Rule, get_user_model()]
OFFICE = ("admin", "superuser")


@pytest.fixture
def world(personas):
    p = personas
    p.admin.is_staff = True
    p.admin.save()
    superuser = user_make("p_superuser", is_superuser=True, is_staff=True)
    reminder_log(unit=p.unit, period=Period.parse("2020-11"), channel="phone", by=p.admin, to_whom="叶县填报员")
    approved = Submission.objects.filter(unit=p.unit, status=Status.APPROVED).get()
    people = {"admin": p.admin, "superuser": superuser, "reporter": p.reporter, "approver": p.approver,
              "viewer": p.viewer, "anonymous": None}
    return p, approved, people


def client_for(user) -> Client:
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


def snapshot() -> dict:
    """Every row of the audited models and every row of their audit trails."""
    state = {}
    for model in AUDITED:
        state[model.__name__] = sorted(map(sorted, (d.items() for d in model.objects.values())), key=str)
        if hasattr(model, "history"):
            state[f"history of {model.__name__}"] = model.history.count()
    return state


def form_data(obj, **changes) -> dict:
    """The object's fields as its admin form would post them, with `changes`."""
    data = {**model_to_dict(obj), **changes}
    return {k: ("" if v is None else v) for k, v in data.items()}


def targets(approved: Submission) -> list:
    """(model, object, POST data that would change it): an approved report moved to another unit and period and
    set back to draft, a line of it given another amount, and the rest of the ledger."""
    other = Unit.objects.exclude(pk=approved.unit_id).filter(parent__isnull=False).first()
    line = approved.lines.order_by("position").first()
    return [
        (Submission, approved, form_data(approved, unit=other.pk, status=Status.DRAFT, first_month="2020-02-01")),
        (PurchaseLine, line, form_data(line, amount_fen=1, excluded="on", exclusion_reason="x")),
        (SubmissionVersion, approved.versions.first(), form_data(approved.versions.first(), total_fen=1)),
        (Round, Round.objects.first(), form_data(Round.objects.first(), note="改", rule="last_workday")),
        (Reminder, Reminder.objects.first(), form_data(Reminder.objects.first(), outcome="改")),
    ]


def admin_urls(model, obj) -> dict[str, str]:
    name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    urls = {"changelist": reverse(f"{name}_changelist"), "add": reverse(f"{name}_add"),
            "change": reverse(f"{name}_change", args=[obj.pk]), "delete": reverse(f"{name}_delete", args=[obj.pk])}
    if hasattr(model, "history"):
        urls["history"] = reverse(f"{name}_history", args=[obj.pk])
        version = obj.history.order_by("history_id").first().history_id
        urls["revert"] = reverse(f"{name}_simple_history", args=[obj.pk, version])
    return urls


def test_no_role_can_change_an_approved_report_or_delete_a_line_in_the_admin(world):
    p, approved, people = world
    before = snapshot()
    problems = []
    for model, obj, data in targets(approved):
        urls = admin_urls(model, obj)
        for role, user in people.items():
            client = client_for(user)
            for kind, url in urls.items():
                where = f"{role} {kind} {model.__name__}"
                got = client.get(url).status_code
                if role in OFFICE:
                    # Read-only: the office reads the ledger and its history here, and adds or deletes nothing.
                    want = 403 if kind in ("add", "delete") else 200
                    if got != want:
                        problems.append(f"GET {where}: {got}, expected {want}")
                elif not (got == 302 or got in (403, 404)):
                    problems.append(f"GET {where}: {got}, the admin site is for the office")
                posts = [data, {**data, "_save": "保存"}, {"post": "yes"}, {**data, "_change_history": "1"}]
                for form in posts:
                    got = client.post(url, form).status_code
                    if got >= 500 or (role in OFFICE and kind in ("add", "change", "delete", "revert")
                                      and got != 403):
                        problems.append(f"POST {where}: {got}, expected 403")
            # The list's bulk delete is not offered, and asking for it anyway deletes nothing.
            client.post(urls["changelist"], {"action": "delete_selected", "_selected_action": [obj.pk],
                                             "post": "yes"})
    assert not problems, "\n".join(problems)
    assert snapshot() == before
    approved.refresh_from_db()
    assert approved.status == Status.APPROVED and approved.unit == p.unit


def test_reverting_to_an_old_version_in_the_admin_is_refused_with_a_reason(world):
    p, approved, people = world
    line = approved.lines.order_by("position").first()
    url = admin_urls(PurchaseLine, line)["revert"]
    office = client_for(p.admin)
    page = office.get(url)
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    response = office.post(url, form_data(line, amount_fen=1))
    assert response.status_code == 403 and REVERT_REFUSED in response.content.decode()
    # Not only the ledger: a unit reverted through the admin would skip its services too.
    unit_url = admin_urls(Unit, p.unit)["revert"]
    assert office.post(unit_url, form_data(p.unit)).status_code == 403


@pytest.mark.parametrize("role", OFFICE)
def test_nothing_audited_is_hard_deleted_through_the_admin_units_channels_rules_and_people(world, role):
    p, approved, people = world
    client = client_for(people[role])
    objects = [p.unit, Channel.objects.first(), Rule.objects.first(), p.reporter]
    for obj in objects:
        meta = type(obj)._meta
        url = reverse(f"admin:{meta.app_label}_{meta.model_name}_delete", args=[obj.pk])
        assert client.post(url, {"post": "yes"}).status_code == 403, meta.model_name
        assert type(obj).objects.filter(pk=obj.pk).exists()
    for model in NEVER_DELETED:
        meta = model._meta
        changelist = client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
        assert changelist.status_code == 200 and "delete_selected" not in changelist.content.decode()


def test_the_ledger_models_list_in_the_admin_without_add_buttons(world):
    p, approved, people = world
    office = client_for(p.admin)
    for model in LEDGER:
        meta = model._meta
        page = office.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")).content.decode()
        assert reverse(f"admin:{meta.app_label}_{meta.model_name}_add") not in page, meta.model_name
    change = office.get(reverse("admin:reporting_submission_change", args=[approved.pk])).content.decode()
    assert 'name="_save"' not in change and 'name="status"' not in change


# The audit library's purge commands ----------------------------------------------------------------------------

PURGES = ("clean_old_history", "clean_duplicate_history")


@pytest.mark.parametrize("command, said", [*((c, "本系统") for c in (*PURGES, "flush")),
                                           *((c, "fupin unlock") for c in ("axes_reset", "axes_reset_logs"))])
def test_the_console_command_refuses_to_delete_audit_rows_or_unlock_unrecorded(command, said, tmp_path):
    import os
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    fupin = shutil.which("fupin") or str(Path(sys.executable).with_name("fupin"))
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | {"FUPIN_HOME": str(tmp_path)}
    result = subprocess.run([fupin, command, "--days", "1"], capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 1 and said in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("command", PURGES)
def test_call_command_reaches_fupins_refusal_not_the_purge(world, command):
    from django.core.management import call_command, get_commands

    from fupin.core.errors import UserError

    assert get_commands()[command] == "fupin.reporting", "fupin's apps must come before simple_history"
    before = snapshot()
    with pytest.raises(UserError, match="本系统不删除审计记录"):
        call_command(command)
    assert snapshot() == before
