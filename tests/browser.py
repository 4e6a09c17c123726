"""Headless chromium for the screen tests: Debian's chromium driven by Playwright, and where screenshots are kept."""

import os
from pathlib import Path

ARTIFACTS = Path(os.environ.get("FUPIN_ARTIFACTS", "test-artifacts"))
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


def log_in(page, url: str, username: str, password: str) -> None:
    """Open a page behind the login and sign in on the way."""
    page.goto(url)
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")


def csp_violations(page) -> list[str]:
    """The console messages in which chromium refuses something under the Content Security Policy, as they come."""
    found: list[str] = []
    page.on("console", lambda message: found.append(message.text) if "Content Security Policy" in message.text
            else None)
    return found
