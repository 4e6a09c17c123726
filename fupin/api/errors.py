"""Errors an endpoint raises itself, beyond those of the services (api.py turns each into its JSON answer)."""


class QueryInvalid(Exception):
    """A query string the page's own form refuses: 422 invalid_input with the form's Chinese messages."""

    def __init__(self, details: list[str]):
        super().__init__("；".join(details))
        self.details = details
