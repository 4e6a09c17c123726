"""A province's fupin (three cities, each with its push account) and pushes as `fupin push` sends them."""

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import time_machine

from fupin.province.models import PushReceipt
from fupin.province.receive import PUSH_FORMAT, push_receive
from fupin.quality.taxonomy import taxonomy_load_default
from fupin.units.models import Role, Unit, UnitKind
from fupin.units.people import system_user
from tests.factories import user_make

SHANGHAI = ZoneInfo("Asia/Shanghai")


@dataclass
class Province:
    root: Unit
    zhengzhou: Unit
    pingdingshan: Unit
    luoyang: Unit
    office: object
    zz: object  # 郑州市's push account
    pds: object  # 平顶山市's


def province_make() -> Province:
    system_user()
    taxonomy_load_default()
    root = Unit.objects.create(name="河南省总工会", short_name="河南省总工会", kind=UnitKind.PROVINCE)
    made = [Unit.objects.create(parent=root, name=f"{name}总工会", short_name=name, kind=UnitKind.CITY, order=n)
            for n, name in enumerate(["郑州市", "平顶山市", "洛阳市"], start=1)]
    return Province(root, *made, office=user_make("province_office", unit=root, role=Role.ADMIN),
                    zz=user_make("zhengzhou_push", unit=made[0], role=Role.REPORTER),
                    pds=user_make("pingdingshan_push", unit=made[1], role=Role.REPORTER))


def unit(key, short_name, *, parent=None, order=0):
    path = (f"/{parent}/" if parent else "/") + f"{key}/"
    return {"key": key, "name": f"{short_name}总工会", "short_name": short_name, "kind": "county", "order": order,
            "parent": parent, "path": path}


def group(key, channel, method, fen, line_count=1):
    return {"unit": key, "channel_code": channel, "method": method, "amount_fen": fen, "quantity_g": None,
            "line_count": line_count}


def payload(period, units, groups, *, parents=(), source="某市总工会"):
    return {"format": PUSH_FORMAT, "period": period, "pushed_at": "2020-12-01T08:00:00+08:00",
            "source": {"root": source, "short_name": source}, "channels": {"P832": "832平台", "ECOM": "其他电商平台"},
            "units": list(units), "parents": list(parents), "groups": list(groups),
            "total_fen": sum(g["amount_fen"] for g in groups)}


def push_at(when: str, body: dict, by) -> dict:
    """Push as the province's clock reads `when` (local time, "2020-12-08 09:00")."""
    moment = datetime.fromisoformat(when).replace(tzinfo=SHANGHAI)
    with time_machine.travel(moment, tick=False):
        return push_receive(payload=body, by=by)


# 平顶山市: 叶县 and 舞钢市 report; 市直机关 reports under 产业工会, which reports nothing itself.
PDS_UNITS = [unit(11, "叶县", order=1), unit(12, "舞钢市", order=2), unit(21, "市直机关", parent=20, order=1)]
PDS_PARENTS = [unit(20, "产业工会", order=3)]


def pds_groups(yexian_ecom_fen=10000001):
    return [group(11, "P832", "线上", 123456789, 3), group(11, "ECOM", "线下", yexian_ecom_fen),
            group(12, "P832", "线下", 50000000, 2), group(21, "LIVE", "线上", 99)]


def pds_payload(period="2020-11", yexian_ecom_fen=10000001):
    return payload(period, PDS_UNITS, pds_groups(yexian_ecom_fen), parents=PDS_PARENTS, source="平顶山市总工会")


def zz_payload(period="2020-11", fen=500000000):
    return payload(period, [unit(5, "金水区")], [group(5, "P832", "线上", fen, 7)], source="郑州市总工会")


def receipts(city) -> list[PushReceipt]:
    return list(PushReceipt.objects.filter(city=city).order_by("received_at", "pk"))
