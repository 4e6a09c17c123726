"""The reporting pages through Django's test client: forms, messages in Chinese, who may do what."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from fupin.core.money import wan_to_fen
from fupin.reporting import validation
from fupin.reporting.models import Status, Submission, SubmissionFile
from tests.factories import PASSWORD

NOV = "2020-11"


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def url(name, unit, period=NOV, **kw):
    return reverse(f"reporting:{name}", kwargs={"unit_id": unit.pk, "period": period, **kw})


def follow_text(response) -> str:
    return response.content.decode()


def test_the_reporter_fills_in_a_month_through_the_forms(personas, client):
    p = personas
    login(client, p.reporter)
    page = follow_text(client.get(url("submission", p.unit)))
    assert "未填报" in page and "开始填报" in page and "2020年11月30日" in page
    client.post(url("start", p.unit))
    response = client.post(url("line_add", p.unit), {
        "product": "香菇", "source_text": "叶县扶贫产品展示中心", "method": "线下", "amount_wan": "1.25",
        "quantity_tons": "0.5", "purchase_date": "2020-11-12", "purpose": "节日慰问"}, follow=True)
    assert "已添加一条明细" in follow_text(response)
    sub = Submission.objects.get(unit=p.unit, first_month__year=2020, first_month__month=11)
    created = sub.lines.get()
    assert (created.amount_fen, created.quantity_g, created.source_text) == (wan_to_fen("1.25"), 500_000, "叶县扶贫产品展示中心")
    assert created.purpose == "节日慰问", "the policy rules need what the money served"
    response = client.post(url("summary", p.unit), {"summary": "组织职工到扶贫基地采购香菇。"}, follow=True)
    assert "已保存工作信息" in follow_text(response)
    response = client.post(url("submit", p.unit), follow=True)
    assert "须经审核人签字确认后才能上报" in follow_text(response)


def test_a_bad_amount_is_explained_and_nothing_is_stored(personas, client):
    p = personas
    login(client, p.reporter)
    client.post(url("start", p.unit))
    response = client.post(url("line_add", p.unit), {"source_text": "农户", "method": "线下", "amount_wan": "一万"},
                           follow=True)
    assert "明细未保存" in follow_text(response) and validation.AMOUNT_NOT_NUMBER in follow_text(response)
    response = client.post(url("line_add", p.unit), {"source_text": "农户", "method": "线下", "amount_wan": "0.0000001"},
                           follow=True)
    assert "明细未保存" in follow_text(response) and validation.AMOUNT_TOO_FINE in follow_text(response)
    assert not Submission.objects.get(unit=p.unit, first_month__year=2020, first_month__month=11).lines.exists()


def test_approver_signs_off_and_office_returns_and_approves_on_the_page(personas, client):
    p = personas
    login(client, p.reporter)
    client.post(url("start", p.unit))
    client.post(url("line_add", p.unit), {"source_text": "农户", "method": "线下", "amount_wan": "2"})
    client.logout()
    login(client, p.approver)
    assert "已签字确认" in follow_text(client.post(url("sign_off", p.unit), follow=True))
    assert client.post(url("submit", p.unit)).status_code == 403  # an approver does not submit
    client.logout()
    login(client, p.reporter)
    assert "已上报市总" in follow_text(client.post(url("submit", p.unit), follow=True))
    client.logout()
    login(client, p.admin)
    assert "请填写原因" in follow_text(client.post(url("return", p.unit), {"reason": ""}, follow=True))
    page = follow_text(client.post(url("return", p.unit), {"reason": "请补充采购凭证"}, follow=True))
    assert "市总退回：请补充采购凭证" in page
    assert Submission.objects.get(unit=p.unit, first_month__year=2020, first_month__month=11).status == Status.RETURNED


def test_outsiders_get_404_readers_403_and_wrong_methods_405(personas, client):
    p = personas
    login(client, p.outsider)
    assert client.get(url("submission", p.unit)).status_code == 404
    assert client.post(url("start", p.unit)).status_code == 404
    client.logout()
    login(client, p.viewer)
    assert client.get(url("submission", p.unit)).status_code == 200
    assert client.post(url("start", p.unit)).status_code == 403
    assert client.post(url("approve", p.unit)).status_code == 403
    login(client, p.reporter)
    assert client.get(url("submit", p.unit)).status_code == 405
    assert client.get(url("submission", p.unit, period="2020-13")).status_code == 404


def test_attached_files_have_a_size_limit_and_only_the_units_people_download_them(personas, client, settings, tmp_path,
                                                                                  django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = tmp_path
    settings.FUPIN_ATTACHMENT_MAX_BYTES = 1024
    p = personas
    login(client, p.reporter)
    client.post(url("start", p.unit))
    assert "单个文件不超过 1KB" in follow_text(client.get(url("submission", p.unit)))
    big = SimpleUploadedFile("工作总结.docx", b"x" * 2048)
    assert "超过上限1KB" in follow_text(client.post(url("file_upload", p.unit), {"file": big}, follow=True))
    empty = SimpleUploadedFile("工作总结.pdf", b"")
    assert "是空的" in follow_text(client.post(url("file_upload", p.unit), {"file": empty}, follow=True))
    exe = SimpleUploadedFile("病毒.exe", b"MZ")
    assert "类型不支持" in follow_text(client.post(url("file_upload", p.unit), {"file": exe}, follow=True))
    ok = SimpleUploadedFile("工作总结.txt", "叶县消费扶贫工作总结".encode())
    with django_capture_on_commit_callbacks(execute=True):  # the file takes its name when the row commits
        assert "已上传" in follow_text(client.post(url("file_upload", p.unit), {"file": ok}, follow=True))
    stored = SubmissionFile.objects.get()
    download = client.get(reverse("reporting:file_download", args=[stored.pk]))
    assert b"".join(download.streaming_content).decode() == "叶县消费扶贫工作总结"
    locked = Submission.objects.get(unit=p.unit, first_month__month=1, last_month__month=10)
    late = SimpleUploadedFile("补充.txt", "补充材料".encode())
    page = follow_text(client.post(url("file_upload", p.unit, period=str(locked.period)), {"file": late}, follow=True))
    assert "的报表已审核，已锁定，不能修改" in page and SubmissionFile.objects.count() == 1  # no new files when locked
    client.logout()
    login(client, p.outsider)
    assert client.get(reverse("reporting:file_download", args=[stored.pk])).status_code == 404


def test_the_office_sets_a_round_and_its_deadline_shows(personas, client):
    login(client, personas.admin)
    response = client.post(reverse("reporting:rounds"), {"period": "2020-12", "rule": "workdays_after",
                                                         "workdays_after": "5"}, follow=True)
    assert "已设置2020年12月的统计轮次" in follow_text(response)
    assert "2021年1月8日" in follow_text(response)  # 1–3 January 元旦; then 4, 5, 6, 7, 8
    bad = client.post(reverse("reporting:rounds"), {"period": "2020-12", "rule": "fixed"})
    assert "规则为“指定日期”时须填写截止日期" in follow_text(bad)
    client.logout()
    login(client, personas.reporter)
    assert client.post(reverse("reporting:rounds"), {"period": "2020-12", "rule": "last_workday"}).status_code == 403


def test_the_index_lists_my_units_and_the_office_queue(personas, client):
    from tests.factories import submission_make

    submission_make(personas.other_unit, NOV, by=personas.outsider)
    login(client, personas.reporter)
    page = follow_text(client.get(reverse("reporting:index")))
    assert "叶县" in page and "舞钢市" not in page and "待审核" not in page
    client.logout()
    login(client, personas.admin)
    page = follow_text(client.get(reverse("reporting:index")))
    assert "待审核（1）" in page


@pytest.mark.parametrize("name", ["index", "timeliness", "rounds", "calendar"])
def test_pages_carry_the_viewport_and_wrap_tables_for_phones(personas, client, name):
    login(client, personas.reporter)
    page = follow_text(client.get(reverse(f"reporting:{name}")))
    assert 'name="viewport"' in page and "reporting.css" in page
    assert page.count("<table") == page.count('class="table-scroll"><table')
