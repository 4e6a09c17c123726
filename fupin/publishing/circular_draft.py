"""The circular's text drafted from the ledger's facts (insights.circular_facts), in the seed circular's three parts:
一、工作进展情况及成效 / 二、存在的问题和不足 / 三、下一步工作重点.

Every figure goes into the text through `Draft.figure`, which also writes it on the 核对单 (check list): what it
counts and where the lines behind it are shown. A fact that is zero or empty gives no sentence (or the positive
one). The office edits any paragraph before the circular is final; this is only the first draft.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from fupin.core.money import wan_display
from fupin.core.periods import date_cn
from fupin.insights.circular_facts import CircularFacts, PolicyFacts
from fupin.policy.amounts import percent_plain, yuan_plain
from fupin.publishing.models import ParagraphKind as K
from fupin.reporting.models import period_name
from fupin.units.models import UnitKind

NUMERALS = "一二三四五六七八九十"
SCOPE_WORDS = {UnitKind.CITY: "全市", UnitKind.PROVINCE: "全省"}
TOP_UNITS = 5
TOP_CHANNELS = 3
LIST_ALL_UP_TO = 8  # a list this long is written out; a longer one is grouped by kind
NAMES_PER_KIND = 3  # a kind with more units is shortened: “汝州市、郏县等8个县（市、区）”
# How the circular groups units, in its order: (kinds, words after the count, measure word).
KIND_GROUPS = [((UnitKind.COUNTY,), "县（市、区）", "个"), ((UnitKind.ZONE,), "功能区", "个"),
               ((UnitKind.DIRECT,), "市直单位", "家"), ((UnitKind.INDUSTRY,), "产业工会", "个"),
               ((UnitKind.ENTERPRISE,), "直属企业", "家")]

# Where the office checks a figure: a page filtered to the circular's period (resolved by the view).
ATTACHMENT, REVIEW, TIMELINESS, DASHBOARD, COMPLIANCE = "attachment", "review", "timeliness", "dashboard", "compliance"
# The welfare purposes as the seed circular names the occasions.
OCCASIONS = {"四送": "工会组织的“四送”帮扶活动", "节日慰问": "逢年过节发放职工福利", "困难职工慰问": "慰问困难职工",
             "其他": "发放其他职工福利"}


def numeral(n: int) -> str:
    return NUMERALS[n - 1] if n <= 10 else f"十{NUMERALS[n - 11]}" if n < 20 else str(n)


@dataclass
class Draft:
    facts: CircularFacts
    paragraphs: list[dict] = field(default_factory=list)
    checklist: list[dict] = field(default_factory=list)

    def figure(self, key: str, value: str, unit: str, what: str, link: str) -> str:
        """`value` as written in the text, noted once on the 核对单."""
        if not any(item["key"] == key for item in self.checklist):
            self.checklist.append({"key": key, "figure": f"{value}{unit}", "what": what, "link": link})
        return f"{value}{unit}"

    def add(self, kind: str, text: str) -> None:
        self.paragraphs.append({"kind": str(kind), "text": text})

    # -- lists of units --------------------------------------------------------------------------------------

    def units(self, key: str, units: list, what: str, link: str, *, total_word: str = "家单位") -> str:
        """Names in the circular's order; long lists grouped by kind and shortened, with their counts."""
        names = [u.display_name for u in units]
        if len(units) <= LIST_ALL_UP_TO:
            if len(units) == 1:
                return names[0]
            return f"{'、'.join(names)}等{self.figure(f'{key}.count', str(len(units)), total_word, what, link)}"
        parts, placed = [], set()
        for kinds, words, measure in KIND_GROUPS:
            group = [u for u in units if u.kind in kinds]
            placed.update(u.pk for u in group)
            if group:
                parts.append(self._group(f"{key}.{kinds[0]}", group, words, measure, what, link))
        rest = [u for u in units if u.pk not in placed]
        if rest:
            parts.append(self._group(f"{key}.other", rest, "单位", "家", what, link))
        return f"{'，'.join(parts)}，共{self.figure(f'{key}.count', str(len(units)), total_word, what, link)}"

    def _group(self, key, group, words, measure, what, link) -> str:
        names = [u.display_name for u in group]
        if len(group) == 1:
            return names[0]
        count = self.figure(key, str(len(group)), f"{measure}{words}", f"{what}中的{words}", link)
        if len(group) <= NAMES_PER_KIND:
            return f"{'、'.join(names)}{count}"
        return f"{'、'.join(names[:2])}等{count}"


