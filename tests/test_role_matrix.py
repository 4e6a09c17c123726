"""Every URL of the project, for every persona: who gets what, and no figure of another unit leaks.

The URLs come from walking the resolver, so a page added later is covered without touching this file: with no
explicit expectation it is still checked — anonymous people are sent to log in (or get 404/405), nobody gets a
500, a unit's people never see another unit's figures in the page or the download, and they cannot act on another
unit's data. Each URL is asked bare and with `?period=…&unit=…` (the filters pages and exports search by).
"""

import io
import re
import zipfile
from dataclasses import dataclass
from datetime import date

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RoutePattern

from fupin.core.periods import Period
from fupin.ingest.services import import_job_create
from fupin.ingest.template_xlsx import template_xlsx
from fupin.publishing.services import circular_draft
from fupin.publishing.views import CHARTS
from fupin.reporting.models import PurchaseLine, Submission, SubmissionFile
from fupin.units.models import Unit
from tests.factories import PASSWORD
from tests.ingest.upload_files import fill_template

SEED = "2020-01:2020-10"
# Figures only the unit's own people (and the city's) may see: a subtotal, lines; and the city's total, which
# neither unit's people may see.
CITY_TOTAL = "3341.57"
FIGURES = {"舞钢市": ("73.73", "32.18", CITY_TOTAL), "叶县": ("171.08", "52.73", "36.99", CITY_TOTAL)}


@dataclass
class Route:
    name: str | None
    pattern: str
    keys: tuple[str, ...]
    positional: int = 0  # unnamed regex groups (django-simple-history's admin pages use them)


def _keys(pattern) -> list[str]:
    if isinstance(pattern, RoutePattern):
        return list(pattern.converters)
    return list(pattern.regex.groupindex)


def walk(patterns, prefix: str = "", namespace: str | None = None, keys: tuple = ()):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = ":".join(filter(None, [namespace, entry.namespace])) or None
            yield from walk(entry.url_patterns, prefix + str(entry.pattern), ns, keys + tuple(_keys(entry.pattern)))
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            regex = entry.pattern.regex
            positional = 0 if isinstance(entry.pattern, RoutePattern) else regex.groups - len(regex.groupindex)
            yield Route(name, prefix + str(entry.pattern), keys + tuple(_keys(entry.pattern)), positional)


def all_routes() -> list[Route]:
    return list(walk(get_resolver().url_patterns))


def _fill(pattern: str, kwargs: dict) -> str:
    """A URL from a pattern with no name: substitute <conv:key> and (?P<key>...) groups."""
    text = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(kwargs[m.group(1)]), pattern)
    text = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: str(kwargs[m.group(1)]), text)
    return "/" + text.replace("^", "").replace("$", "").replace("\\", "")


def urls_for(route: Route, samples: dict) -> list[str]:
    """One URL per sample value of each key (a key with several samples, like fmt, gives several URLs)."""
    variants = [{}]
    for key in route.keys:
        values = samples.get(key, "1")
        values = values if isinstance(values, list) else [values]
        variants = [v | {key: value} for v in variants for value in values]
    if route.positional:
        args = [samples.get("object_id", "1")] + ["1"] * (route.positional - 1)
        return [reverse(route.name, args=args)]
    out = []
    for kwargs in variants:
        out.append(reverse(route.name, kwargs=kwargs or None) if route.name else _fill(route.pattern, kwargs))
    return out


