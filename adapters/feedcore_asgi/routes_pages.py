"""The authorization endpoint (RFC 6749 section 3.1) and the sign-in page, for browsers.

``GET /v1/auth/authorize`` sends a browser that is not signed in to ``/v1/auth/login``, then
shows the consent page; its form posts the decision back, and the browser goes on to the
client's redirect URI with a code (or sees the code, for an out-of-band client).

Browser state lives in two cookies, both HttpOnly, SameSite=Lax, Secure over https, scoped
to ``/v1/auth``: the sign-in (a token of a session of its own, listed and revocable like any
other) and a random nonce. Every form carries an HMAC of the nonce under the platform's key
(signed double submit), so another site cannot post a sign-in, a consent or a sign-out for the
user. The sign-in and consent pages of a signed-in browser offer to sign out: that ends the
sign-in's session (the cookie's token stops working, wherever it was copied) and goes back to
the sign-in page for the same request.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import quote, urlencode

from msgspec import UNSET, Struct, UnsetType

from feedcore.errors import FeedcoreError, RateLimited
from feedcore.oauth import PATHS, Authorization, HttpRequest
from feedcore.services.auth import SIGNIN_TTL

from .call import Call, Params, Raw
from .pages import PAGE_HEADERS, SignOut, code_page, consent_page, error_page, login_page
from .table import CONTENT_TYPE_FORM, LOCATION, Body, Header, Reply, Route

__all__ = ["LOGIN_PATH", "ROUTES"]

AUTHORIZE_PATH = PATHS["authorization_endpoint"]
LOGIN_PATH = "/v1/auth/login"
LOGOUT_PATH = "/v1/auth/logout"
_SIGNIN_COOKIE, _NONCE_COOKIE = "feedcore_signin", "feedcore_csrf"
_FORM_FIELDS = ("csrf", "decision")
_HTML = "text/html; charset=utf-8"

Text = str | UnsetType


class AuthorizeQuery(Struct):
    """An authorization request (RFC 6749 section 4.1.1, RFC 7636); the server checks it."""

    response_type: Text = UNSET
    client_id: Text = UNSET
    redirect_uri: Text = UNSET
    scope: Text = UNSET
    state: Text = UNSET
    code_challenge: Text = UNSET
    code_challenge_method: Text = UNSET


class Decision(AuthorizeQuery):
    """The consent page's form: the request again, the anti-forgery token, allow or deny."""

    csrf: Text = UNSET
    decision: Text = UNSET


class LoginQuery(Struct):
    next: Text = UNSET


class SignOutForm(Struct):
    csrf: Text = UNSET


class LoginForm(Struct):
    username: Text = UNSET
    password: Text = UNSET
    csrf: Text = UNSET
    next: Text = UNSET


class _Browser:
    """What a page request knows of its browser: the nonce, who is signed in, its cookies."""

    def __init__(self, call: Call[Any, Any]) -> None:
        self.call = call
        self.platform = call.platform
        self.cookies = call.cookies
        self.nonce = self.cookies.get(_NONCE_COOKIE, "")
        self.new_nonce = not self.nonce
        if self.new_nonce:
            self.nonce = secrets.token_urlsafe(24)

    @property
    def csrf(self) -> str:
        return self.platform.auth.csrf_token(self.nonce)

    def forged(self, form: dict[str, str]) -> bool:
        return self.new_nonce or not self.platform.auth.check_csrf(self.nonce, form.get("csrf", ""))

    def user_id(self) -> int | None:
        principal = self.platform.auth.signed_in(self.cookies.get(_SIGNIN_COOKIE, ""))
        return principal.user_id if principal is not None else None

    def sign_out(self, user_id: int, next_url: str) -> SignOut:
        """The sign-out form for a page ``user_id`` sees, then on to the sign-in page for ``next_url``."""
        handle = self.platform.users.get(user_id).handle
        return SignOut(handle, f"{LOGOUT_PATH}?next={quote(next_url, safe='')}")

    def set_cookie(self, name: str, value: str, max_age: int | None) -> None:
        jar: SimpleCookie = SimpleCookie()
        jar[name] = value
        morsel = jar[name]
        morsel["path"] = "/v1/auth"
        morsel["httponly"] = True
        morsel["samesite"] = "Lax"
        if self.call.url.startswith("https:"):
            morsel["secure"] = True
        if max_age is not None:
            morsel["max-age"] = str(max_age)
        self.call.header("Set-Cookie", morsel.OutputString())

    def page(self, body: str, status: int = 200, extra: Sequence[tuple[str, str]] = ()) -> Raw:
        self._answer(status, extra)
        return Raw(body.encode(), _HTML)

    def redirect(self, location: str) -> None:
        """Answer 303 (no body) to ``location``."""
        self._answer(303, [("Location", location)])

    def _answer(self, status: int, extra: Sequence[tuple[str, str]]) -> None:
        self.call.reply(status)
        for name, value in (*PAGE_HEADERS.items(), *extra):
            self.call.header(name, value)
        if self.new_nonce:
            self.set_cookie(_NONCE_COOKIE, self.nonce, None)