def _share(d: Draft, key: str, percent: str, what: str, link: str) -> str:
    """“（占34.9%）”, or nothing when the share rounds to nothing."""
    if not percent or percent == "0.0":
        return ""
    return f"（占{d.figure(key, percent, '%', what, link)}）"


def recipients(facts: CircularFacts) -> str:
    """主送机关 from the kinds of units below the root, as the seed circular writes them."""
    kinds: dict[str, list] = {}
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


def _wan(d: Draft, key: str, fen: int, what: str, link: str) -> str:
    return d.figure(key, wan_display(fen), "万元", what, link)


# -- the policy rules (政策规则): under 一 who uses them, under 二 who falls short or has not reported ------------

def _minimum(d: Draft, bp: int | None) -> str:
    """“20%”, or “规定比例” when the share rules set different minima."""
    if bp is None:
        return "规定比例"
    return d.figure(f"policy.share_min.{bp}", percent_plain(bp), "%", "扶贫产品采购比例的最低标准（政策规则）",
                    COMPLIANCE)


def _yuan(d: Draft, key: str, fen: int, what: str) -> str:
    return d.figure(key, yuan_plain(fen), "元", what, COMPLIANCE)


def _document(d: Draft, rule) -> str:
    doc = rule.document
    return d.figure(f"policy.document.{doc.pk}", f"《{doc.title}》（{doc.number}）", "", "规定该标准的文件",
                    COMPLIANCE)


def _occasions(purposes) -> str:
    return "、".join(OCCASIONS.get(x, x) for x in purposes)


def _rules_text(d: Draft, p: PolicyFacts) -> str:
    """The rules as the seed circular restates them: the share for each occasion, then the holiday standard."""
    parts = []
    for rule, purposes in p.share_rules:
        parts.append(f"在{_occasions(purposes)}时，拿出不低于{_minimum(d, rule.min_share_bp)}的金额采购贫困地区或对口帮扶地区"
                     "消费扶贫产品")
    text = f"按照工会系统消费扶贫有关文件要求，{'；'.join(parts)}" if parts else ""
    if p.cap is not None:
        cap = _yuan(d, "policy.cap", p.cap.amount_fen, "每位会员年度节日慰问品的上限（政策规则）")
        holiday = f"根据{_document(d, p.cap)}，"
        if p.extra is None:
            holiday += f"为每位会员发放的年度节日慰问品不超过{cap}"
        else:
            extra = _yuan(d, "policy.extra", p.extra.amount_fen, "年度节日慰问品之外每人可再采购的额度（政策规则）")
            until = ""
            if p.extra.effective_until:
                day = date_cn(p.extra.effective_until + timedelta(days=1))
                until = "在" + d.figure("policy.extra_until", day, "", "额外额度的截止（此日之前）", COMPLIANCE) + "前"
            if p.extra.document_id != p.cap.document_id:
                holiday += (f"为每位会员发放的年度节日慰问品不超过{cap}；根据{_document(d, p.extra)}，在此之后"
                            f"可再按每人不超过{extra}的标准，")
            else:
                holiday += (f"有条件的基层工会在为每位会员发放不超过{cap}的年度节日慰问品之后，可再按每人不超过"
                            f"{extra}的标准，")
            holiday += f"{until}为会员采购发放本省贫困地区农副产品"
        text = f"{text}。{holiday}" if text else holiday
    return text + "。" if text else ""


def _policy_use(d: Draft) -> str | None:
    """一: the units that use the rules."""
    p, parts = d.facts.policy, []
    if p is None:
        return None
    if p.met:
        parts.append(f"{d.units('policy.met', p.met, '扶贫产品采购比例达标的单位', COMPLIANCE)}福利性支出中扶贫产品采购"
                     f"比例达到{_minimum(d, p.share_minimum_bp)}")
    if p.extra_used and p.cap is not None:
        cap = _yuan(d, "policy.cap", p.cap.amount_fen, "每位会员年度节日慰问品的上限（政策规则）")
        parts.append(f"{d.units('policy.extra_used', p.extra_used, '使用节日慰问额外额度的单位', COMPLIANCE)}在每位会员"
                     f"{cap}的年度节日慰问品之外，按规定为会员采购了本省贫困地区农副产品")
    return "；".join(parts) + "。" if parts else None


