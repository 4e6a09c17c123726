"""The import pages: template, upload, preview, confirm; who may do what."""

import io
import zipfile

import python_calamine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from fupin.ingest.models import ImportJob, JobStatus
from fupin.reporting.models import PurchaseLine, Status, Submission
from fupin.units.models import Role
from fupin.units.selectors import root_unit
from tests.factories import PASSWORD, user_make
from tests.ingest.conftest import SEED_PERIOD, attachment_json
from tests.ingest.upload_files import fill_template

PERIOD = "2020-11"


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def template_for(client, unit, period=PERIOD) -> bytes:
    response = client.get(reverse("ingest:template"), {"unit": unit.pk, "period": period})
    assert response.status_code == 200, response.content
    return response.content


def upload(client, data: bytes, *, unit=None, period=PERIOD, name="叶县.xlsx"):
    return client.post(reverse("ingest:upload"), {
        "file": SimpleUploadedFile(name, data), "period": period, "unit": unit.pk if unit else ""})


GOOD_LINES = [["小米", "驻村第一书记推荐", "线下", "2020-11-05", "500公斤", 1.25],
              ["香菇", "832平台", "线上线上", "11月8日", "", "0.75万元"]]


def test_the_template_has_unit_period_dropdowns_and_a_protected_header(personas, client):
    data = template_for(login(client, personas.reporter), personas.unit)
    sheet = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_name("填报")
    rows = list(sheet.iter_rows())
    assert rows[1][0] == "填报单位：叶县" and rows[1][3] == "统计期间：2020-11"
    assert rows[2][:3] == ["产品名称", "产品来源\n（采购渠道）", "采购方式"]
    xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    assert "<sheetProtection" in xml
    assert "选项!$A$2" in xml and "选项!$B$2:$B$3" in xml  # 产品来源 and 采购方式 lists
    options = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_name("选项")
    listed = [row[0] for row in options.iter_rows()]
    assert "832平台" in listed and "驻村第一书记推荐" in listed
    assert [row[1] for row in options.iter_rows()][1:3] == ["线上", "线下"]


def test_a_reporter_gets_no_template_of_another_unit(personas, client):
    response = login(client, personas.reporter).get(reverse("ingest:template"),
                                                    {"unit": personas.other_unit.pk, "period": PERIOD})
    assert response.status_code == 403


def test_a_filled_template_is_previewed_then_stored_as_the_reporters_draft(personas, client):
    login(client, personas.reporter)
    data = fill_template(template_for(client, personas.unit), GOOD_LINES)
    response = upload(client, data, unit=personas.unit)
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response.url == reverse("ingest:job", args=[job.pk])
    assert job.status == JobStatus.PREVIEWED and not Submission.objects.filter(first_month="2020-11-01").exists()
    page = client.get(response.url).content.decode()
    assert "采购方式按“线上”导入" in page and "确认导入" in page and "2.00" in page
    response = client.post(reverse("ingest:confirm", args=[job.pk]))
    assert response.status_code == 302
    submission = Submission.objects.get(unit=personas.unit, first_month="2020-11-01")
    assert submission.status == Status.DRAFT
    assert sorted(submission.lines.values_list("amount_fen", flat=True)) == [750_000, 1_250_000]
    assert submission.lines.get(product="小米").quantity_g == 500_000
    page = client.get(response.url).content.decode()
    assert "已导入 2 行明细" in page
    assert reverse("reporting:submission", kwargs={"unit_id": personas.unit.pk, "period": PERIOD}) in page


def test_a_file_with_errors_shows_each_beside_its_row_and_cannot_be_confirmed(personas, client):
    login(client, personas.reporter)
    lines = [GOOD_LINES[0], ["香油", "", "线下", "", "", "abc"], ["面粉", "农户", "快递", "2020-11-31", "", -1]]
    upload(client, fill_template(template_for(client, personas.unit), lines), unit=personas.unit)
    job = ImportJob.objects.get()
    assert job.status == JobStatus.REFUSED
    page = client.get(reverse("ingest:job", args=[job.pk])).content.decode()
    assert 'data-row="5" class="has-error"' in page and "金额不是数字" in page and "缺少产品来源" in page
    assert 'data-row="6" class="has-error"' in page and "采购时间不是有效日期" in page
    assert "金额不能为负数" in page and "采购方式应为“线上”或“线下”" in page
    assert "确认导入" not in page
    client.post(reverse("ingest:confirm", args=[job.pk]))
    assert PurchaseLine.objects.filter(submission__first_month="2020-11-01").count() == 0