def _outcome(browser: _Browser, result: Authorization, user_id: int, client_id: str) -> Raw | None:
    if result.consent is not None:
        consent = result.consent
        again = f"{AUTHORIZE_PATH}?{urlencode(list(consent.params))}"
        sign_out = browser.sign_out(user_id, again)
        page = consent_page(AUTHORIZE_PATH, consent.client.name, consent.scopes, consent.params, browser.csrf, sign_out)
        return browser.page(page)
    if result.redirect is not None:
        browser.redirect(result.redirect)
        return None
    if result.code is not None:
        client = browser.platform.clients.get(client_id)
        return browser.page(code_page(client.name if client else client_id, result.code))
    return browser.page(error_page(result.error or "invalid_request", result.description), 400)


def _authorize(call: Call[Any, Any], method: str, pairs: Sequence[tuple[str, str]]) -> Raw | None:
    browser = _Browser(call)
    form = dict(pairs)
    if method == "POST" and browser.forged(form):
        return browser.page(error_page("invalid_request", "The form expired; start again."), 403)
    params = tuple((k, v) for k, v in pairs if k not in _FORM_FIELDS)
    request = HttpRequest(method, call.url, call.request_headers, params, call.address)
    user_id = browser.user_id()
    if user_id is None:
        target = call.url.split("://", 1)[1].split("/", 1)[1]
        browser.redirect(f"{LOGIN_PATH}?next={quote('/' + target, safe='')}")
        return None
    oauth = browser.platform.oauth
    if method == "POST":
        result = oauth.decide(request, user_id, allow=form.get("decision") == "allow")
    else:
        result = oauth.authorization(request, user_id)
    return _outcome(browser, result, user_id, form.get("client_id", ""))


def authorize(call: Call[None, AuthorizeQuery]) -> Raw | None:
    """The authorization endpoint: the consent page."""
    return _authorize(call, "GET", call.query_pairs)


def decide(call: Call[Params, None]) -> Raw | None:
    """The user's decision on the consent page."""
    return _authorize(call, "POST", call.body.pairs)


def _safe_next(target: str) -> str:
    """Only the authorization endpoint of this server: never an open redirect."""
    return target if target.startswith(AUTHORIZE_PATH + "?") else AUTHORIZE_PATH


def sign_in_page(call: Call[None, LoginQuery]) -> Raw | None:
    """The sign-in page, going on to ``next``."""
    browser = _Browser(call)
    next_url = _safe_next(dict(call.query_pairs).get("next", ""))
    user_id = browser.user_id()
    sign_out = browser.sign_out(user_id, next_url) if user_id is not None else None
    return browser.page(login_page(LOGIN_PATH, next_url, browser.csrf, sign_out=sign_out))


