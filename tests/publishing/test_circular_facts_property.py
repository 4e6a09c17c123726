"""Random ledgers (exclusions, merges, duplicates, unclassified sources, late and missing units, welfare spending
and member counts against the policy rules): every number the drafted circular states is recomputed here from the
stored lines and spending, without the fact functions, and agrees; none is a zero; and every number in the text is
on the 核对单."""

import re
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import transaction
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from fupin.core.money import yuan_to_fen
from fupin.core.periods import Period
from fupin.policy.models import Document
from fupin.policy.services import SpendingInput, welfare_spending_save
from fupin.quality.models import Channel
from fupin.reporting.exclusions import line_exclude, lines_merge
from fupin.reporting.models import PurchaseLine, Submission
from fupin.reporting.services import LineInput, submission_create
from fupin.units.people import system_user
from fupin.units.selectors import reporting_units

PERIOD = Period.parse("2020-10")
TZ = ZoneInfo("Asia/Shanghai")
ON_TIME_AT, LATE_AT = datetime(2020, 10, 20, 10, tzinfo=TZ), datetime(2020, 11, 10, 10, tzinfo=TZ)
# One text per channel (and one no channel takes), so a duplicate is plainly the same text and product twice.
SOURCES = [("农户", "FARM"), ("832平台", "P832"), ("合作社", "COOP"), ("扶贫企业", "ENTR"), ("直播带货", "LIVE"),
           ("老乡介绍的渠道", "")]
PRODUCTS = ["小米", "香菇", "慰问金"]  # 慰问金 is not consumption
INPUTS = {"period", "deadline"}  # what the office chose, not counted from lines

line_st = st.tuples(st.sampled_from(range(len(SOURCES))), st.sampled_from(PRODUCTS), st.sampled_from(["线上", "线下"]),
                    st.integers(min_value=10_000, max_value=30_000_000), st.booleans())
# Half the units missing on average: the ledgers stay small enough for the suite.
unit_st = st.tuples(st.sampled_from(["on_time", "late", "missing", "missing"]), st.lists(line_st, min_size=1, max_size=4),
                    st.booleans())
ledger_st = st.lists(unit_st, min_size=29, max_size=29).filter(lambda us: any(u[0] != "missing" for u in us))
# What each line served (its purpose), in the order of the ledger's lines; "" is a line that does not say.
PURPOSES = ["", "四送", "节日慰问", "困难职工慰问"]
purposes_st = st.lists(st.sampled_from(PURPOSES), min_size=29 * 4, max_size=29 * 4)
# A unit's welfare spending in 元 (四送, 节日慰问, 困难职工慰问) and member count (0: none entered), or none at all.
# 1000 members may spend 2,000,000元 on holidays, and 500,000元 more on poverty products.
spending_st = st.one_of(st.none(), st.tuples(
    st.sampled_from([0, 50_000, 1_000_000]), st.sampled_from([0, 150_000, 2_000_000, 2_100_000, 2_600_000]),
    st.sampled_from([0, 80_000]), st.sampled_from([0, 1000])))
welfare_st = st.lists(st.one_of(st.none(), st.none(), spending_st), min_size=29, max_size=29)


@pytest.fixture
def registry(db, settings):
    settings.FUPIN_OUTLIER_MIN_HISTORY = 10_000  # the outlier test needs a long history; these ledgers are short
    call_command("init", stdout=open("/dev/null", "w"))