def _per_member(d: Draft, over: list) -> str:
    """“（叶县人均2600元、舞钢市人均2100元）” for a short list; a long one is seen on the compliance page."""
    if len(over) > LIST_ALL_UP_TO:
        return ""
    shown = "、".join(
        f"{unit.display_name}人均" + d.figure(f"policy.per_member.{unit.pk}", amount.removesuffix(".00"), "元",
                                            f"{unit.display_name}每位会员的节日慰问品支出（进位到分）", COMPLIANCE)
        for unit, amount in over)
    return f"（{shown}）"


def _policy_problem(d: Draft) -> tuple[str, str] | None:
    """二: the rules, then who falls short of them and whose figures are missing, so they cannot be checked."""
    p = d.facts.policy
    if p is None or not (p.falls_short or p.data_missing):
        return None
    parts = []
    if p.below:
        parts.append(f"{d.units('policy.below', p.below, '扶贫产品采购比例未达标的单位', COMPLIANCE)}福利性支出中扶贫产品"
                     f"采购比例未达到{_minimum(d, p.share_minimum_bp)}")
    if p.over:
        units = d.units("policy.over", [u for u, _ in p.over], "节日慰问品超过规定标准的单位", COMPLIANCE)
        parts.append(f"{units}人均节日慰问品超过规定标准{_per_member(d, p.over)}")
    if p.unjudged:
        units = d.units("policy.unjudged", p.unjudged, "采购明细未注明用途、无法核对的单位", COMPLIANCE)
        lines = d.figure("policy.unjudged_lines", str(p.unjudged_lines), "条", "这些单位未注明用途的采购明细",
                         COMPLIANCE)
        amount = _wan(d, "policy.unjudged_amount", p.unjudged_fen, "这些单位未注明用途的采购明细金额", COMPLIANCE)
        parts.append(f"{units}填报了福利性支出，但有{lines}采购明细（共{amount}）未注明用途，无法核对落实情况")
    if p.no_members:
        units = d.units("policy.no_members", p.no_members, "填报了福利性支出、未填报会员人数的单位", COMPLIANCE)
        parts.append(f"{units}未填报会员人数，无法核对人均节日慰问品标准")
    if p.inconsistent:
        units = d.units("policy.inconsistent", p.inconsistent, "扶贫产品采购额大于福利性支出的单位", COMPLIANCE)
        parts.append(f"{units}填报的扶贫产品采购额大于福利性支出，需核实")
    if p.no_spending and p.spending_units:
        units = d.units("policy.no_spending", p.no_spending, "尚未填报福利性支出的单位", COMPLIANCE)
        parts.append(f"{units}尚未填报福利性支出")
    text = _rules_text(d, p)
    if parts:
        text += "从统计情况看，" + "；".join(parts) + "。"
    else:  # nobody has reported welfare spending
        text += "目前各单位尚未填报福利性支出，还无法核对上述政策的落实情况。"
    if p.falls_short:
        text += "在有政策要求的前提下，有的单位还没有把相关政策用好用足用到位。"
    return ("消费扶贫工作开展不深入" if p.falls_short else "政策落实情况底数不清"), text


def _policy_rule_step(p: PolicyFacts | None) -> str | None:
    if p is None or not p.falls_short:
        return None
    doing = []
    if p.below:
        doing.append(f"在{_occasions(x for _, ps in p.share_rules for x in ps)}时按规定比例采购扶贫产品")
    if p.over:
        doing.append("节日慰问品不超过规定标准")
    return f"要严格落实消费扶贫有关政策，{'，'.join(doing)}，把相关政策用好用足用到位"


def _policy_data_step(p: PolicyFacts | None) -> str | None:
    if p is None:
        return None
    missing = [what for units, what in ((p.no_spending, "福利性支出"), (p.no_members, "会员人数")) if units]
    asks = []
    if missing:
        asks.append(f"尚未填报{'和'.join(missing)}的单位要尽快补报")
    if p.unjudged:
        purposes = "、".join(f"“{x}”" if x == "四送" else x for _, ps in p.share_rules for x in ps)
        asks.append(f"采购明细要注明用途（{purposes}）" if purposes else "采购明细要注明用途")
    if p.inconsistent:
        asks.append("扶贫产品采购额与福利性支出要核对一致")
    return "，".join(asks) or None


# -- 一、工作进展情况及成效 ---------------------------------------------------------------------------------------

