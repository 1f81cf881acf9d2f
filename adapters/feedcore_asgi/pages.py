"""The authorization server's HTML pages: sign-in, consent, a code to copy, an error.

Server-rendered, no JavaScript; every value is HTML-escaped. A handful of small pages do not
warrant a template engine, so they are ``string.Template`` strings here.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from string import Template

import attrs

from feedcore.scopes import SCOPE_DESCRIPTIONS

__all__ = ["PAGE_HEADERS", "SignOut", "code_page", "consent_page", "error_page", "login_page"]

PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
"""Headers of every page: nothing framed, loaded from elsewhere, cached or leaked in a Referer."""

_LAYOUT = Template("""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>$title · feedcore</title>
<style>
body { font-family: system-ui, sans-serif; background: #f4f5f7; color: #1d2129; margin: 0; }
main { max-width: 26rem; margin: 4rem auto; background: #fff; padding: 2rem; border-radius: .75rem;
       box-shadow: 0 1px 4px rgba(0,0,0,.12); }
h1 { font-size: 1.35rem; margin-top: 0; }
label { display: block; margin: 1rem 0 .25rem; font-weight: 600; }
input[type=text], input[type=password] { width: 100%; box-sizing: border-box; padding: .6rem;
       font-size: 1rem; border: 1px solid #9aa1ab; border-radius: .4rem; }
button { margin-top: 1.25rem; padding: .6rem 1.2rem; font-size: 1rem; border-radius: .4rem;
         border: 1px solid #1a56db; background: #1a56db; color: #fff; cursor: pointer; }
button.secondary { background: #fff; color: #1a56db; }
.error { color: #b42318; font-weight: 600; }
code { font-size: 1.1rem; word-break: break-all; background: #eef1f5; padding: .5rem; display: block; }
</style>
</head>
<body><main>
$body
</main></body>
</html>
""")


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _hidden(fields: Iterable[tuple[str, str]]) -> str:
    return "\n".join(f'<input type="hidden" name="{_e(k)}" value="{_e(v)}">' for k, v in fields)


def _page(title: str, body: str) -> str:
    return _LAYOUT.substitute(title=_e(title), body=body)


@attrs.frozen
class SignOut:
    """The signed-in user's handle and the sign-out form's target (with the page to go on to)."""

    handle: str
    action: str

    def html(self, csrf: str) -> str:
        return f"""<form method="post" action="{_e(self.action)}">
<p>Signed in as <strong>@{_e(self.handle)}</strong>.
{_hidden([("csrf", csrf)])}
<button type="submit" class="secondary">Sign out</button></p>
</form>"""


def login_page(
    action: str, next_url: str, csrf: str, handle: str = "", error: str = "", sign_out: SignOut | None = None
) -> str:
    """The sign-in form, posting back to ``action`` and then going on to ``next_url``; with
    ``sign_out`` when someone is signed in already."""
    message = f'<p class="error" role="alert">{_e(error)}</p>' if error else ""
    return _page(
        "Sign in",
        f"""<h1>Sign in to feedcore</h1>
{message}
{sign_out.html(csrf) if sign_out else ""}
<form method="post" action="{_e(action)}">
{_hidden([("csrf", csrf), ("next", next_url)])}
<label for="username">Handle</label>
<input type="text" id="username" name="username" value="{_e(handle)}" autocomplete="username" required autofocus>
<label for="password">Password</label>
<input type="password" id="password" name="password" autocomplete="current-password" required>
<button type="submit">Sign in</button>
</form>""",
    )


def consent_page(
    action: str,
    client_name: str,
    scopes: Sequence[str],
    params: Iterable[tuple[str, str]],
    csrf: str,
    sign_out: SignOut,
) -> str:
    """Ask the signed-in user whether ``client_name`` may act for them with ``scopes`` (or
    sign out, to sign in as someone else)."""
    items = "\n".join(f"<li><strong>{_e(s)}</strong>: {_e(SCOPE_DESCRIPTIONS.get(s, s))}</li>" for s in scopes)
    return _page(
        "Authorize",
        f"""<h1>Allow {_e(client_name)} to use your account?</h1>
<p>{_e(client_name)} asks to:</p>
<ul>
{items or "<li>know who you are</li>"}
</ul>
<form method="post" action="{_e(action)}">
{_hidden([*params, ("csrf", csrf)])}
<button type="submit" name="decision" value="allow">Allow</button>
<button type="submit" name="decision" value="deny" class="secondary">Deny</button>
</form>
{sign_out.html(csrf)}""",
    )


def code_page(client_name: str, code: str) -> str:
    """The authorization code for an out-of-band client, to copy into it."""
    return _page(
        "Authorization code",
        f"""<h1>Copy this code into {_e(client_name)}</h1>
<code id="code">{_e(code)}</code>
<p>It works once, within a few minutes.</p>""",
    )


def error_page(error: str, description: str) -> str:
    """An authorization request that cannot go back to its client."""
    return _page(
        "Cannot authorize",
        f"""<h1>This authorization request cannot be completed</h1>
<p class="error" role="alert">{_e(error)}</p>
<p>{_e(description)}</p>""",
    )
