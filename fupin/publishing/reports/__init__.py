"""`fupin report <name>`: one module per report, each with add_arguments(parser) and run(options) -> Output.

To add a report, write its module and name it in REPORTS.
"""

REPORTS = {
    "attachment": "fupin.publishing.reports.attachment",
    "circular": "fupin.publishing.reports.circular",
    "compliance": "fupin.policy.report",
    "timeliness": "fupin.publishing.reports.timeliness",
}