def _year_on_year(d: Draft) -> str:
    """“去年同期为x万元，同比增长y%。”, only when last year's same months have data (else nothing is said)."""
    y = d.facts.year_on_year
    if y is None or not y.exists:
        return ""
    last = _wan(d, "year_on_year.last_year", y.last_year_fen,
                f"去年同期（{period_name(y.last_year)}）计入成交额的明细金额合计", DASHBOARD)
    if y.direction == "持平":
        return f"与去年同期（{last}）基本持平。"
    change = d.figure("year_on_year.percent", y.percent, "%", f"成交额比去年同期{y.direction}的幅度", DASHBOARD)
    return f"去年同期为{last}，同比{y.direction}{change}。"


def _progress(d: Draft) -> list[tuple[str, str]]:
    f, s = d.facts, d.facts.summary
    items = []
    if s.total.amount_fen:
        text = (f"{d.figure('period', f.period.label(), '', '统计期间', ATTACHMENT)}，"
                f"{d.figure('active_units', str(f.active_units), '个', '应报单位', TIMELINESS)}单位中有"
                f"{d.figure('reported_units', str(f.reported_units), '个', '上报了明细的单位', ATTACHMENT)}"
                f"单位上报了消费扶贫数据，共{d.figure('lines', str(s.total.lines), '条', '计入成交额的明细', ATTACHMENT)}"
                f"明细，实际成交额{_wan(d, 'total', s.total.amount_fen, '计入成交额的明细金额合计', ATTACHMENT)}。")
        text += _year_on_year(d)
        ways = []
        if s.online_fen:
            ways.append(f"线上采购{_wan(d, 'online', s.online_fen, '采购方式为线上的明细金额', DASHBOARD)}"
                        + _share(d, "online_percent", s.online_percent, "线上采购占成交额的比例", DASHBOARD))
        if s.offline_fen:
            ways.append(f"线下采购{_wan(d, 'offline', s.offline_fen, '采购方式为线下的明细金额', DASHBOARD)}"
                        + _share(d, "offline_percent", s.offline_percent, "线下采购占成交额的比例", DASHBOARD))
        if ways:
            text += "其中" + "，".join(ways) + "。"
        top = [r for r in f.ranking if r.amount_fen][:TOP_UNITS]
        if len(top) > 1:
            names = "、".join(f"{r.unit.display_name if r.unit else f.root.display_name}"
                             f"{_wan(d, f'rank.{i}', r.amount_fen, f'成交额第{i}位单位的成交额', DASHBOARD)}"
                             for i, r in enumerate(top, start=1))
            text += f"成交额居前{numeral(len(top))}位的单位依次是：{names}。"
        items.append(("消费扶贫成交情况", text))
        channels = f.named_channels[:TOP_CHANNELS]
        if channels:
            mix = "、".join(f"{c.label}{_wan(d, f'channel.{c.key}', c.amount_fen, f'产品来源归入“{c.label}”的明细金额', DASHBOARD)}"
                            + _share(d, f"channel.{c.key}.percent", c.percent, f"“{c.label}”占成交额的比例", DASHBOARD)
                            for c in channels)
            lead = "采购最多的渠道是" if len(channels) == 1 else f"居前{numeral(len(channels))}位的是"
            items.append(("采购渠道情况", f"从采购渠道看，{lead}{mix}。"))
    if f.on_time:
        if not f.late and not f.missing:
            items.append(("数据上报情况", "各单位均已按时上报消费扶贫统计数据。"))
        else:
            names = d.units("on_time", f.on_time, "按时上报的单位", TIMELINESS)
            items.append(("数据上报情况", f"{names}按时间节点完成数据上报工作。"))
    x = f.screened
    screening = []
    if x.excluded_lines:
        screening.append(f"剔除不属于消费扶贫的明细"
                         f"{d.figure('excluded.lines', str(x.excluded_lines), '条', '经审核剔除、不属于消费扶贫的明细', REVIEW)}"
                         f"、共{_wan(d, 'excluded.amount', x.excluded_fen, '经审核剔除的明细金额（未计入成交额）', REVIEW)}"
                         "，未计入成交额")
    if x.merged_groups:
        screening.append(f"合并同一单位重复填报的明细"
                         f"{d.figure('merged.groups', str(x.merged_groups), '组', '已合并的重复填报明细（每组一处）', REVIEW)}"
                         "，成交额不变")
    if screening:
        items.append(("审核甄别情况", f"市总工会对上报数据逐条审核，{'；'.join(screening)}。"))
    use = _policy_use(d)
    if use:
        items.append(("落实消费扶贫政策情况", use))
    return items