def wan(fen: int) -> str:
    return str((Decimal(fen) / 1_000_000).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def pct(part: int, whole: int) -> str:
    return str((Decimal(part * 100) / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _build(ledger, welfare=(), purposes=()) -> dict:
    """Store the ledger; return what was done, as the test saw it."""
    by = system_user()
    units = list(reporting_units())
    done = {"status": {}, "excluded": [], "merges": 0, "welfare": {}}
    for unit, spent in zip(units, welfare, strict=True):
        if spent is not None:
            *yuan, members = spent
            amounts = SpendingInput(*(yuan_to_fen(str(y)) for y in yuan), 0)
            welfare_spending_save(unit=unit, period=PERIOD, amounts=amounts, by=by, member_count=members or None)
            done["welfare"][unit.pk] = spent
    for i, (unit, (status, lines, merge)) in enumerate(zip(units, ledger, strict=True)):
        done["status"][unit.pk] = status
        if status == "missing":
            continue
        inputs = [LineInput(amount_fen=amount, product=product, source_text=SOURCES[s][0],
                            channel_code=SOURCES[s][1], method_text=method, method=method,
                            purpose=purposes[i * 4 + j] if purposes else "")
                  for j, (s, product, method, amount, _) in enumerate(lines)]
        sub = submission_create(unit=unit, period=PERIOD, lines=inputs, by=by, status="submitted")
        at = ON_TIME_AT if status == "on_time" else LATE_AT
        Submission.objects.filter(pk=sub.pk).update(submitted_at=at, first_submitted_at=at)
        stored = list(sub.lines.order_by("position"))
        for line, (*_, exclude) in zip(stored, lines, strict=True):
            if exclude:
                line_exclude(line=line, by=by, reason="不属于消费扶贫")
                done["excluded"].append(line.amount_fen)
        if merge:  # merge the first duplicate group left
            groups: dict = {}
            for line in sub.lines.filter(excluded=False).order_by("position"):
                groups.setdefault((line.source_text, line.product), []).append(line)
            group = next((g for g in groups.values() if len(g) > 1), None)
            if group:
                lines_merge(lines=group, by=by)
                done["merges"] += 1
    return done


def _expected(done) -> dict:
    """Every figure the circular may state, from the lines themselves."""
    units = {u.pk: u for u in reporting_units()}
    rows = list(PurchaseLine.objects.filter(submission__first_month=PERIOD.first).values(
        "submission_id", "submission__unit_id", "amount_fen", "excluded", "channel_code", "source_text", "product",
        "method", "purpose"))
    counted = [r for r in rows if not r["excluded"]]
    total = sum(r["amount_fen"] for r in counted)
    e = {"total": f"{wan(total)}万元", "lines": f"{len(counted)}条", "active_units": f"{len(units)}个"}
    by_unit: dict[int, int] = {}
    for r in counted:
        by_unit[r["submission__unit_id"]] = by_unit.get(r["submission__unit_id"], 0) + r["amount_fen"]
    e["reported_units"] = f"{len(by_unit)}个"
    for method, key in (("线上", "online"), ("线下", "offline")):
        fen = sum(r["amount_fen"] for r in counted if r["method"] == method)
        e[key], e[f"{key}_percent"] = f"{wan(fen)}万元", f"{pct(fen, total)}%" if total else ""
    e["ranked"] = sorted((f"{wan(a)}万元" for a in by_unit.values() if a), key=lambda t: -Decimal(t[:-2]))
    channels: dict[str, int] = {}
    for r in counted:
        if r["channel_code"]:
            channels[r["channel_code"]] = channels.get(r["channel_code"], 0) + r["amount_fen"]
    for code, fen in channels.items():
        e[f"channel.{code}"], e[f"channel.{code}.percent"] = f"{wan(fen)}万元", f"{pct(fen, total)}%"
    e["excluded.lines"], e["excluded.amount"] = f"{len(done['excluded'])}条", f"{wan(sum(done['excluded']))}万元"
    e["merged.groups"] = f"{done['merges']}组"
    groups: dict[tuple, list] = {}
    for r in counted:
        key = (r["submission_id"], r["channel_code"] or "?" + r["source_text"], r["product"])
        groups.setdefault(key, []).append(r)
    dups = [g for g in groups.values() if len(g) > 1]
    e["duplicate_channel.count"] = f"{len(dups)}组"
    e["duplicate_channel.units"] = [units[g[0]["submission__unit_id"]] for g in dups]
    unclassified = [r for r in counted if not r["channel_code"]]
    e["channel_unclear.count"] = f"{len(unclassified)}条"
    e["channel_unclear.amount"] = f"{wan(sum(r['amount_fen'] for r in unclassified))}万元"
    nature = dict(Channel.objects.values_list("code", "nature"))
    mismatch = [r for r in counted if nature.get(r["channel_code"]) and nature[r["channel_code"]] != r["method"]]
    e["method_mismatch.count"] = f"{len(mismatch)}条"
    e["not_consumption.count"] = f"{sum(r['product'] == '慰问金' for r in counted)}条"
    e["kinds_missing.职工个人消费、职工疗休养、劳模助力"] = f"{len(by_unit)}个"
    for status in ("on_time", "late", "missing"):
        e[status] = [units[pk] for pk, s in done["status"].items() if s == status]
    e.update(_policy_expected(done, counted))
    return e


CAP_FEN, EXTRA_FEN, SHARE_BP = 200_000, 50_000, 2000  # the default rules: 2000元, 500元, 20%


def _policy_expected(done, counted) -> dict:
    """The policy facts from the spending entered and the stored lines. A share below 20% is said to fall short
    only when every line of the unit says what it served; otherwise the unit cannot be judged yet."""
    e = {"policy.share_min.2000": "20%", "policy.cap": "2000元", "policy.extra": "500元",
         "policy.extra_until": "2021年1月1日"}
    for doc in Document.objects.all():
        e[f"policy.document.{doc.pk}"] = f"《{doc.title}》（{doc.number}）"
    lists = {name: [] for name in ("below", "over", "met", "extra_used", "unjudged", "no_spending", "no_members",
                                   "inconsistent")}
    loose_lines = loose_fen = 0
    for unit in reporting_units():
        spent = done["welfare"].get(unit.pk)
        if spent is None:
            lists["no_spending"].append(unit)
            continue
        mine = [r for r in counted if r["submission__unit_id"] == unit.pk]
        spend = dict(zip(PURPOSES[1:], (y * 100 for y in spent[:3]), strict=True))
        bought = {p: sum(r["amount_fen"] for r in mine if r["purpose"] == p) for p in spend}
        loose = [r for r in mine if not r["purpose"]]
        status = {p: _share(spend[p], bought[p]) for p in spend}
        shares = set(status.values())
        members = spent[3] or unit.member_count
        holiday, over = "missing", spend["节日慰问"] - CAP_FEN * members
        if members:
            holiday = ("within" if over <= 0 else "over" if over > EXTRA_FEN * members
                       else "extra_used" if over <= bought["节日慰问"] else "not_covered")
        share_open, holiday_open = bool(loose) and "below" in shares, bool(loose) and holiday == "not_covered"
        if not members:
            lists["no_members"].append(unit)
        if "inconsistent" in shares:
            lists["inconsistent"].append(unit)
        if share_open or holiday_open:
            lists["unjudged"].append(unit)
            loose_lines += len(loose)
            loose_fen += sum(r["amount_fen"] for r in loose)
        if "below" in shares:
            if not share_open:
                lists["below"].append(unit)
        elif "inconsistent" not in shares and any(status[p] == "met" and bought[p] for p in spend):
            lists["met"].append(unit)
        if holiday in ("over", "not_covered") and not holiday_open:
            lists["over"].append(unit)
            per_member = -(-spend["节日慰问"] // members)  # fen, rounded up
            yuan = f"{per_member // 100}" + (f".{per_member % 100:02d}" if per_member % 100 else "")
            e[f"policy.per_member.{unit.pk}"] = f"{yuan}元"
        elif holiday == "extra_used":
            lists["extra_used"].append(unit)
    e.update({f"policy.{name}": units for name, units in lists.items()})
    e["policy.unjudged_lines"], e["policy.unjudged_amount"] = f"{loose_lines}条", f"{wan(loose_fen)}万元"
    return e


def _share(spend: int, bought: int) -> str:
    return "inconsistent" if bought > spend else "none" if not spend else \
        "met" if bought * 10000 >= SHARE_BP * spend else "below"


def _leading(figure: str) -> int:
    return int(re.match(r"\d+", figure).group())


def _check(item: dict, e: dict) -> None:
    key, figure = item["key"], item["figure"]
    if key.startswith("rank."):
        assert figure == e["ranked"][int(key.split(".")[1]) - 1], item
        return
    fact, _, part = key.rpartition(".")
    lists = {"on_time": "on_time", "late": "late", "missing": "missing", "duplicate_channel.units":
             "duplicate_channel.units"} | {f"policy.{name}": f"policy.{name}" for name in POLICY_LISTS}
    if fact in lists:  # a count of units, in all (count) or of one kind
        units = e[lists[fact]]
        if fact == "duplicate_channel.units":
            units = list(dict.fromkeys(units))
        want = len(units) if part == "count" else sum(
            1 for u in units if u.kind == part or (part == "other" and u.kind not in
                                                    ("county", "zone", "direct", "industry", "enterprise")))
        assert _leading(figure) == want, item
        return
    assert figure == e[key], item


NUMBER = re.compile(r"\d+(?:\.\d+)?")
POLICY_LISTS = ("below", "over", "met", "extra_used", "unjudged", "no_spending", "no_members", "inconsistent")
# What the circular must say when a policy list is not empty.
POLICY_SAID = {"below": "扶贫产品采购比例未达到20%", "over": "人均节日慰问品超过规定标准",
               "met": "福利性支出中扶贫产品采购比例达到20%", "extra_used": "按规定为会员采购了本省贫困地区农副产品",
               "unjudged": "未注明用途，无法核对落实情况", "no_members": "未填报会员人数，无法核对人均节日慰问品标准",
               "inconsistent": "填报的扶贫产品采购额大于福利性支出，需核实"}


@pytest.mark.django_db
@settings(max_examples=20, deadline=None, phases=[Phase.explicit, Phase.generate], suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(ledger=ledger_st, welfare=welfare_st, purposes=purposes_st)
@example(ledger=[("on_time", [(0, "小米", "线下", 50_000, False)], False)] * 29,  # all on time: the positive sentence
         welfare=[None] * 29, purposes=[""] * 116)
@example(ledger=[("late", [(1, "小米", "线上", 50_000, False), (1, "小米", "线上", 70_000, False),
                           (5, "慰问金", "线下", 90_000, True)], True)] * 2 + [("missing", [], False)] * 27,
         welfare=[None] * 29, purposes=[""] * 116)
# Every policy fact at once: met and extra allowance used, below, over, a loose line, no members, too much bought.
@example(ledger=[("on_time", [(0, "小米", "线下", 30_000_000, False), (1, "香菇", "线上", 2_000_000, False)], False)] * 6
         + [("missing", [], False)] * 23,
         welfare=[(1_000_000, 0, 0, 1000), (1_000_000, 2_100_000, 80_000, 1000), (0, 2_600_000, 0, 1000),
                  (50_000, 150_000, 0, 0), (50_000, 150_000, 0, 1000), (0, 150_000, 0, 1000)] + [None] * 23,
         purposes=["四送", "四送", "", "", "节日慰问", "四送", "", "", "", "", "", "", "节日慰问", "四送", "", "",
                   "", "", "", "", "四送", "四送", "", ""] + [""] * 92)
def test_every_number_in_the_circular_is_what_the_lines_say_and_none_is_zero(registry, ledger, welfare, purposes):
    from fupin.insights.attachment import attachment_table
    from fupin.insights.circular_facts import circular_facts
    from fupin.publishing.circular_draft import circular_draft

    with transaction.atomic():
        done = _build(ledger, welfare, purposes)
        draft = circular_draft(circular_facts(period=PERIOD), attachment_title=attachment_table(period=PERIOD).title)
        e = _expected(done)
        for item in draft.checklist:
            assert NUMBER.search(item["figure"]), item
            assert all(Decimal(n) != 0 for n in NUMBER.findall(item["figure"])), f"a zero is stated: {item}"
            if item["key"] not in INPUTS:
                _check(item, e)
        text = "".join(p["text"] for p in draft.paragraphs)
        for name in [c.name for c in Channel.objects.all()] + [u.display_name for u in reporting_units()]:
            text = text.replace(name, "")
        stated = {n for item in draft.checklist for n in NUMBER.findall(item["figure"])}
        assert set(NUMBER.findall(text)) <= stated
        assert all(item["figure"] in "".join(p["text"] for p in draft.paragraphs) for item in draft.checklist)
        # What must be said when it is so.
        if done["excluded"]:
            assert "excluded.lines" in {i["key"] for i in draft.checklist}
        if not e["late"] and not e["missing"]:
            assert "各单位均已按时上报" in text
        said = "".join(p["text"] for p in draft.paragraphs)
        for name, words in POLICY_SAID.items():
            assert (words in said) == bool(e[f"policy.{name}"]), name
        if not done["welfare"]:
            assert "目前各单位尚未填报福利性支出" in said
        transaction.set_rollback(True)
