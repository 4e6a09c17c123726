"""Factories: plain functions that build what a test needs, with realistic Chinese data."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model

from fupin.core.money import wan_to_fen
from fupin.core.periods import Period
from fupin.reporting.services import LineInput, submission_create
from fupin.units.models import Membership, Role, Unit
from fupin.units.selectors import root_unit, unit_find

PASSWORD = "test-password-1"


def user_make(username: str, *, unit: Unit | None = None, role: str | None = None, **extra):
    user = get_user_model().objects.create_user(username=username, password=PASSWORD, **extra)
    if unit is not None and role is not None:
        Membership.objects.create(user=user, unit=unit, role=role)
    return user


@dataclass
class Personas:
    """The people every view is asked about: office admin, a unit's reporter, approver, a leader, an outsider."""

    admin: object
    reporter: object  # 叶县
    approver: object  # 叶县
    viewer: object  # the whole city, read only
    outsider: object  # a reporter of 舞钢市
    unit: Unit  # 叶县
    other_unit: Unit  # 舞钢市


def personas() -> Personas:
    root, yexian, wugang = root_unit(), unit_find("叶县"), unit_find("舞钢市")
    return Personas(
        admin=user_make("p_admin", unit=root, role=Role.ADMIN),
        reporter=user_make("p_reporter", unit=yexian, role=Role.REPORTER),
        approver=user_make("p_approver", unit=yexian, role=Role.APPROVER),
        viewer=user_make("p_viewer", unit=root, role=Role.VIEWER),
        outsider=user_make("p_outsider", unit=wugang, role=Role.REPORTER),
        unit=yexian, other_unit=wugang,
    )


def submission_make(unit: Unit, period: str = "2020-11", *, amounts=("1.5",), status="submitted", by=None, **kw):
    lines = [LineInput(amount_fen=wan_to_fen(a), source_text="农户", channel_code="FARM", method_text="线下",
                       method="线下", product="小米") for a in amounts]
    return submission_create(unit=unit, period=Period.parse(period), lines=lines, by=by, status=status, **kw)


def roster_xlsx(path, rows, *, header=("单位", "姓名", "手机", "邮箱", "角色"), title: str | None = None):
    """A roster as the office keeps one in Excel: an optional title row above the header, numbers typed as numbers."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "人员名单"
    if title:
        sheet.append([title])
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    for cells in sheet.iter_rows():
        for cell in cells:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text as typed ('=… in Excel), never a formula
    book.save(path)
    return path
