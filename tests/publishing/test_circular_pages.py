"""Drafting the circular on its page: the office drafts, edits paragraphs (each save a version), makes it final."""

import io

import pytest
from django.urls import reverse
from docx import Document

from fupin.publishing.models import Circular, CircularStatus
from tests.factories import PASSWORD

DRAFT = {"period": "2020-01:2020-10", "number": "平工办〔2020〕33号", "date": "2020-10-27",
         "issuer": "平顶山市总工会办公室"}


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def _draft(client) -> Circular:
    response = client.post(reverse("publishing:circulars"), DRAFT, follow=True)
    assert "已根据台账起草通报" in response.content.decode()
    return Circular.objects.get()


def test_the_office_drafts_edits_and_finalises_and_every_version_is_kept(personas, client):
    login(client, personas.admin)
    circular = _draft(client)
    page = client.get(reverse("publishing:circular", args=[circular.pk])).content.decode()
    assert "共3341.57万元" in page and "舞钢市" in page
    texts = [p["text"] for p in circular.paragraphs]
    texts[2] += "各单位要高度重视。"
    response = client.post(reverse("publishing:circular", args=[circular.pk]),
                           {"text": texts, "number": "平工办〔2020〕33号", "date": "2020-10-28",
                            "issuer": "平顶山市总工会办公室", "reason": "补一句"}, follow=True)
    assert "已保存修改" in response.content.decode()
    circular.refresh_from_db()
    assert circular.paragraphs[2]["text"].endswith("各单位要高度重视。") and str(circular.date) == "2020-10-28"
    versions = list(circular.history.order_by("history_id"))
    assert len(versions) == 2 and versions[0].paragraphs[2]["text"] != versions[1].paragraphs[2]["text"]
    assert versions[1].history_change_reason == "补一句" and versions[1].history_user == personas.admin

    old = client.get(reverse("publishing:circular_version_download", args=[circular.pk, versions[0].history_id,
                                                                          "docx"]))
    old_text = "\n".join(p.text for p in Document(io.BytesIO(old.content)).paragraphs)
    assert "各单位要高度重视" not in old_text and "2020年10月27日" in old_text
    new = client.get(reverse("publishing:circular_download", args=[circular.pk, "docx"]))
    assert "各单位要高度重视" in "\n".join(p.text for p in Document(io.BytesIO(new.content)).paragraphs)

    client.post(reverse("publishing:circular_finalize", args=[circular.pk]))
    circular.refresh_from_db()
    assert circular.status == CircularStatus.FINAL
    response = client.post(reverse("publishing:circular", args=[circular.pk]),
                           {"text": texts, "number": "x", "date": "2020-10-28", "issuer": "x"}, follow=True)
    assert "已定稿，不能再修改" in response.content.decode()


def test_emptying_the_title_is_refused(personas, client):
    login(client, personas.admin)
    circular = _draft(client)
    texts = [p["text"] for p in circular.paragraphs]
    texts[0] = "  "
    response = client.post(reverse("publishing:circular", args=[circular.pk]),
                           {"text": texts, **{k: DRAFT[k] for k in ("number", "date", "issuer")}}, follow=True)
    assert "通报标题不能为空" in response.content.decode()
    assert circular.history.count() == 1


def test_a_leader_reads_but_may_not_draft_or_edit(personas, client):
    login(client, personas.admin)
    circular = _draft(client)
    client.logout()
    login(client, personas.viewer)
    assert client.get(reverse("publishing:circular", args=[circular.pk])).status_code == 200
    assert client.post(reverse("publishing:circulars"), DRAFT).status_code == 403
    assert client.post(reverse("publishing:circular_finalize", args=[circular.pk])).status_code == 403


def test_a_unit_reporter_does_not_see_circulars(personas, client):
    login(client, personas.reporter)
    assert client.get(reverse("publishing:circulars")).status_code == 404


def test_finalise_refuses_get(personas, client):
    login(client, personas.admin)
    assert client.get(reverse("publishing:circular_finalize", args=[1])).status_code == 405


def test_a_missing_number_is_a_form_error(personas, client):
    login(client, personas.admin)
    page = client.post(reverse("publishing:circulars"), {**DRAFT, "number": ""}).content.decode()
    assert "这个字段是必填项" in page or "This field is required" in page
    assert not Circular.objects.exists()


@pytest.mark.skipif(__import__("shutil").which("soffice") is None, reason="LibreOffice 未安装")
def test_the_page_offers_a_pdf(personas, client):
    login(client, personas.admin)
    circular = _draft(client)
    response = client.get(reverse("publishing:circular_download", args=[circular.pk, "pdf"]))
    assert response["Content-Type"] == "application/pdf" and response.content[:5] == b"%PDF-"


def test_the_office_sets_the_imprint_on_the_page_and_the_word_file_prints_it(personas, client):
    login(client, personas.admin)
    circular = _draft(client)
    texts = [p["text"] for p in circular.paragraphs]
    response = client.post(reverse("publishing:circular", args=[circular.pk]),
                           {"text": texts, "number": "平工办〔2020〕33号", "date": "2020-10-27",
                            "issuer": "平顶山市总工会办公室", "copy_to": "省总工会扶贫办", "printer": "平顶山市总工会办公室",
                            "printed_on": "2020-10-28", "reason": "版记"}, follow=True)
    assert "已保存修改" in response.content.decode()
    circular.refresh_from_db()
    assert (circular.copy_to, str(circular.printed_on)) == ("省总工会扶贫办", "2020-10-28")
    page = client.get(reverse("publishing:circular", args=[circular.pk])).content.decode()
    assert 'data-testid="checklist"' in page and "3341.57万元" in page and "/quality/review/?period=" in page
    doc = Document(io.BytesIO(client.get(reverse("publishing:circular_download", args=[circular.pk, "docx"])).content))
    imprint = doc.tables[-1]
    assert imprint.rows[0].cells[0].text == "抄送：省总工会扶贫办。"
    assert imprint.rows[-1].cells[1].text == "2020年10月28日印发"


def test_the_checklist_links_the_policy_figures_to_the_compliance_page_for_the_period(personas, client):
    """The demo's 叶县 and 舞钢市 entered welfare spending, but their lines do not say what they served: the circular
    says so, and the office checks those figures on the compliance page."""
    login(client, personas.admin)
    circular = _draft(client)
    body = "".join(p["text"] for p in circular.paragraphs)
    assert "填报了福利性支出，但有" in body and "尚未填报福利性支出" in body
    page = client.get(reverse("publishing:circular", args=[circular.pk])).content.decode()
    assert f'{reverse("policy:compliance")}?period=2020-01:2020-10' in page
