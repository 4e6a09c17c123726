from fupin.reporting.management.commands._audit_kept import AuditKeptCommand


class Command(AuditKeptCommand):
    name = "clean_duplicate_history"