def body_text(response) -> str:
    """The text a person could read from a response: HTML, JSON, a streamed file, or the XML inside xlsx/docx."""
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    if raw[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            raw = b"".join(archive.read(n) for n in archive.namelist() if n.endswith((".xml", ".rels")))
    return raw.decode("utf-8", errors="replace")


# Who gets what, by URL name and the persona's relation to the unit in the URL (GET).
ALL_200 = {"admin": 200, "viewer": 200, "own_reporter": 200, "own_approver": 200, "foreign": 200}
UNIT_READ = {"admin": 200, "viewer": 200, "own_reporter": 200, "own_approver": 200, "foreign": 404}
UNIT_EDIT_FORM = {"admin": 200, "viewer": 403, "own_reporter": 200, "own_approver": 403, "foreign": 404}
OFFICE_ONLY = {"admin": 200, "viewer": 403, "own_reporter": 403, "own_approver": 403, "foreign": 403}
POST_ONLY = {"admin": 405, "viewer": 405, "own_reporter": 405, "own_approver": 405, "foreign": 405}
GET_EXPECTED = {
    "home": ALL_200, "login": ALL_200, "healthz": ALL_200,
    "logout": POST_ONLY,
    "publishing:attachment": ALL_200, "publishing:attachment_download": ALL_200,
    "reporting:index": ALL_200, "reporting:timeliness": ALL_200, "reporting:rounds": ALL_200,
    "reporting:calendar": ALL_200,
    "reporting:reminders": OFFICE_ONLY, "reporting:calendar_year": OFFICE_ONLY,
    "reporting:submission": UNIT_READ, "reporting:version": UNIT_READ, "reporting:file_download": UNIT_READ,
    "reporting:line_edit": UNIT_EDIT_FORM,
    **{f"reporting:{n}": POST_ONLY for n in ("start", "summary", "line_add", "file_upload", "sign_off", "submit",
                                             "return", "approve", "unlock", "line_remove")},
}
# POST with an empty form: the step is refused or explained on the page (302 back), or the person is turned away.
EDIT = {"admin": 302, "viewer": 403, "own_reporter": 302, "own_approver": 403, "foreign": 404}
SIGN = {"admin": 302, "viewer": 403, "own_reporter": 403, "own_approver": 302, "foreign": 404}
REVIEW = {"admin": 302, "viewer": 403, "own_reporter": 403, "own_approver": 403, "foreign": 404}
# An empty line is refused where it was typed: the form comes back (422) with the messages beside the fields.
LINE_FORM = EDIT | {"admin": 422, "own_reporter": 422}
POST_EXPECTED = {
    **{f"reporting:{n}": EDIT for n in ("start", "summary", "file_upload", "submit", "line_remove")},
    "reporting:line_add": LINE_FORM,
    "reporting:sign_off": SIGN,
    **{f"reporting:{n}": REVIEW for n in ("return", "approve", "unlock")},
    "reporting:line_edit": UNIT_EDIT_FORM,
    "reporting:rounds": OFFICE_ONLY, "reporting:reminders": OFFICE_ONLY, "reporting:calendar_year": OFFICE_ONLY,
}
PUBLIC = {"login", "admin:login", "healthz",  # /healthz: the monitor asks without logging in
          "api-v1:openapi-json", "api-v1:openapi-view"}  # the API's description: other systems read it first
API = "api-v1:"  # the API knows tokens, not sessions: anyone without one (a browser too) gets 401, not a login page


@pytest.fixture
def world(personas, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    p = personas
    p.admin.is_staff = True
    p.admin.save()
    circular = circular_draft(period=Period.parse(SEED), by=p.admin, number="平工办〔2020〕33号", on=date(2020, 10, 20))
    samples = {}
    for unit, owner in ((p.unit, p.reporter), (p.other_unit, p.outsider)):
        submission = Submission.objects.get(unit=unit, first_month__month=1, last_month__month=10)
        figure = FIGURES[unit.short_name][0]
        stored = SubmissionFile(submission=submission, name="工作总结.txt", size=40)
        stored.file.save("工作总结.txt", ContentFile(f"{unit}工作总结：合计{figure}万元".encode()))
        november = Period.parse("2020-11")
        upload = fill_template(template_xlsx(unit=unit, period=november), [["小米", "832平台", "线上", "2020-11-05", "",
                                                                           float(figure)]])
        job = import_job_create(user=owner, file_name="上报.xlsx", content=upload, period=november, unit=unit)
        samples[unit.short_name] = {
            "unit_id": unit.pk, "period": SEED, "line_id": PurchaseLine.objects.filter(submission=submission)
            .order_by("position").first().pk, "file_id": stored.pk, "submission_id": submission.pk,
            "job_id": job.pk, "number": 1, "year": 2027, "pk": circular.pk,
            "version": circular.history.first().history_id, "name": list(CHARTS),
            "fmt": ["json", "html", "xlsx", "docx"], "app_label": "units", "object_id": str(unit.pk),
            "content_type_id": ContentType.objects.get_for_model(Unit).pk, "url": "no-such-page/",
        }
    return p, samples


def clients(p) -> dict[str, tuple[Client, object]]:
    out = {"anonymous": (Client(raise_request_exception=False), None)}
    for name in ("admin", "reporter", "approver", "viewer", "outsider"):
        client = Client(raise_request_exception=False)
        user = getattr(p, name)
        assert client.login(username=user.username, password=PASSWORD)
        out[name] = (client, user)
    return out


def relation(persona: str, target: str) -> str:
    """How a persona stands to the target unit (叶县's reporter and approver; 舞钢市's reporter is the outsider)."""
    if persona in ("admin", "viewer"):
        return persona
    own = {"reporter": "叶县", "approver": "叶县", "outsider": "舞钢市"}[persona]
    if own != target:
        return "foreign"
    return "own_reporter" if persona in ("reporter", "outsider") else "own_approver"


def is_login_redirect(response) -> bool:
    """To a login page; or, for the admin site's own logout, back to the admin site (which asks to log in)."""
    location = response.get("Location", "")
    return response.status_code == 302 and (re.search(r"/(admin/)?login/", location) is not None
                                            or location == reverse("admin:index"))


UNIT_KEYS = {"unit_id", "line_id", "file_id", "object_id", "submission_id", "job_id"}
OWN = {"reporter": "叶县", "approver": "叶县", "outsider": "舞钢市"}


def unit_scoped(route: Route) -> bool:
    return bool(set(route.keys) & UNIT_KEYS or route.positional)


def check(response, route: Route, url: str, persona: str, target: str, method: str, problems: list,
          expect: bool = True) -> str:
    """Record what is wrong with one response; return the text a person could read from it.
    `expect=False` (a URL with filters in its query) checks everything but the status tables."""
    status = response.status_code
    where = f"{method} {url} ({route.name or route.pattern}) as {persona}"
    text = body_text(response)
    if status >= 500:
        problems.append(f"{where}: {status}")
        return text
    if route.name and route.name.startswith(API) and route.name not in PUBLIC:
        if status not in (401, 404, 405):  # 404: ninja's bare /api/v1/ root
            problems.append(f"{where}: {status}, the API answers 401 without a token")
        return text
    if persona == "anonymous":
        if route.name not in PUBLIC and not (is_login_redirect(response) or status in (404, 405)):
            problems.append(f"{where}: {status}, expected a redirect to log in")
        return text
    rel = relation(persona, target)
    if persona in OWN:
        other = "舞钢市" if OWN[persona] == "叶县" else "叶县"
        leaked = [figure for figure in FIGURES[other] if figure in text]
        if leaked:
            problems.append(f"{where}: shows {other}'s figures {leaked}")
    table = (GET_EXPECTED if method == "GET" else POST_EXPECTED).get(route.name)
    if route.name and route.name.startswith("admin:") and route.name != "admin:login" and persona != "admin":
        if not (is_login_redirect(response) or status in (404, 405)):
            problems.append(f"{where}: {status}, the admin site is for the office")
    elif expect and table is not None and table.get(rel) != status:
        problems.append(f"{where}: {status}, expected {table.get(rel)}")
    elif expect and table is None and method == "POST" and rel == "foreign" and unit_scoped(route):
        if status not in (403, 404, 405):
            problems.append(f"{where}: {status}, another unit's data must be out of reach")
    return text


def test_every_url_for_every_persona(world):
    p, samples = world
    people = clients(p)
    routes = all_routes()
    assert {"reporting:submission", "reporting:timeliness", "publishing:attachment_download", "ingest:job",
            "quality:submission"} <= {r.name for r in routes}
    problems, walked = [], set()
    seen = {persona: set() for persona in people}
    every_figure = {figure for figures in FIGURES.values() for figure in figures}
    for target in ("舞钢市", "叶县"):
        search = f"?period={SEED}&unit={samples[target]['unit_id']}"
        for route in routes:
            bare = target == "舞钢市" or unit_scoped(route)  # pages without a unit in the URL: walked once bare
            queries = ([""] if bare else []) + ([] if route.pattern.startswith("admin/") else [search])
            for url in urls_for(route, samples[target]):
                walked.add(route.pattern)
                for query, (persona, (client, _)) in ((q, c) for q in queries for c in people.items()):
                    text = check(client.get(url + query), route, url + query, persona, target, "GET", problems,
                                 expect=not query)
                    seen[persona] |= {figure for figure in every_figure if figure in text}
    assert not problems, "\n".join(problems)
    assert walked == {r.pattern for r in routes}
    # The figures are real: the office reads them all, each unit its own (else "no leak" would prove nothing).
    assert seen["admin"] == seen["viewer"] == every_figure
    assert seen["reporter"] == seen["approver"] == set(FIGURES["叶县"]) - {CITY_TOTAL}
    assert seen["outsider"] == set(FIGURES["舞钢市"]) - {CITY_TOTAL}


def test_every_post_for_every_persona(world):
    """An empty form posted to every URL outside the admin site: the workflow steps have their table; anything
    else must not act on another unit's data (403/404/405)."""
    p, samples = world
    people = clients(p)
    problems = []
    routes = [r for r in all_routes() if not r.pattern.startswith("admin/") and r.name != "logout"]
    for target in ("舞钢市", "叶县"):
        for route in routes:
            if target == "叶县" and not unit_scoped(route):
                continue
            for url in urls_for(route, samples[target]):
                for persona, (client, _) in people.items():
                    check(client.post(url, {}), route, url, persona, target, "POST", problems)
    assert not problems, "\n".join(problems)
    # Nothing the empty posts asked for changed a locked report.
    assert set(Submission.objects.filter(first_month__month=1).values_list("status", flat=True)) == {"approved"}


def test_a_reporter_never_sees_another_units_subtotal_anywhere(world):
    p, _ = world
    client = Client()
    assert client.login(username=p.reporter.username, password=PASSWORD)
    for url in (reverse("home"), reverse("publishing:attachment") + f"?period={SEED}",
                reverse("reporting:timeliness") + f"?period={SEED}", reverse("reporting:index"),
                reverse("publishing:attachment_download", args=["json"]) + f"?period={SEED}",
                reverse("publishing:attachment_download", args=["xlsx"]) + f"?period={SEED}"):
        text = body_text(client.get(url))
        assert "73.73" not in text and "舞钢市" not in text, url
