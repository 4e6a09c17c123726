"""Four eyes: whoever entered or changed a report does not also sign it off or approve it (unless the office
allows it for a unit with one person, which the audit trail records); viewers see submitted and approved
figures only, never a draft, a returned report in progress or its files."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from fupin.core.errors import UserError
from fupin.core.money import wan_to_fen
from fupin.core.periods import Period
from fupin.reporting import services
from fupin.reporting.files import file_attach
from fupin.reporting.models import Status, Submission
from fupin.reporting.selectors import IN_PROGRESS_WITHHELD
from fupin.units.models import Membership, Role, Unit
from fupin.units.selectors import root_unit
from fupin.units.services import SAME_PERSON_REASON_REQUIRED, unit_same_person_allow
from tests.factories import submission_make, user_make

NOV = Period.parse("2020-11")
NAMES = {"period": "2020年11月"}


def line(amount: str, product: str = "小米") -> services.LineInput:
    return services.LineInput(amount_fen=wan_to_fen(amount), source_text="扶贫832平台", product=product,
                              method="线上", method_text="线上")


def refused(message: str, unit: str) -> str:
    return message.format(unit=unit, **NAMES).split("：")[0]


@pytest.fixture
def second_office(personas):
    return user_make("p_admin2", unit=root_unit(), role=Role.ADMIN)


def page_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def report_url(name: str, unit, period=NOV) -> str:
    return reverse(f"reporting:{name}", kwargs={"unit_id": unit.pk, "period": str(period)})


# Approving ---------------------------------------------------------------------------------------------

def test_the_office_cannot_approve_a_report_it_entered_itself_another_office_person_can(personas, second_office):
    p = personas
    sub = submission_make(p.other_unit, "2020-11", amounts=("2.5",), by=p.admin)  # 舞钢市 has no approver
    with pytest.raises(UserError, match=refused(services.FOUR_EYES_APPROVE, "舞钢市")):
        services.submission_approve(submission=sub, by=p.admin)
    assert Submission.objects.get(pk=sub.pk).status == Status.SUBMITTED
    assert services.submission_approve(submission=sub, by=second_office).status == Status.APPROVED


def test_the_office_approves_a_report_a_unit_reporter_entered(personas):
    p = personas
    sub = services.submission_start(unit=p.unit, period=NOV, by=p.reporter)
    services.line_add(submission=sub, data=line("1.5"), by=p.reporter)
    services.submission_sign_off(submission=sub, by=p.approver)
    services.submission_submit(submission=sub, by=p.reporter)
    services.line_update(line=sub.lines.get(), by=p.admin, reason="归入扶贫832平台", channel_code="P832")
    # Classifying a line is the office's review, not a change of the unit's figures.
    assert services.submission_approve(submission=sub, by=p.admin).status == Status.APPROVED


def test_who_corrected_an_amount_after_unlocking_cannot_approve_the_correction(personas, second_office):
    p = personas
    sub = submission_make(p.other_unit, "2020-11", amounts=("2",), by=p.outsider)
    services.submission_approve(submission=sub, by=p.admin)
    services.submission_unlock(submission=sub, by=p.admin, reason="舞钢市来函更正金额")
    services.line_update(line=sub.lines.get(), by=p.admin, reason="舞钢市来函", amount_fen=wan_to_fen("1.8"))
    with pytest.raises(UserError, match=refused(services.FOUR_EYES_APPROVE, "舞钢市")):
        services.submission_approve(submission=sub, by=p.admin)
    services.submission_approve(submission=sub, by=second_office)
    # The earlier approval covered the earlier changes: after another unlock, the corrector of the first round
    # may approve a round in which they changed nothing.
    services.submission_unlock(submission=sub, by=second_office, reason="复核")
    assert services.submission_approve(submission=sub, by=p.admin).status == Status.APPROVED


def test_who_removed_a_line_or_rewrote_the_summary_or_attached_a_file_has_changed_the_report(personas, settings,
                                                                                              tmp_path):
    settings.MEDIA_ROOT = tmp_path
    p = personas
    for change in ("remove", "summary", "file"):
        sub = services.submission_create(unit=p.other_unit, period=NOV, lines=[line("2"), line("3", "香菇")],
                                         by=p.outsider, status=Status.SUBMITTED, replace=True)
        services.submission_return(submission=sub, by=p.admin, reason="请补充")
        if change == "remove":
            services.line_remove(line=sub.lines.first(), by=p.admin, reason="重复")
        elif change == "summary":
            services.submission_update(submission=sub, by=p.admin, summary="市总代写")
        else:
            file_attach(submission=sub, upload=SimpleUploadedFile("凭证.pdf", b"%PDF-1.4 x"), by=p.admin)
        services.submission_submit(submission=sub, by=p.outsider)
        with pytest.raises(UserError, match=refused(services.FOUR_EYES_APPROVE, "舞钢市")):
            services.submission_approve(submission=sub, by=p.admin)


def test_no_one_creates_a_report_already_approved(personas):
    p = personas
    with pytest.raises(UserError, match=services.FOUR_EYES_CREATE_APPROVED.format(unit="舞钢市", **NAMES)):
        submission_make(p.other_unit, "2020-11", by=p.admin, status=Status.APPROVED)
    assert not Submission.objects.filter(unit=p.other_unit, first_month=NOV.first).exists()


def test_the_approve_button_refuses_with_the_chinese_message_and_changes_nothing(personas):
    p = personas
    submission_make(p.other_unit, "2020-11", by=p.admin)
    response = page_client(p.admin).post(report_url("approve", p.other_unit), follow=True)
    assert refused(services.FOUR_EYES_APPROVE, "舞钢市") in response.content.decode()
    assert Submission.objects.get(unit=p.other_unit, first_month=NOV.first).status == Status.SUBMITTED


# Signing off -------------------------------------------------------------------------------------------

@pytest.fixture
def one_person(personas):
    """A 叶县 person who both fills in and signs off (the unit has an approver, so sign-off is needed)."""
    user = user_make("p_reporter_approver", unit=personas.unit, role=Role.REPORTER)
    Membership.objects.create(user=user, unit=personas.unit, role=Role.APPROVER)
    return user


def test_who_entered_a_report_cannot_sign_it_off_unless_the_office_allows_it_for_the_unit(personas, one_person):
    p = personas
    sub = services.submission_start(unit=p.unit, period=NOV, by=one_person)
    services.line_add(submission=sub, data=line("1.5"), by=one_person)
    with pytest.raises(UserError, match=refused(services.FOUR_EYES_SIGN_OFF, "叶县")):
        services.submission_sign_off(submission=sub, by=one_person)
    with pytest.raises(UserError, match=SAME_PERSON_REASON_REQUIRED):
        unit_same_person_allow(unit=p.unit, allowed=True, by=p.admin, reason=" ")
    unit_same_person_allow(unit=p.unit, allowed=True, by=p.admin, reason="叶县工会只有一名专职人员")
    sub = services.submission_sign_off(submission=sub, by=one_person)
    assert sub.signed_off_by == one_person
    record = Unit.objects.get(pk=p.unit.pk).history.first()
    assert record.history_user == p.admin and record.same_person_may_approve
    assert record.history_change_reason == "允许同一人填报和审核：叶县工会只有一名专职人员"


def test_the_unit_approver_signs_off_what_the_reporter_entered(personas):
    p = personas
    sub = services.submission_start(unit=p.unit, period=NOV, by=p.reporter)
    services.line_add(submission=sub, data=line("1.5"), by=p.reporter)
    assert services.submission_sign_off(submission=sub, by=p.approver).signed_off_by == p.approver


def test_the_office_switches_the_setting_on_its_page_with_a_reason_others_cannot(personas):
    p = personas
    page = reverse("reporting:same_person", args=[p.unit.pk])
    for person in (p.reporter, p.approver, p.viewer):
        assert page_client(person).post(page, {"allowed": "on", "reason": "只有一人"}).status_code == 403
    office = page_client(p.admin)
    response = office.post(page, {"allowed": "on", "reason": ""})
    assert response.status_code == 200 and not Unit.objects.get(pk=p.unit.pk).same_person_may_approve
    response = office.post(page, {"allowed": "on", "reason": "只有一名专职人员"}, follow=True)
    text = response.content.decode()
    assert Unit.objects.get(pk=p.unit.pk).same_person_may_approve
    assert "允许同一人填报和审核：只有一名专职人员" in text
    office.post(page, {"reason": "已增配审核人"})
    assert not Unit.objects.get(pk=p.unit.pk).same_person_may_approve
    assert Unit.objects.get(pk=p.unit.pk).history.first().history_change_reason == "不再允许同一人填报和审核：已增配审核人"


# What viewers see --------------------------------------------------------------------------------------

DRAFT_FIGURE = "777.77"


@pytest.fixture
def draft_with_file(personas, settings, tmp_path, django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = tmp_path
    p = personas
    sub = services.submission_start(unit=p.unit, period=NOV, by=p.reporter)
    services.line_add(submission=sub, data=line(DRAFT_FIGURE, product="草稿里的香菇"), by=p.reporter)
    services.submission_update(submission=sub, by=p.reporter, summary="草稿工作信息")
    with django_capture_on_commit_callbacks(execute=True):  # the file takes its place once the row is committed
        stored = file_attach(submission=sub, upload=SimpleUploadedFile("草稿总结.txt", "草稿附件".encode()),
                             by=p.reporter)
    return sub, stored


def test_a_viewer_is_refused_a_draft_its_lines_its_findings_and_its_files(personas, draft_with_file):
    p = personas
    sub, stored = draft_with_file
    viewer = page_client(p.viewer)
    page = viewer.get(report_url("submission", p.unit))
    text = page.content.decode()
    assert page.status_code == 200 and "尚在填报中" in text
    for secret in (DRAFT_FIGURE, "草稿里的香菇", "草稿工作信息", "草稿总结.txt"):
        assert secret not in text, secret
    withheld = IN_PROGRESS_WITHHELD.format(unit="叶县", status="草稿", **NAMES)
    download = viewer.get(reverse("reporting:file_download", args=[stored.pk]))
    assert download.status_code == 403 and withheld in download.content.decode()
    assert viewer.get(reverse("quality:submission", args=[sub.pk])).status_code == 403
    for url in (reverse("home"), reverse("insights:dashboard") + "?period=2020-11",
                reverse("insights:pivot") + "?period=2020-11",
                reverse("publishing:attachment") + "?period=2020-11"):
        assert DRAFT_FIGURE not in viewer.get(url).content.decode(), url
    # Those who fill it in, sign it off and review it do see it.
    for person in (p.reporter, p.approver, p.admin):
        assert DRAFT_FIGURE in page_client(person).get(report_url("submission", p.unit)).content.decode()
        assert page_client(person).get(reverse("reporting:file_download", args=[stored.pk])).status_code == 200


def test_a_viewer_sees_a_report_once_submitted_and_not_while_it_is_returned(personas, draft_with_file):
    p = personas
    sub, stored = draft_with_file
    services.submission_sign_off(submission=sub, by=p.approver)
    services.submission_submit(submission=sub, by=p.reporter)
    viewer = page_client(p.viewer)
    assert DRAFT_FIGURE in viewer.get(report_url("submission", p.unit)).content.decode()
    assert viewer.get(reverse("reporting:file_download", args=[stored.pk])).status_code == 200
    services.submission_return(submission=sub, by=p.admin, reason="请核对金额")
    text = viewer.get(report_url("submission", p.unit)).content.decode()
    assert "尚在填报中" in text and "草稿里的香菇" not in text
    assert viewer.get(reverse("reporting:file_download", args=[stored.pk])).status_code == 403
    # What went up stays readable as the version it was.
    version = reverse("reporting:version", kwargs={"unit_id": p.unit.pk, "period": str(NOV), "number": 1})
    assert "草稿里的香菇" in viewer.get(version).content.decode()
