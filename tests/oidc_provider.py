"""A real OpenID Connect provider for tests, on loopback, built from Authlib's own
authorization-server components (issue 17, item 3).

It serves discovery (``/.well-known/openid-configuration``), a JWKS made from an RSA key
generated at start, an authorization endpoint with its own login form and consent page, and
a token endpoint issuing RS256-signed ID tokens (authorization code flow, PKCE S256 checked
when the client sends a challenge). Nothing of the app's client code is replaced: the app
talks to this server over HTTP as it would to Entra ID or Okta.

Why Authlib and not npm's ``oidc-provider``: Authlib is already a dependency, so the tests need
no Node packages or network install in CI, and the provider runs in a thread of the test
process where a test can turn knobs (``tamper_nonce``, the users and their claims).
"""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode

from authlib.integrations.flask_oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749 import grants
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core import UserInfo
from authlib.oidc.core.grants import OpenIDCode
from flask import Flask, jsonify, redirect, render_template_string, request, session
from joserfc.jwk import RSAKey
from werkzeug.serving import make_server

LOGIN_PAGE = """<!doctype html><title>Test IdP: sign in</title>
<h1>Test identity provider</h1>
{% if error %}<p id="error">{{ error }}</p>{% endif %}
<form method="post">
  <label>Username <input name="username" id="username"></label>
  <label>Password <input name="password" id="password" type="password"></label>
  <button type="submit">Sign in to the provider</button>
</form>"""

CONSENT_PAGE = """<!doctype html><title>Test IdP: consent</title>
<h1>{{ client_id }} asks for: {{ scope }}</h1>
<p>Signed in as {{ user }}</p>
<form method="post">
  <button name="confirm" value="yes" type="submit">Allow</button>
  <button name="confirm" value="no" type="submit">Deny</button>
</form>"""


@dataclass
class Client:
    client_id: str
    client_secret: str
    redirect_uris: list[str]
    scope: str = "openid email profile groups"

    def get_client_id(self):
        return self.client_id

    def get_default_redirect_uri(self):
        return self.redirect_uris[0]

    def get_allowed_scope(self, scope):
        allowed = set(self.scope.split())
        return " ".join(s for s in (scope or "").split() if s in allowed)

    def check_redirect_uri(self, redirect_uri):
        return redirect_uri in self.redirect_uris

    def check_client_secret(self, client_secret):
        return secrets.compare_digest(client_secret, self.client_secret)

    def check_endpoint_auth_method(self, method, endpoint):
        return method in ("client_secret_basic", "client_secret_post")

    def check_response_type(self, response_type):
        return response_type == "code"

    def check_grant_type(self, grant_type):
        return grant_type == "authorization_code"


@dataclass
class Code:
    code: str
    client_id: str
    redirect_uri: str
    scope: str
    user: dict
    nonce: str | None
    code_challenge: str | None
    code_challenge_method: str | None
    auth_time: int = field(default_factory=lambda: int(time.time()))

    def get_redirect_uri(self):
        return self.redirect_uri

    def get_scope(self):
        return self.scope

    def get_nonce(self):
        return self.nonce

    def get_auth_time(self):
        return self.auth_time

    def get_acr(self):
        return None

    def get_amr(self):
        return None


