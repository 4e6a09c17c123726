"""Errors whose message is written for the person in front of the screen (in Chinese)."""


class UserError(Exception):
    """Bad input or a refused action. The message is shown as is; never a traceback."""

    def __init__(self, message: str, *, details: list | None = None):
        super().__init__(message)
        self.message = message
        self.details = details or []

    def __str__(self) -> str:
        return self.message