def test_a_template_of_another_unit_is_refused(personas, client):
    admin_client = login(client, personas.admin)
    other = template_for(admin_client, personas.other_unit)
    client.logout()
    login(client, personas.reporter)
    upload(client, fill_template(other, GOOD_LINES), unit=personas.unit)
    errors = ImportJob.objects.get().report["errors"]
    assert errors[0]["message"] == "与指定的单位“叶县”不一致" and errors[0]["value"] == "舞钢市"


def test_a_reporter_cannot_upload_for_another_unit(personas, client):
    login(client, personas.outsider)
    response = upload(client, b"x", unit=personas.unit)
    assert response.status_code == 400 and not ImportJob.objects.exists()


def test_an_upload_is_seen_only_by_its_sender_and_the_office(personas, client):
    login(client, personas.reporter)
    upload(client, fill_template(template_for(client, personas.unit), GOOD_LINES), unit=personas.unit)
    job = ImportJob.objects.get()
    client.logout()
    assert login(client, personas.outsider).get(reverse("ingest:job", args=[job.pk])).status_code == 404
    assert client.post(reverse("ingest:confirm", args=[job.pk])).status_code == 404
    client.logout()
    assert login(client, personas.admin).get(reverse("ingest:job", args=[job.pk])).status_code == 200


def test_pages_answer_the_usual_questions(personas, client):
    assert client.get(reverse("ingest:index")).status_code == 302  # to the login page
    assert login(client, personas.viewer).get(reverse("ingest:index")).status_code == 403
    client.logout()
    login(client, personas.reporter)
    assert client.get(reverse("ingest:index")).status_code == 200
    assert client.get(reverse("ingest:upload")).status_code == 405
    assert client.get(reverse("ingest:confirm", args=[1])).status_code == 405


def test_random_bytes_uploaded_end_in_a_chinese_message(personas, client):
    login(client, personas.reporter)
    upload(client, bytes(range(256)) * 20, unit=personas.unit, name="报表.xlsx")
    job = ImportJob.objects.get()
    assert job.status == JobStatus.REFUSED
    assert "无法识别的文件格式" in client.get(reverse("ingest:job", args=[job.pk])).content.decode()


def test_the_office_uploads_the_multi_unit_attachment(seed_attachment, office_folder, client):
    office = user_make("o_admin", unit=root_unit(), role=Role.ADMIN)
    login(client, office)
    response = upload(client, (office_folder / "附件.docx").read_bytes(), period=SEED_PERIOD, name="附件.docx")
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert job.report["imported"] == 109 and job.report["rows"] == 110
    client.post(reverse("ingest:confirm", args=[job.pk]))
    assert attachment_json()["total"] == "3341.57"
    assert set(Submission.objects.values_list("status", flat=True)) == {Status.SUBMITTED}
    # Confirming twice does not import twice.
    response = client.post(reverse("ingest:confirm", args=[job.pk]), follow=True)
    assert "不能再确认" in response.content.decode() and PurchaseLine.objects.count() == 109


def test_an_approved_report_is_not_replaced_by_the_office_import(personas, tmp_path):
    from tests.ingest import office_files
    from tests.ingest.conftest import run_import

    reports, error = run_import(office_files.seed_csv(tmp_path / "附件.csv"), "--period", SEED_PERIOD)
    assert error and "已审核" in reports[0]["errors"][0]["message"]
    assert reports[0]["errors"][0]["message"].startswith("未能保存：")
    assert attachment_json()["total"] == "3341.57" and PurchaseLine.history.filter(history_type="-").count() == 0


def test_an_approved_report_is_not_replaced_by_the_reporters_upload(personas, client):
    login(client, personas.reporter)
    data = fill_template(template_for(client, personas.unit, SEED_PERIOD), [["小米", "农户", "线下", "10月5日", "", 1]])
    upload(client, data, unit=personas.unit, period=SEED_PERIOD)
    job = ImportJob.objects.get()
    assert job.status == JobStatus.PREVIEWED
    response = client.post(reverse("ingest:confirm", args=[job.pk]), follow=True)
    assert "已审核" in response.content.decode()
    job.refresh_from_db()
    assert job.status == JobStatus.REFUSED and attachment_json()["total"] == "3341.57"