class Provider:
    """The provider's state: clients, users (username → password and claims), codes."""

    def __init__(self):
        self.key = RSAKey.generate_key(2048, parameters={"kid": "test-key", "use": "sig", "alg": "RS256"})
        self.clients: dict[str, Client] = {}
        self.users: dict[str, dict] = {}
        self.codes: dict[str, Code] = {}
        self.nonces: set[str] = set()
        self.tamper_nonce = False  # put a different nonce in the ID token
        self.issuer = ""
        self.token_requests = 0
        self.app = self._build_app()
        self._server = None
        self._thread = None

    # -- set-up by tests ------------------------------------------------------------------
    def add_client(self, client_id: str, secret: str, redirect_uri: str) -> None:
        self.clients[client_id] = Client(client_id, secret, [redirect_uri])

    def add_user(self, username: str, password: str, **claims) -> None:
        self.users[username] = {"password": password, "sub": claims.pop("sub", f"sub-{username}"), **claims}

    def start(self) -> str:
        self._server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.issuer = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self.issuer

    def stop(self) -> None:
        self._server.shutdown()
        self._thread.join(timeout=5)

    # -- the Flask app --------------------------------------------------------------------
    def _build_app(self) -> Flask:
        provider = self
        app = Flask("test_oidc_provider")
        app.config.update(SECRET_KEY=secrets.token_urlsafe(32), SESSION_COOKIE_NAME="idp_session")
        server = AuthorizationServer(app, query_client=self.clients.get, save_token=lambda token, req: None)

        class CodeGrant(grants.AuthorizationCodeGrant):
            TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]

            def save_authorization_code(self, code, req):
                data = req.payload.data
                provider.codes[code] = Code(
                    code=code,
                    client_id=req.client.client_id,
                    redirect_uri=req.payload.redirect_uri,
                    scope=req.scope,
                    user=req.user,
                    nonce=data.get("nonce"),
                    code_challenge=data.get("code_challenge"),
                    code_challenge_method=data.get("code_challenge_method"),
                )
                if data.get("nonce"):
                    provider.nonces.add(data["nonce"])

            def query_authorization_code(self, code, client):
                found = provider.codes.get(code)
                return found if found is not None and found.client_id == client.client_id else None

            def delete_authorization_code(self, authorization_code):
                provider.codes.pop(authorization_code.code, None)

            def authenticate_user(self, authorization_code):
                return authorization_code.user

        class IdToken(OpenIDCode):
            def resolve_client_private_key(self, client):
                return provider.key

            def get_client_claims(self, client):
                return {"iss": provider.issuer, "aud": [client.client_id]}

            def get_encode_header(self, client):
                return {"alg": "RS256", "kid": "test-key"}

            def exists_nonce(self, nonce, req):
                return nonce in provider.nonces

            def generate_user_info(self, user, scope):
                claims = {k: v for k, v in user.items() if k != "password"}
                info = UserInfo(**claims)
                if provider.tamper_nonce:
                    info["nonce"] = "not-the-nonce-the-client-sent"
                return info

        server.register_grant(CodeGrant, [IdToken(require_nonce=True), CodeChallenge(required=False)])

        @app.get("/.well-known/openid-configuration")
        def discovery():
            base = provider.issuer
            return jsonify(
                issuer=base,
                authorization_endpoint=f"{base}/authorize",
                token_endpoint=f"{base}/token",
                jwks_uri=f"{base}/jwks",
                response_types_supported=["code"],
                subject_types_supported=["public"],
                id_token_signing_alg_values_supported=["RS256"],
                code_challenge_methods_supported=["S256"],
                token_endpoint_auth_methods_supported=["client_secret_basic", "client_secret_post"],
                scopes_supported=["openid", "email", "profile", "groups"],
                claims_supported=["sub", "email", "email_verified", "name", "groups"],
            )

        @app.get("/jwks")
        def jwks():
            return jsonify(keys=[provider.key.as_dict(private=False)])

        @app.route("/login", methods=["GET", "POST"])
        def login():
            error = None
            if request.method == "POST":
                user = provider.users.get(request.form.get("username", ""))
                if user and secrets.compare_digest(user["password"], request.form.get("password", "")):
                    session["user"] = request.form["username"]
                    return redirect(request.args.get("next") or "/")
                error = "Wrong username or password."
            return render_template_string(LOGIN_PAGE, error=error)

        @app.route("/authorize", methods=["GET", "POST"])
        def authorize():
            username = session.get("user")
            if username not in provider.users:
                return redirect("/login?" + urlencode({"next": request.full_path}))
            user = provider.users[username]
            grant = server.get_consent_grant(end_user=user)
            if request.method == "GET":
                return render_template_string(
                    CONSENT_PAGE, client_id=grant.client.client_id, scope=grant.request.scope, user=username
                )
            granted = user if request.form.get("confirm") == "yes" else None
            return server.create_authorization_response(grant_user=granted, grant=grant)

        @app.post("/token")
        def token():
            provider.token_requests += 1
            return server.create_token_response()

        return app
