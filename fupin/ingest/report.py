"""What one file's import found and did: the JSON of `fupin import --json` and the web preview."""

from dataclasses import dataclass, field

from fupin.core.money import wan_display, wan_exact
from fupin.ingest.messages import Issue

MAX_LISTED = 1000  # issues listed per kind; the counts stay exact


@dataclass
class UnitSummary:
    unit: str
    first_row: int
    lines: int = 0
    amount_fen: int = 0

    def as_json(self) -> dict:
        return {"unit": self.unit, "row": self.first_row, "lines": self.lines,
                "amount": wan_display(self.amount_fen), "amount_exact": wan_exact(self.amount_fen)}


@dataclass
class ImportReport:
    file: str
    rows: int = 0  # data rows below the header: lines and unit rows, not blank, 小计 or 合计 rows
    lines: int = 0  # rows that make a purchase line
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    error_count: int = 0
    warning_count: int = 0
    units: dict = field(default_factory=dict)  # unit name → UnitSummary
    stored: bool = False
    dry_run: bool = False
    kind: str = ""
    header_row: int | None = None  # the header's first row
    header_rows: list = field(default_factory=list)  # every row taken as the header (a header over 2–3 rows)
    header_cells: list = field(default_factory=list)  # those rows' cells as read, shown in the preview
    preview: list = field(default_factory=list)  # the web shows these rows with their issues
    columns: list = field(default_factory=list)  # names of the preview's cells

    def error(self, issue: Issue) -> None:
        issue.severity = "错误"
        self.error_count += 1
        if len(self.errors) < MAX_LISTED:
            self.errors.append(issue)

    def warn(self, issue: Issue) -> None:
        """A 警告, or a 提示 when the issue says so: both let the file in."""
        issue.severity = issue.severity or "警告"
        self.warning_count += 1
        if len(self.warnings) < MAX_LISTED:
            self.warnings.append(issue)

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    @property
    def imported(self) -> int:
        """Lines stored (or, in a dry run, that would be): none when the file has an error."""
        return self.lines if self.ok and (self.stored or self.dry_run) else 0

    @property
    def amount_fen(self) -> int:
        return sum(u.amount_fen for u in self.units.values())

    def as_json(self) -> dict:
        return {
            "file": self.file, "rows": self.rows, "imported": self.imported,
            "errors": [i.as_json() for i in self.errors], "warnings": [i.as_json() for i in self.warnings],
            "error_count": self.error_count, "warning_count": self.warning_count,
            "stored": self.stored, "dry_run": self.dry_run, "format": self.kind, "header_row": self.header_row,
            "header_rows": self.header_rows, "header_cells": self.header_cells,
            "amount": wan_display(self.amount_fen), "units": [u.as_json() for u in self.units.values()],
        }
