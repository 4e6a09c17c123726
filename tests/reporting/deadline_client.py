"""One unit's reporter on deadline day, as a separate process: log in, wait for the start signal, fill in the
month, submit. Prints a JSON line with what happened. Standard library only (it runs outside Django)."""

import http.cookiejar
import json
import re
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def main(base: str, username: str, password: str, unit_id: str, period: str, go: str, *amounts: str) -> None:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
    statuses, errors = [], []

    def request(path: str, data: dict | None = None) -> tuple[int, str]:
        body = None
        if data is not None:
            token = next(c.value for c in jar if c.name == "csrftoken")
            body = urllib.parse.urlencode(data | {"csrfmiddlewaretoken": token}).encode()
        try:
            with opener.open(base + path, body, timeout=120) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode(errors="replace")

    request("/login/")
    status, _ = request("/login/", {"username": username, "password": password})
    statuses.append(status)
    while not Path(go).exists():  # every process starts at the same moment
        time.sleep(0.01)
    here = f"/reporting/{unit_id}/{period}/"
    statuses.append(request(here + "start/", {})[0])
    for number, amount in enumerate(amounts, start=1):
        statuses.append(request(here + "lines/", {"source_text": f"扶贫832平台{number}", "method": "线上",
                                                  "amount_wan": amount, "product": "小米"})[0])
    statuses.append(request(here + "submit/", {})[0])
    status, page = request(here)
    statuses.append(status)
    state = re.search(r'data-testid="status"><span class="status (\w+)">', page)
    for message in re.findall(r'<li class="error">([^<]+)</li>', page):
        errors.append(message)
    print(json.dumps({"user": username, "statuses": statuses, "state": state.group(1) if state else None,
                      "errors": errors}, ensure_ascii=False))


if __name__ == "__main__":
    main(*sys.argv[1:])
