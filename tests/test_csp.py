"""The Content-Security-Policy: every page answers with the strict policy, and no page carries inline code the
policy would refuse (an inline <script>, a <style> element, a style="…" attribute, an on…="…" handler or a
javascript: link), so the policy breaks nothing and an injected one runs nowhere."""

from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest
from django.urls import Resolver404, resolve, reverse

from tests.form_fixtures import SCRIPT
from tests.workbench import test_url_walk as walk
from yiwang.accounts.models import User
from yiwang.org.models import ServiceCenter

pytestmark = pytest.mark.django_db

world = walk.world

STRICT = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'none'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}


def _policy(response) -> dict[str, str]:
    header = response.headers.get("Content-Security-Policy", "")
    directives = (part.strip().partition(" ") for part in header.split(";") if part.strip())
    return {name: value for name, _space, value in directives}


class InlineCode(HTMLParser):
    """Collects what a strict policy refuses to run or apply, and the page's same-site links."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []
        self.links: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name, value in attrs:
            if name == "style" or name.startswith("on"):
                self.found.append(f"<{tag} {name}={value!r}>")
            if name in ("href", "src", "action") and (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"<{tag} {name}={value!r}>")
        if tag == "style":
            self.found.append("<style> element")
        # A data block (type="application/json") is never executed, so the policy does not concern it.
        self._in_script = tag == "script" and "src" not in attributes and attributes.get("type") != "application/json"
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.found.append(f"inline <script>: {data.strip()[:60]!r}")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False


def _inline_code(html: str) -> InlineCode:
    parser = InlineCode()
    parser.feed(html)
    return parser


def _check(response, url: str) -> list[str]:
    """What is wrong with one answer: a missing or weakened policy, or inline code in its HTML."""
    wrong = []
    if _policy(response) != STRICT:
        wrong.append(f"{url}: {response.status_code} with policy {response.headers.get('Content-Security-Policy')!r}")
    if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
        wrong += [f"{url}: {found}" for found in _inline_code(response.content.decode()).found]
    return wrong


def test_the_policy_is_strict(client):
    response = client.get("/")
    assert _policy(response) == STRICT
    header = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in header and "unsafe-eval" not in header and "nonce-" not in header
    # Django's SecurityMiddleware defaults, which the policy does not replace.
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_the_checker_finds_inline_code():
    """The parser the walks rely on sees each kind of inline code, and leaves static files and data blocks alone."""
    html = (
        '<p style="color:red">x</p><button onclick="go()">x</button><a href="javascript:go()">x</a>'
        "<style>p{}</style><script>go()</script>"
        '<script src="/static/a.js"></script><script type="application/json" id="s">{"a": 1}</script>'
    )
    assert len(_inline_code(html).found) == 5


@pytest.mark.parametrize("persona", walk.PERSONAS)
def test_every_staff_page_has_the_policy_and_no_inline_code(persona, world, client):
    client.force_login(User.objects.get(username=walk.PERSONAS[persona]))
    wrong = []
    for name, page in walk.PAGES.items():
        url = reverse(name, kwargs=page.kwargs(world) if page.kwargs else None)
        wrong += _check(client.get(url), url)
    assert not wrong, "\n".join(wrong)


# Where the public and applicant crawl starts besides the home page: pages no menu links to for every persona.
SEEDS = [
    "/progress/",
    "/accounts/register/",
    "/accounts/password/reset/",
    "/accounts/login/",
    "/licences/",
    "/licences/verify/NO-SUCH-LICENCE/",
    "/licences/issuers/",
    "/credit/mine/",
    "/registry/access-log/",
    "/appointments/",
    "/search/?q=开饭店",
    "/xiaoneng/",
]
SKIP = ("/admin/", "/api/", "/o/", "/i18n/", "/accounts/logout/", "/static/")
PER_VIEW = 2  # each route twice at most (two items, two departments): its template is what is checked


def _crawl(client, seeds: list[str]) -> tuple[int, list[str]]:
    queue, seen, per_view, wrong = list(seeds), set(), {}, []
    while queue:
        url = urldefrag(queue.pop(0)).url
        if url in seen or urlsplit(url).netloc or not url.startswith("/") or url.startswith(SKIP):
            continue
        seen.add(url)
        try:
            view = resolve(urlsplit(url).path).view_name
        except Resolver404:
            continue
        if per_view.get(view, 0) >= PER_VIEW or url.endswith(".pdf") or "/pdf/" in url:
            continue
        per_view[view] = per_view.get(view, 0) + 1
        response = client.get(url)
        wrong += _check(response, url)
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            queue += _inline_code(response.content.decode()).links
    return len(per_view), wrong


@pytest.mark.parametrize("persona", [None, "citizen", "enterprise_agent"])
def test_every_public_and_applicant_page_has_the_policy_and_no_inline_code(persona, world, client):
    if persona:
        client.force_login(User.objects.get(username=walk.PERSONAS[persona]))
    kiosk = reverse("desk:kiosk", args=[ServiceCenter.objects.get(region__code="440105").pk])
    views, wrong = _crawl(client, ["/", kiosk, *SEEDS])
    assert not wrong, "\n".join(wrong)
    assert views >= 20, f"the crawl reached only {views} kinds of page"


def test_admin_and_api_docs_have_the_policy_and_no_inline_code(client, superuser):
    client.force_login(superuser)
    wrong = []
    for url in (
        "/admin/",
        "/admin/catalog/serviceitem/",
        "/admin/catalog/itemversion/1/change/",
        "/admin/accounts/user/",
        "/api/v1/docs",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        wrong += _check(response, url)
    assert not wrong, "\n".join(wrong)


def test_error_pages_have_the_policy(client):
    assert _check(client.get("/no-such-page/"), "/no-such-page/") == []


def test_the_openid_consent_page_alone_lifts_form_action(client, citizen):
    """Allowing the consent form redirects to the department system's own address, which form-action 'self'
    would stop in the browser; every other directive stays."""
    client.force_login(citizen)
    policy = _policy(client.get("/o/authorize/?client_id=nobody&response_type=code"))
    assert "form-action" not in policy
    assert policy == {k: v for k, v in STRICT.items() if k != "form-action"}


def test_an_injected_script_in_a_form_description_is_escaped_and_inert(client, food_schema_installed):
    """The stored-XSS finding of issue #10: a schema description with <script> renders as text on the public
    item page (tests/portal/test_apply_forms.py and tests/desk/test_intake_forms.py check the escaping at the
    desk too), and the page still carries no inline script at all, under the strict policy."""
    response = client.get("/items/R005/")
    html = response.content.decode()
    assert SCRIPT not in html and "&lt;script&gt;" in html
    assert _check(response, "/items/R005/") == []
