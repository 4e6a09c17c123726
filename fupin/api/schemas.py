"""The API's JSON shapes. Money travels as decimal strings of 万元 (and whole 分), never as floats."""

from ninja import Schema


class ErrorOut(Schema):
    code: str
    message: str
    details: list = []


class UnitOut(Schema):
    id: int
    parent_id: int | None
    name: str
    short_name: str
    kind: str
    depth: int
    path: str
    active: bool


class UnitsPage(Schema):
    count: int
    offset: int
    limit: int
    items: list[UnitOut]


class LineIn(Schema):
    amount_wan: str
    product: str = ""
    source_text: str = ""
    method: str = ""
    purchase_date: str = ""
    quantity_tons: str = ""
    consumption_type: str = ""
    purpose: str = ""
    note: str = ""


class ReportIn(Schema):
    lines: list[LineIn]
    summary: str | None = None
    is_zero_report: bool = False


class LineOut(Schema):
    id: int
    position: int
    product: str
    source_text: str
    channel_code: str
    method: str
    purchase_date: str | None
    quantity_tons: str | None
    amount_wan: str
    amount_fen: int
    consumption_type: str
    purpose: str
    note: str
    explanation: str
    excluded: bool
    exclusion_reason: str


class ReportOut(Schema):
    unit_id: int
    unit: str
    period: str
    status: str
    status_label: str
    summary: str
    is_zero_report: bool
    total_wan: str
    total_fen: int
    line_count: int
    lines: list[LineOut]
    checks: list[dict] = []