# -- 二、存在的问题和不足 -----------------------------------------------------------------------------------------

def _timeliness_problem(d: Draft) -> str | None:
    f = d.facts
    if not f.late and not f.missing:
        return None
    parts = []
    if f.deadline:
        parts.append(f"本次统计的截止日期为{d.figure('deadline', date_cn(f.deadline), '', '上报截止日期', TIMELINESS)}。")
    if f.on_time:
        parts.append(f"从上报时间节点看，共有{d.figure('on_time.count', str(len(f.on_time)), '家', '按时上报的单位', TIMELINESS)}"
                     "单位做到了按时上报，")
    else:
        parts.append("从上报时间节点看，各单位均未能按时上报，")
    tail = []
    if f.late:
        tail.append(f"{d.units('late', f.late_units, '逾期上报的单位', TIMELINESS)}逾期上报")
    if f.missing:
        tail.append(f"{d.units('missing', f.missing, '至今没有上报的单位', TIMELINESS)}至今没有上报")
    return "".join(parts) + "；".join(tail) + "。"


def _issue_count(d: Draft, rule: str, measure: str, what: str) -> str:
    issue = d.facts.issues[rule]
    return d.figure(f"{rule}.count", str(issue.count), measure, what, REVIEW)


def _classification_problem(d: Draft) -> str | None:
    issues, parts = d.facts.issues, []
    if "duplicate_channel" in issues:
        units = d.units("duplicate_channel.units", issues["duplicate_channel"].units, "有重复填报的单位", REVIEW)
        groups = _issue_count(d, "duplicate_channel", "组", "属同一渠道、同一产品的重复填报（每组一处）")
        parts.append(f"有的单位没有把相同（相近）的类项汇总归类，{groups}明细属同一渠道重复填报，涉及{units}")
    if "channel_unclear" in issues:
        amount = _wan(d, "channel_unclear.amount", issues["channel_unclear"].amount_fen,
                      "产品来源还不能归入标准渠道的明细金额", REVIEW)
        parts.append(f"{_issue_count(d, 'channel_unclear', '条', '产品来源还不能归入标准渠道的明细')}明细共{amount}"
                     "的产品来源写法不规范，还不能归入标准渠道，正在核实")
    if "source_missing" in issues:
        parts.append(f"{_issue_count(d, 'source_missing', '条', '未填写产品来源的明细')}明细未填写产品来源")
    if "method_mismatch" in issues:
        parts.append(f"{_issue_count(d, 'method_mismatch', '条', '采购方式与产品来源不一致的明细')}明细的采购方式"
                     "与产品来源不一致")
    if "method_unclear" in issues:
        parts.append(f"{_issue_count(d, 'method_unclear', '条', '没有写明线上还是线下采购的明细')}明细没有写明是"
                     "线上还是线下采购")
    if "not_consumption" in issues:
        parts.append(f"还有的单位把明显不属于消费的项目也报上来，"
                     f"{_issue_count(d, 'not_consumption', '条', '疑似不属于消费、正在甄别的明细')}明细正在甄别")
    return "；".join(parts) + "。这些问题增加了统计和甄别的工作量。" if parts else None


def _accuracy_problem(d: Draft) -> str | None:
    issues, parts = d.facts.issues, []
    if "amount_yuan_as_wan" in issues:
        parts.append(f"{_issue_count(d, 'amount_yuan_as_wan', '条', '金额异常大、疑似把元填入万元栏的明细')}明细金额"
                     "异常大，疑似把“元”填入了“万元”栏")
    if "amount_outlier" in issues:
        parts.append(f"{_issue_count(d, 'amount_outlier', '条', '金额与本单位以往明细相差悬殊的明细')}明细金额与本单位"
                     "以往明细相差悬殊")
    if "subtotal_mismatch" in issues:
        parts.append(f"{_issue_count(d, 'subtotal_mismatch', '份', '合计数与明细之和不符的报表')}报表的合计数与明细"
                     "之和不符")
    return "；".join(parts) + "，正在与有关单位核实。" if parts else None