def sign_in(call: Call[Params, None]) -> Raw | None:
    """Sign in (the form of the sign-in page), going on to ``next``."""
    browser = _Browser(call)
    form = dict(call.body.pairs)
    next_url = _safe_next(form.get("next", ""))
    handle = form.get("username", "")
    if browser.forged(form):
        page = login_page(LOGIN_PATH, next_url, browser.csrf, handle, "The form expired; try again.")
        return browser.page(page, 403)
    try:
        token = browser.platform.auth.sign_in(handle, form.get("password", ""), address=call.address)
    except RateLimited as exc:
        page = login_page(LOGIN_PATH, next_url, browser.csrf, handle, exc.message)
        return browser.page(page, 429, [("Retry-After", str(max(1, round(exc.retry_after))))])
    except FeedcoreError as exc:
        if exc.code != "invalid_grant":
            raise
        page = login_page(LOGIN_PATH, next_url, browser.csrf, handle, "Wrong handle or password.")
        return browser.page(page, 401)
    browser.set_cookie(_SIGNIN_COOKIE, token, int(SIGNIN_TTL))
    browser.redirect(next_url)
    return None


def sign_out(call: Call[Params, LoginQuery]) -> Raw | None:
    """End the browser's sign-in (the pages' sign-out form), then on to the sign-in page for ``next``."""
    browser = _Browser(call)
    next_url = _safe_next(dict(call.query_pairs).get("next", ""))
    if browser.forged(dict(call.body.pairs)):
        return browser.page(error_page("invalid_request", "The form expired; start again."), 403)
    browser.platform.auth.sign_out(browser.cookies.get(_SIGNIN_COOKIE, ""))
    browser.set_cookie(_SIGNIN_COOKIE, "", 0)
    browser.redirect(f"{LOGIN_PATH}?next={quote(next_url, safe='')}")
    return None


_PAGE_HEADERS = tuple(
    Header(name, "Every page: not framed, cached or leaked.", {"const": value}, required=True)
    for name, value in PAGE_HEADERS.items()
)
_COOKIE = Header("Set-Cookie", "The anti-forgery nonce or the sign-in (HttpOnly, SameSite=Lax, path /v1/auth).")
_RETRY = Header("Retry-After", "Seconds to wait.", {"type": "integer"}, required=True)


def _page(status: int, description: str, *headers: Header) -> Reply:
    return Reply(status, description, content_types=("text/html",), headers=(*_PAGE_HEADERS, _COOKIE, *headers))


_REDIRECT = Reply(
    303, "On to the sign-in page, the next page, or back to the client.", headers=(LOCATION, *_PAGE_HEADERS, _COOKIE)
)
_CANNOT = _page(400, "A request that cannot go back to its client.")
_FORGED = _page(403, "The form expired (anti-forgery check).")


def _form(tp: Any) -> Body:
    return Body("params", (CONTENT_TYPE_FORM,), tp, default_code="invalid_request")


def _page_route(method: str, path: str, handler: Any, summary: str, replies: Sequence[Reply], **kwargs: Any) -> Route:
    ok, *also = replies
    return Route(
        method, path, handler, summary, ok, auth="none", also=tuple(also), limited=False, tags=("oauth",), **kwargs
    )


_SHOWN = _page(200, "The page.")

ROUTES = [
    _page_route(
        "GET",
        AUTHORIZE_PATH,
        authorize,
        "Authorization endpoint (RFC 6749 3.1): the consent page (or on to the sign-in page first).",
        (_SHOWN, _REDIRECT, _CANNOT),
        query=AuthorizeQuery,
    ),
    _page_route(
        "POST",
        AUTHORIZE_PATH,
        decide,
        "The user's decision on the consent page: back to the client, or the code to copy.",
        (_SHOWN, _REDIRECT, _CANNOT, _FORGED),
        body=_form(Decision),
    ),
    _page_route("GET", LOGIN_PATH, sign_in_page, "The sign-in page.", (_SHOWN,), query=LoginQuery),
    _page_route(
        "POST",
        LOGIN_PATH,
        sign_in,
        "Sign in (a browser, for the authorization endpoint), then on to the next page.",
        (
            _REDIRECT,
            _FORGED,
            _page(401, "Wrong handle or password."),
            _page(429, "Too many failed sign-ins; see Retry-After.", _RETRY),
        ),
        body=_form(LoginForm),
    ),
    _page_route(
        "POST",
        LOGOUT_PATH,
        sign_out,
        "Sign out (a browser, at the sign-in or consent page), then on to the sign-in page for next.",
        (_REDIRECT, _FORGED),
        query=LoginQuery,
        body=_form(SignOutForm),
    ),
]
