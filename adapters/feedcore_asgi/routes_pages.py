"""The authorization endpoint (RFC 6749 section 3.1) and the sign-in page, for browsers.

``GET /v1/auth/authorize`` sends a browser that is not signed in to ``/v1/auth/login``, then
shows the consent page; its form posts the decision back, and the browser goes on to the
client's redirect URI with a code (or sees the code, for an out-of-band client).

Browser state lives in two cookies, both HttpOnly, SameSite=Lax, Secure over https, scoped
to ``/v1/auth``: the sign-in (a token of a session of its own, listed and revocable like any
other) and a random nonce. Every form carries an HMAC of the nonce under the platform's key
(signed double submit), so another site cannot post a sign-in or a consent for the user.
"""

from __future__ import annotations

import secrets
from typing import Any
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from feedcore import Platform
from feedcore.errors import FeedcoreError, RateLimited
from feedcore.oauth import PATHS, Authorization, HttpRequest
from feedcore.services.auth import SIGNIN_TTL

from .errors import error_response
from .oauth import oauth_request
from .pages import PAGE_HEADERS, code_page, consent_page, error_page, login_page
from .runtime import blocking

__all__ = ["LOGIN_PATH", "ROUTES"]

AUTHORIZE_PATH = PATHS["authorization_endpoint"]
LOGIN_PATH = "/v1/auth/login"
_SIGNIN_COOKIE, _NONCE_COOKIE = "feedcore_signin", "feedcore_csrf"
_FORM_FIELDS = ("csrf", "decision")


def _html(body: str, status: int = 200, headers: dict[str, str] | None = None) -> HTMLResponse:
    return HTMLResponse(body, status, {**PAGE_HEADERS, **(headers or {})})


def _set_cookie(request: Request, response: Response, name: str, value: str, max_age: int | None) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path="/v1/auth",
        secure=request.url.scheme == "https",
        httponly=True,
        samesite="lax",
    )


class _Browser:
    """What a page request knows of its browser: the platform, the nonce, who is signed in."""

    def __init__(self, request: Request, platform: Platform) -> None:
        self.request = request
        self.platform = platform
        self.nonce = request.cookies.get(_NONCE_COOKIE, "")
        self.new_nonce = not self.nonce
        if self.new_nonce:
            self.nonce = secrets.token_urlsafe(24)

    @property
    def csrf(self) -> str:
        return self.platform.auth.csrf_token(self.nonce)

    def forged(self, form: dict[str, str]) -> bool:
        return self.new_nonce or not self.platform.auth.check_csrf(self.nonce, form.get("csrf", ""))

    def user_id(self) -> int | None:
        principal = self.platform.auth.signed_in(self.request.cookies.get(_SIGNIN_COOKIE, ""))
        return principal.user_id if principal is not None else None

    def finish(self, response: Response) -> Response:
        if self.new_nonce:
            _set_cookie(self.request, response, _NONCE_COOKIE, self.nonce, None)
        return response


async def _open(request: Request) -> _Browser:
    return _Browser(request, await blocking(request.app.state.holder.get))


def _outcome(browser: _Browser, result: Authorization, user_id: int, client_id: str) -> Response:
    if result.consent is not None:
        consent = result.consent
        handle = browser.platform.users.get(user_id).handle
        page = consent_page(AUTHORIZE_PATH, consent.client.name, handle, consent.scopes, consent.params, browser.csrf)
        return _html(page)
    if result.redirect is not None:
        return RedirectResponse(result.redirect, 303, PAGE_HEADERS)
    if result.code is not None:
        client = browser.platform.clients.get(client_id)
        return _html(code_page(client.name if client else client_id, result.code))
    return _html(error_page(result.error or "invalid_request", result.description), 400)


def _login_redirect(request: Request) -> Response:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"{LOGIN_PATH}?next={quote(target, safe='')}", 303, PAGE_HEADERS)


async def authorize(request: Request) -> Response:
    """The authorization endpoint: the consent page (GET), the user's decision (POST)."""
    try:
        browser = await _open(request)
        oauth = await oauth_request(request, browser.platform.settings.max_json_bytes)
        form = dict(oauth.params)
        if request.method == "POST" and browser.forged(form):
            return browser.finish(_html(error_page("invalid_request", "The form expired; start again."), 403))
        params = tuple((k, v) for k, v in oauth.params if k not in _FORM_FIELDS)
        oauth = HttpRequest(oauth.method, oauth.url, oauth.headers, params, oauth.address)
        return browser.finish(await blocking(_authorize, browser, oauth, form))
    except FeedcoreError as exc:
        return error_response(exc)


def _authorize(browser: _Browser, request: HttpRequest, form: dict[str, str]) -> Response:
    user_id = browser.user_id()
    if user_id is None:
        return _login_redirect(browser.request)
    oauth = browser.platform.oauth
    if request.method == "POST":
        result = oauth.decide(request, user_id, allow=form.get("decision") == "allow")
    else:
        result = oauth.authorization(request, user_id)
    return _outcome(browser, result, user_id, form.get("client_id", ""))


def _safe_next(target: str) -> str:
    """Only the authorization endpoint of this server: never an open redirect."""
    return target if target.startswith(AUTHORIZE_PATH + "?") else AUTHORIZE_PATH


async def login(request: Request) -> Response:
    """The sign-in page (GET) and its form (POST), going on to ``next``."""
    try:
        browser = await _open(request)
        if request.method == "GET":
            next_url = _safe_next(request.query_params.get("next", ""))
            return browser.finish(_html(login_page(LOGIN_PATH, next_url, browser.csrf)))
        oauth = await oauth_request(request, browser.platform.settings.max_json_bytes)
        form = dict(oauth.params)
        next_url = _safe_next(form.get("next", ""))
        handle = form.get("username", "")
        if browser.forged(form):
            page = login_page(LOGIN_PATH, next_url, browser.csrf, handle, "The form expired; try again.")
            return browser.finish(_html(page, 403))
        try:
            token = await blocking(
                browser.platform.auth.sign_in, handle, form.get("password", ""), address=oauth.address
            )
        except RateLimited as exc:
            page = login_page(LOGIN_PATH, next_url, browser.csrf, handle, exc.message)
            return browser.finish(_html(page, 429, {"Retry-After": str(max(1, round(exc.retry_after)))}))
        except FeedcoreError as exc:
            if exc.code != "invalid_grant":
                raise
            page = login_page(LOGIN_PATH, next_url, browser.csrf, handle, "Wrong handle or password.")
            return browser.finish(_html(page, 401))
        response = RedirectResponse(next_url, 303, PAGE_HEADERS)
        _set_cookie(request, response, _SIGNIN_COOKIE, token, int(SIGNIN_TTL))
        return browser.finish(response)
    except FeedcoreError as exc:
        return error_response(exc)


ROUTES: list[Any] = [
    Route(AUTHORIZE_PATH, authorize, methods=["GET", "POST"]),
    Route(LOGIN_PATH, login, methods=["GET", "POST"]),
]
