"""Reporting periods: a month range written YYYY-MM or YYYY-MM:YYYY-MM."""

import re
from dataclasses import dataclass
from datetime import date

from fupin.core.errors import UserError

_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


def parse_month(text: str) -> date:
    match = _MONTH.match(text.strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise UserError(f"月份格式不正确：“{text}”，应为 YYYY-MM，例如 2020-10")
    return date(int(match.group(1)), int(match.group(2)), 1)


@dataclass(frozen=True)
class Period:
    first: date  # first day of the first month
    last: date  # first day of the last month

    @classmethod
    def parse(cls, text: str) -> "Period":
        parts = (text or "").split(":")
        if len(parts) > 2 or not parts[0]:
            raise UserError(f"期间格式不正确：“{text}”，应为 YYYY-MM 或 YYYY-MM:YYYY-MM，例如 2020-01:2020-10")
        first = parse_month(parts[0])
        last = parse_month(parts[1]) if len(parts) == 2 else first
        if last < first:
            raise UserError(f"期间起止颠倒：“{text}”，结束月份早于开始月份")
        return cls(first, last)

    @classmethod
    def month(cls, year: int, month: int) -> "Period":
        return cls(date(year, month, 1), date(year, month, 1))

    def __str__(self) -> str:
        a, b = self.first.strftime("%Y-%m"), self.last.strftime("%Y-%m")
        return a if a == b else f"{a}:{b}"

    def as_json(self) -> dict:
        return {"from": self.first.strftime("%Y-%m"), "to": self.last.strftime("%Y-%m")}

    def contains(self, other: "Period") -> bool:
        return self.first <= other.first and other.last <= self.last

    def months(self) -> list[date]:
        out, y, m = [], self.first.year, self.first.month
        while date(y, m, 1) <= self.last:
            out.append(date(y, m, 1))
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        return out

    def label(self) -> str:
        """Chinese label as circulars write it: 10月, 1—10月, 2020年11月—2021年2月."""
        if self.first.year != self.last.year:
            return f"{self.first.year}年{self.first.month}月—{self.last.year}年{self.last.month}月"
        if self.first == self.last:
            return f"{self.first.month}月"
        return f"{self.first.month}—{self.last.month}月"


def date_cn(value: date) -> str:
    return f"{value.year}年{value.month}月{value.day}日"
