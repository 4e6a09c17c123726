"""How much an import may ask of the machine. Uploads are hostile until proven otherwise."""

from dataclasses import dataclass

from django.conf import settings

MB = 1024 * 1024


@dataclass(frozen=True)
class ReadLimits:
    max_bytes: int = 64 * MB  # the file as sent
    max_rows: int = 200_000  # rows of the table, title and blank rows included
    max_columns: int = 52  # A..AZ; a table of purchases has about ten
    max_unzipped: int = 512 * MB  # xlsx and docx are zip files: what they expand to
    max_zip_entries: int = 2_000
    max_cell_chars: int = 2_000  # a longer cell is cut here (a reporter's note, not a novel)

    @classmethod
    def for_cli(cls) -> "ReadLimits":
        return cls(max_bytes=getattr(settings, "FUPIN_IMPORT_MAX_BYTES", 64 * MB),
                   max_rows=getattr(settings, "FUPIN_IMPORT_MAX_ROWS", 200_000))

    @classmethod
    def for_upload(cls) -> "ReadLimits":
        """The web takes smaller files: one request must not hold the server for long."""
        return cls(max_bytes=getattr(settings, "FUPIN_UPLOAD_MAX_BYTES", 10 * MB),
                   max_rows=getattr(settings, "FUPIN_UPLOAD_MAX_ROWS", 20_000), max_unzipped=128 * MB)
