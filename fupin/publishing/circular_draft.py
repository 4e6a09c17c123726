"""The circular's text drafted from the ledger's figures (insights.circular_facts), paragraph by paragraph.

The office edits any paragraph before the circular is final; this is only the first draft.
"""

from fupin.core.money import wan_display
from fupin.core.periods import date_cn
from fupin.insights.circular_facts import CircularFacts
from fupin.policy.summary import compliance_summary
from fupin.publishing.models import ParagraphKind as K
from fupin.units.models import UnitKind

NUMERALS = "一二三四五六七八九十"
SCOPE_WORDS = {UnitKind.CITY: "全市", UnitKind.PROVINCE: "全省"}
TOP_UNITS = 5


def numeral(n: int) -> str:
    return NUMERALS[n - 1] if n <= 10 else f"十{NUMERALS[n - 11]}" if n < 20 else str(n)


def _names(units) -> str:
    return "、".join(getattr(u, "display_name", u) for u in units)


def recipients(facts: CircularFacts) -> str:
    """主送机关 from the kinds of units below the root, as the seed circular writes them."""
    kinds: dict[str, list[str]] = {}
    for r in facts.ranking:
        if r.unit is not None and r.unit.pk != facts.root.pk:
            kinds.setdefault(r.unit.kind, []).append(r.unit)
    parts = []
    if UnitKind.COUNTY in kinds:
        parts.append("各县（市、区）总工会")
    if UnitKind.ZONE in kinds:
        zones = [u.name.removesuffix("工会联合会") for u in kinds[UnitKind.ZONE]]
        parts.append("、".join(zones) + "工会联合会")
    groups = [(UnitKind.INDUSTRY, "市总各产业工会"), (UnitKind.DIRECT, "市直工会"),
              (UnitKind.ENTERPRISE, "市总直属企业工会"), (UnitKind.GRASSROOTS, "各基层工会")]
    rest = [text for kind, text in groups if kind in kinds]
    text = "、".join(parts)
    if rest:
        text = "，".join([text, *rest]) if text else "，".join(rest)
    return f"{text or '各单位'}："


def _overview(facts: CircularFacts, label: str) -> list[dict]:
    s = facts.summary
    total = wan_display(s.total.amount_fen)
    text = (f"{label}，{facts.active_units}个单位中有{facts.reported_units}个单位上报了消费扶贫数据，"
            f"共{s.total.lines}条明细，实际成交额{total}万元。")
    if s.total.amount_fen:
        text += (f"其中线上采购{wan_display(s.online_fen)}万元，占{s.online_percent}%；"
                 f"线下采购{wan_display(s.offline_fen)}万元，占{s.offline_percent}%。")
    if s.unmarked_fen:
        text += f"另有{wan_display(s.unmarked_fen)}万元未注明采购方式。"
    if s.total.excluded_lines:
        text += (f"经审核，{s.total.excluded_lines}条明细共{wan_display(s.total.excluded_fen)}万元不属于消费扶贫，"
                 "已剔除，未计入成交额。")
    out = [{"kind": K.BODY, "text": text}]
    named = [c for c in facts.channels if c.key]
    if named:
        mix = "、".join(f"{c.label}{wan_display(c.amount_fen)}万元（占{c.percent}%）" for c in named)
        text = f"从采购渠道看，{mix}。"
        unclassified = next((c for c in facts.channels if not c.key), None)
        if unclassified:
            text += f"另有{wan_display(unclassified.amount_fen)}万元的产品来源尚未归入标准渠道，正在核实。"
        out.append({"kind": K.BODY, "text": text})
    top = [r for r in facts.ranking if r.amount_fen][:TOP_UNITS]
    if top:
        out.append({"kind": K.BODY, "text": "成交额居前{}位的单位依次是：{}。".format(
            len(top), "、".join(f"{r.label}{wan_display(r.amount_fen)}万元" for r in top))})
    return out