def _coverage_problem(d: Draft) -> str | None:
    """Kinds lacking, those lacking in the same units told together."""
    by_units: dict[tuple, list[str]] = {}
    for kind, units in d.facts.kinds_missing.items():
        if units:
            by_units.setdefault(tuple(u.pk for u in units), []).append(kind)
    parts = []
    for ids, kinds in by_units.items():
        key = "kinds_missing." + "、".join(kinds)
        count = d.figure(key, str(len(ids)), "个", f"没有{'、'.join(kinds)}明细的上报单位", REVIEW)
        parts.append(f"{count}上报单位没有把{'、'.join(kinds)}纳入统计")
    return ("多数单位能够克服困难，基本把所属单位统计全面，但" + "；".join(parts) + "。") if parts else None


def _problems(d: Draft) -> list[tuple[str, str]]:
    policy = _policy_problem(d)
    items = [("部分单位上报不够及时", _timeliness_problem(d)), policy or ("", None),
             ("统计分类不规范", _classification_problem(d)), ("部分数据有待核实", _accuracy_problem(d)),
             ("统计数据不全面", _coverage_problem(d))]
    return [(heading, text) for heading, text in items if text]


# -- 三、下一步工作重点 -------------------------------------------------------------------------------------------

def _next_steps(d: Draft) -> str:
    f, issues = d.facts, d.facts.issues
    steps = []
    if f.late or f.missing:
        steps.append("工作相对滞后的单位，要对标先进，进一步加大消费扶贫动员力度，按时间节点上报数据")
    steps.append(_policy_rule_step(f.policy))
    steps.append("每月最后一个工作日前将本月消费扶贫工作统计及工作信息一并上报市总扶贫办公室")
    if f.missing:
        steps.append("至今没有上报的单位要尽快补报，上报的数据要真实准确，不得弄虚作假")
    else:
        steps.append("上报的数据要真实准确，不得弄虚作假")
    steps.append(_policy_data_step(f.policy))
    if {"duplicate_channel", "channel_unclear", "source_missing", "method_mismatch", "method_unclear"} & set(issues):
        steps.append("要把相同（相近）的类项汇总归类，按标准渠道写明产品来源和采购方式")
    if f.screened.excluded_lines or "not_consumption" in issues:
        steps.append("不把不属于消费的项目报上来")
    if any(f.kinds_missing.values()):
        steps.append("把职工个人消费、职工疗休养、劳模助力等纳入统计范围")
    listed = "。".join(f"{numeral(i)}是{s}" for i, s in enumerate(filter(None, steps), start=1))
    return f"下一步，各单位要针对存在的问题重点抓好以下几项工作。{listed}。"


def circular_draft(facts: CircularFacts, *, attachment_title: str) -> Draft:
    """Title to 附件说明, and the 核对单. The 发文机关署名, 成文日期 and 版记 come from the circular's own fields."""
    d = Draft(facts)
    label = d.figure("period", facts.period.label(), "", "统计期间", ATTACHMENT)
    scope = SCOPE_WORDS.get(facts.root.kind, "全系统")
    d.add(K.TITLE, f"{facts.system}{label}份消费扶贫工作统计情况通报")
    d.add(K.RECIPIENTS, recipients(facts))
    total = facts.summary.total.amount_fen
    if total:
        said = (f"经汇总，{scope}各级工会在消费扶贫中实际成交额共"
                f"{_wan(d, 'total', total, '计入成交额的明细金额合计', ATTACHMENT)}。")
    else:
        said = "截至目前，各单位尚未上报消费扶贫采购明细。"
    d.add(K.BODY, f"近期，根据推进消费扶贫工作部署安排，{facts.root.name}对{label}份消费扶贫工作统计情况进行了"
                  f"汇总。{said}现将有关情况通报如下。")
    sections = [("工作进展情况及成效", _progress(d)), ("存在的问题和不足", _problems(d))]
    for n, (heading, items) in enumerate(sections, start=1):
        d.add(K.HEADING1, f"{numeral(n)}、{heading}")
        if not items:
            d.add(K.BODY, "本次统计审核中未发现需要通报的问题。" if n == 2 else "各单位正在开展统计工作。")
        for i, (title, text) in enumerate(items, start=1):
            d.add(K.HEADING2, f"（{numeral(i)}）{title}")
            d.add(K.BODY, text)
    d.add(K.HEADING1, f"{numeral(len(sections) + 1)}、下一步工作重点")
    d.add(K.BODY, _next_steps(d))
    title = attachment_title.replace(facts.period.label(), label)
    d.add(K.ATTACHMENT, f"附件：{title}")
    return d
