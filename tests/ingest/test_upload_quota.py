"""Uploads cannot fill the disk: a quota per person per day over every upload (imports, refused ones included,
and report attachments), refused with what is left; and `fupin uploads purge` drops the files of refused and
cancelled uploads after the retention period, keeping the upload and its messages."""

import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from fupin.core.errors import UserError
from fupin.core.periods import Period
from fupin.ingest import services
from fupin.ingest.models import ImportJob, JobStatus
from fupin.ingest.retention import DAYS_INVALID
from fupin.ingest.template_xlsx import template_xlsx
from fupin.reporting.models import SubmissionFile
from fupin.reporting.quota import QUOTA_EXCEEDED
from fupin.reporting.services import submission_start
from tests.ingest.upload_files import fill_template

SH = ZoneInfo("Asia/Shanghai")
NOV = Period.parse("2020-11")
QUOTA = 30_000
GARBAGE = "产品名称,金额\n".encode() + b"x" * 12_000  # no usable header: refused, and still counted


def at(text: str):
    return time_machine.travel(datetime.fromisoformat(text).replace(tzinfo=SH), tick=False)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def upload(client, data: bytes, unit, name="叶县.csv"):
    return client.post(reverse("ingest:upload"), {"file": SimpleUploadedFile(name, data), "period": str(NOV),
                                                  "unit": unit.pk}, follow=True)


def attach(client, unit, data: bytes, name="凭证.pdf"):
    url = reverse("reporting:file_upload", kwargs={"unit_id": unit.pk, "period": str(NOV)})
    return client.post(url, {"file": SimpleUploadedFile(name, data)}, follow=True)


@pytest.fixture
def quota(settings, tmp_path):
    settings.FUPIN_UPLOAD_QUOTA_BYTES_PER_DAY = QUOTA
    settings.MEDIA_ROOT = tmp_path


def test_every_upload_of_the_day_counts_and_the_one_past_the_quota_is_refused_saying_what_is_left(personas, quota):
    p = personas
    reporter = client_for(p.reporter)
    with at("2026-03-02 09:00"):
        submission_start(unit=p.unit, period=NOV, by=p.reporter)
        first = upload(reporter, GARBAGE, p.unit)
        assert ImportJob.objects.get().status == JobStatus.REFUSED, first.content.decode()[:500]
        upload(reporter, GARBAGE, p.unit, name="又一次.csv")
        assert ImportJob.objects.count() == 2
        used = 2 * len(GARBAGE)
        page = reporter.get(reverse("ingest:index")).content.decode()
        assert f"今天还可上传 {round((QUOTA - used) / 1024)} KB（每人每天 29 KB）" in page
        refused = upload(reporter, GARBAGE, p.unit, name="第三次.csv").content.decode()
        expected = QUOTA_EXCEEDED.format(name="第三次.csv", size="12 KB", quota="29 KB", used="23 KB", left="6 KB")
        assert expected in refused
        assert ImportJob.objects.count() == 2, "a refused upload past the quota is not stored"
        # Attachments share the same quota.
        assert "超过今天剩余的上传额度" in attach(reporter, p.unit, b"%PDF" + b"0" * 7_000).content.decode()
        assert not SubmissionFile.objects.exists()
        assert "已上传" in attach(reporter, p.unit, b"%PDF" + b"0" * 4_000).content.decode()
        left = QUOTA - used - 4_004
        assert f"今天还可上传 {round(left / 1024)} KB" in reporter.get(reverse("reporting:submission", kwargs={
            "unit_id": p.unit.pk, "period": str(NOV)})).content.decode()
        # Another person's quota is their own.
        upload(client_for(p.admin), GARBAGE, p.unit, name="市总.csv")
        assert ImportJob.objects.count() == 3
    with at("2026-03-03 08:00"):  # a new day
        upload(reporter, GARBAGE, p.unit, name="次日.csv")
        assert ImportJob.objects.filter(file_name="次日.csv").exists()


