"""A circular (saved, or drafted on the fly) written out as .docx, .pdf or JSON."""

from dataclasses import dataclass, field
from datetime import date

from fupin.core.money import wan_display
from fupin.core.periods import Period
from fupin.core.safe_files import Output, json_output
from fupin.insights.attachment import attachment_table
from fupin.insights.circular_facts import CircularFacts, circular_facts
from fupin.publishing import charts as chart_images
from fupin.publishing.circular_docx import circular_docx, date_arabic
from fupin.publishing.circular_draft import circular_draft
from fupin.publishing.models import Circular, ParagraphKind
from fupin.publishing.pdf import docx_to_pdf
from fupin.publishing.services import default_issuer


@dataclass
class CircularText:
    """What gets printed: a saved circular's fields, or a fresh draft's."""

    period: Period
    number: str
    on: date
    issuer: str
    status: str
    paragraphs: list[dict]
    copy_to: str = ""
    printer: str = ""  # 印发机关; the issuer when blank
    printed_on: date | None = None  # 印发日期; the 成文日期 when blank
    checklist: list[dict] = field(default_factory=list)

    @classmethod
    def of(cls, circular: Circular) -> "CircularText":
        return cls(circular.period, circular.number, circular.date, circular.issuer, circular.status,
                   circular.paragraphs, circular.copy_to, circular.printer, circular.printed_on, circular.checklist)

    @property
    def title(self) -> str:
        return next((p["text"] for p in self.paragraphs if p["kind"] == ParagraphKind.TITLE), "通报")


def draft_text(*, period: Period, number: str, on: date, issuer: str = "", copy_to: str = "") -> CircularText:
    table = attachment_table(period=period)
    draft = circular_draft(circular_facts(period=period), attachment_title=table.title)
    return CircularText(period, number, on, issuer or default_issuer(), "draft", draft.paragraphs, copy_to,
                        checklist=draft.checklist)


def chart_pngs(text: CircularText, facts: CircularFacts) -> dict[int, bytes]:
    """The channel mix after the paragraph that states it (found by its opening words)."""
    for i, p in enumerate(text.paragraphs):
        if p["text"].startswith("从采购渠道看"):
            return {i: chart_images.pie_chart_png(facts.channels, title=f"{text.period.label()}采购渠道构成")}
    return {}


def circular_output(text: CircularText, fmt: str, *, charts: bool = False) -> Output:
    name = f"通报_{text.number or text.period}".replace(":", "_").replace("/", "_")
    if fmt == "json":
        facts = circular_facts(period=text.period)
        return json_output({
            "period": text.period.as_json(), "number": text.number, "date": text.on.isoformat(),
            "date_display": date_arabic(text.on), "issuer": text.issuer, "status": text.status,
            "title": text.title, "paragraphs": text.paragraphs, "checklist": text.checklist,
            "copy_to": text.copy_to, "printer": text.printer or text.issuer,
            "printed_on": (text.printed_on or text.on).isoformat(),
            "figures": {"total": wan_display(facts.summary.total.amount_fen),
                        "online_percent": facts.summary.online_percent,
                        "excluded": wan_display(facts.screened.excluded_fen),
                        "excluded_lines": facts.screened.excluded_lines,
                        "merged_groups": facts.screened.merged_groups,
                        "on_time": [u.display_name for u in facts.on_time],
                        "late": [u.display_name for u, _ in facts.late],
                        "missing": [u.display_name for u in facts.missing],
                        "year_on_year": facts.year_on_year.as_json()},
        }, f"{name}.json")
    pictures = chart_pngs(text, circular_facts(period=text.period)) if charts else None
    content = circular_docx(issuer=text.issuer, number=text.number, on=text.on, paragraphs=text.paragraphs,
                            table=attachment_table(period=text.period), charts=pictures, copy_to=text.copy_to,
                            printer=text.printer or text.issuer, printed_on=text.printed_on or text.on)
    if fmt == "pdf":
        return Output(docx_to_pdf(content), f"{name}.pdf", True)
    return Output(content, f"{name}.docx", True)
