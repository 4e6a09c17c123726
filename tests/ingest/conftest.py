import io
import json
import os

import pytest
from django.core.management import call_command
from django.db import transaction

from tests.ingest import office_files

SEED_PERIOD = "2020-01:2020-10"
_expected: dict = {}


@pytest.fixture(scope="session")
def office_folder(tmp_path_factory):
    """The seed's attachment in the four formats offices send (the .xls is made once, by LibreOffice)."""
    folder = tmp_path_factory.mktemp("office")
    xlsx = office_files.seed_xlsx(folder / "附件.xlsx")
    office_files.seed_xls(xlsx, folder)
    office_files.seed_csv(folder / "附件.csv")
    office_files.seed_docx(folder / "附件.docx")
    return folder


def attachment_json(period: str = SEED_PERIOD) -> dict:
    out = io.StringIO()
    call_command("report", "attachment", "--period", period, "--format", "json", stdout=out)
    return json.loads(out.getvalue())


@pytest.fixture
def seed_attachment(db):
    """`fupin report attachment --format json` of the demo's ledger, made in a savepoint that is then rolled
    back; the test starts from a registry with units and channels but no reports."""
    if "json" not in _expected:
        with transaction.atomic():
            call_command("demo", verbosity=0, stdout=open(os.devnull, "w"))
            _expected["json"] = attachment_json()
            transaction.set_rollback(True)
    call_command("init", verbosity=0, stdout=open(os.devnull, "w"))
    return _expected["json"]


def run_import(*args) -> tuple[list[dict], str | None]:
    """`fupin import … --json` in process: the per-file JSON objects, and the command's error if it failed."""
    from fupin.core.errors import UserError

    out = io.StringIO()
    error = None
    try:
        call_command("import", *map(str, args), "--json", stdout=out, stderr=io.StringIO())
    except UserError as exc:
        error = exc.message
    return [json.loads(line) for line in out.getvalue().splitlines() if line.strip()], error