def _timeliness(facts: CircularFacts) -> list[dict]:
    parts = []
    if facts.deadline:
        parts.append(f"本次统计的截止日期为{date_cn(facts.deadline)}。")
    if facts.on_time:
        parts.append(f"{_names(facts.on_time)}等{len(facts.on_time)}家单位按时间节点完成数据上报工作。")
    else:
        parts.append("没有单位按时完成数据上报。")
    if facts.late:
        parts.append(f"{_names(u for u, _ in facts.late)}等{len(facts.late)}家单位逾期上报。")
    if facts.missing:
        parts.append(f"{_names(facts.missing)}至今没有上报。")
    return [{"kind": K.BODY, "text": "".join(parts)}]


def _problems(facts: CircularFacts) -> list[dict]:
    out, n = [], 0
    for group in facts.findings:
        n += 1
        out.append({"kind": K.HEADING2, "text": f"（{numeral(n)}）{group.rule_name}"})
        units = _names(group.units[:8]) + ("等" if len(group.units) > 8 else "")
        out.append({"kind": K.BODY, "text": f"审核中发现{group.count}处，涉及{units}{len(group.units)}个单位。"})
    lacking = {kind: units for kind, units in facts.kinds_missing.items() if units}
    if lacking:
        n += 1
        out.append({"kind": K.HEADING2, "text": f"（{numeral(n)}）统计范围不全面"})
        text = "；".join(f"{len(units)}个上报单位没有{kind}的数据" for kind, units in lacking.items())
        out.append({"kind": K.BODY, "text": f"从上报数据看，{text}。请各单位把职工个人消费、职工疗休养、"
                                            "劳模助力等纳入统计范围。"})
    if not out:
        out.append({"kind": K.BODY, "text": "审核中未发现需要通报的问题。"})
    return out


def circular_paragraphs(facts: CircularFacts, *, attachment_title: str) -> list[dict]:
    """Title to 附件说明. The 发文机关署名 and 成文日期 come from the circular's own fields when it is printed."""
    label = facts.period.label()
    scope = SCOPE_WORDS.get(facts.root.kind, "全系统")
    total = wan_display(facts.summary.total.amount_fen)
    cutoff = f"截止{facts.deadline.month}月{facts.deadline.day}日，" if facts.deadline else ""
    paragraphs = [
        {"kind": K.TITLE, "text": f"{facts.system}{label}份消费扶贫工作统计情况通报"},
        {"kind": K.RECIPIENTS, "text": recipients(facts)},
        {"kind": K.BODY, "text": f"近期，根据推进消费扶贫工作部署安排，{facts.root.name}对{label}份消费扶贫工作"
                                 f"统计情况进行了汇总。{cutoff}{scope}各级工会在消费扶贫中实际成交额共{total}万元。"
                                 "现将有关情况通报如下。"},
    ]
    sections = [("总体情况", _overview(facts, label)), ("数据上报情况", _timeliness(facts)),
                ("审核发现的问题", _problems(facts))]
    policy = compliance_summary(period=facts.period)
    sections.append((policy.heading, [{"kind": K.BODY, "text": t} for t in policy.paragraphs]))
    sections.append(("下一步工作重点", [{"kind": K.BODY, "text": (
        "各单位要针对存在的问题抓好整改：一是工作相对滞后的单位要对标先进，进一步加大消费扶贫动员力度；"
        "二是每月最后一个工作日前将本月消费扶贫工作统计及工作信息一并上报市总扶贫办公室；"
        "三是未上报和上报数据不全的单位要尽快补报，上报的数据要真实准确，不得弄虚作假；"
        "四是严格按照标准渠道归类汇总，不把不属于消费的项目报上来。")}]))
    for n, (heading, body) in enumerate(sections, start=1):
        paragraphs.append({"kind": K.HEADING1, "text": f"{numeral(n)}、{heading}"})
        paragraphs += body
    paragraphs.append({"kind": K.ATTACHMENT, "text": f"附件：{attachment_title}"})
    return [{"kind": str(p["kind"]), "text": p["text"]} for p in paragraphs]
