"""The OAuth 2 authorization server: Authlib's protocol machinery over feedcore's stores."""

from .clients import OOB_URI, WEB_CLIENT, ClientService
from .http import HttpRequest, HttpResponse
from .server import PATHS, Authorization, Consent, OAuthServer

__all__ = [
    "OOB_URI",
    "PATHS",
    "WEB_CLIENT",
    "Authorization",
    "ClientService",
    "Consent",
    "HttpRequest",
    "HttpResponse",
    "OAuthServer",
]