def test_the_service_refuses_past_the_quota_whichever_face_calls_it(personas, quota):
    p = personas
    with at("2026-03-02 09:00"):
        services.import_job_create(user=p.reporter, file_name="a.csv", content=GARBAGE, period=NOV, unit=p.unit)
        services.import_job_create(user=p.reporter, file_name="b.csv", content=GARBAGE, period=NOV, unit=p.unit)
        with pytest.raises(UserError, match="还可上传6 KB"):
            services.import_job_create(user=p.reporter, file_name="c.csv", content=GARBAGE, period=NOV,
                                       unit=p.unit)


# Retention --------------------------------------------------------------------------------------------------

def purge(*args) -> str:
    out = io.StringIO()
    call_command("uploads", "purge", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def uploads(personas):
    """Uploads of 2 March: refused, cancelled, imported and one never confirmed; and one refused on 25 March."""
    p = personas
    good = fill_template(template_xlsx(unit=p.unit, period=NOV), [["小米", "832平台", "线上", "2020-11-05", "", 1.5]])
    make = lambda name, content: services.import_job_create(  # noqa: E731
        user=p.reporter, file_name=name, content=content, period=NOV, unit=p.unit)
    with at("2026-03-02 09:00"):
        refused = make("错表.csv", GARBAGE)
        cancelled = make("取消.xlsx", good)
        services.import_job_cancel(job=cancelled, user=p.reporter)
        imported = make("导入.xlsx", good)
        services.import_job_confirm(job=imported, user=p.reporter)
        waiting = make("待确认.xlsx", good)
    with at("2026-03-25 09:00"):
        recent = make("近期.csv", GARBAGE)
    return {job.file_name: job for job in (refused, cancelled, imported, waiting, recent)}


def test_purge_drops_old_refused_cancelled_and_abandoned_files_and_keeps_their_messages(personas, uploads):
    refused, cancelled, waiting = uploads["错表.csv"], uploads["取消.xlsx"], uploads["待确认.xlsx"]
    freed = len(GARBAGE) + 2 * len(bytes(ImportJob.objects.get(pk=cancelled.pk).content))
    messages = ImportJob.objects.get(pk=refused.pk).report["errors"]
    assert messages and ImportJob.objects.get(pk=cancelled.pk).report.get("preview")
    with at("2026-04-02 03:00"):  # 31 days on: the cron run
        dry = purge("--dry-run")
        assert "可清除 3 次" in dry and f"（{freed} 字节）" in dry
        assert all(len(bytes(j.content)) for j in ImportJob.objects.all()), "a dry run changes nothing"
        out = purge()
        assert "已清除 3 次" in out and f"（{freed} 字节）" in out
        assert purge().startswith("已清除 0 次"), "a second run has nothing left to do"
    for job in (refused, cancelled, waiting):
        job = ImportJob.objects.get(pk=job.pk)
        assert bytes(job.content) == b"" and job.content_purged_at.astimezone(SH).date().isoformat() == "2026-04-02"
        assert job.sha256 and job.file_name and job.status in (JobStatus.REFUSED, JobStatus.CANCELLED)
        assert "preview" not in job.report
    assert ImportJob.objects.get(pk=refused.pk).report["errors"] == messages
    assert ImportJob.objects.get(pk=waiting.pk).status == JobStatus.CANCELLED, "nothing is left to confirm"
    for name in ("导入.xlsx", "近期.csv"):
        job = ImportJob.objects.get(pk=uploads[name].pk)
        assert len(bytes(job.content)) and job.content_purged_at is None, name
    # The upload's page still shows what was wrong, and says the file is gone.
    page = client_for(personas.reporter).get(reverse("ingest:job", args=[refused.pk])).content.decode()
    assert "文件内容已于 2026年4月2日 按保留期限清除" in page and messages[0]["message"] in page


def test_purge_takes_the_retention_period_in_days(personas, uploads):
    with at("2026-04-02 03:00"):
        assert purge("--days", "60").startswith("已清除 0 次")
        assert purge("--days", "5").startswith("已清除 4 次")
        with pytest.raises(UserError, match=DAYS_INVALID.format(days=0)):
            purge("--days", "0")

