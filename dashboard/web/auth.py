"""Who may edit: editor logins (Flask-Login), session cookies, CSRF protection, and the one permission check.

Viewing is open. Editing needs a login to the page's own register; `editor_of(slug)` is the
single place that answers "may this request change this register?", for pages and callbacks alike.
"""

from __future__ import annotations

import os
from html import escape
from typing import TYPE_CHECKING

from flask import Flask, redirect, request
from flask.sessions import SecureCookieSessionInterface
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user
from flask_wtf.csrf import CSRFError, CSRFProtect, generate_csrf
from werkzeug.middleware.proxy_fix import ProxyFix

from dashboard.web.registers import html_page, not_found_page

if TYPE_CHECKING:
    from dashboard.store.accounts import Accounts, Editor
    from dashboard.store.registers import RegisterStore

# The cookie dash-renderer reads and echoes as the X-CSRFToken header on every callback.
DASH_CSRF_COOKIE = "_csrf_token"


class EditorUser(UserMixin):
    def __init__(self, editor: "Editor") -> None:
        self.editor = editor

    def get_id(self) -> str:
        return str(self.editor.id)


class RequestSecureSessions(SecureCookieSessionInterface):
    """Session cookies are Secure whenever the request came over HTTPS (directly or via the proxy)."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(request and request.is_secure) or super().get_cookie_secure(app)


def editor_of(slug: str) -> "Editor | None":
    """The logged-in editor if, and only if, the account belongs to register `slug`."""
    if not current_user or not current_user.is_authenticated:
        return None
    editor = current_user.editor
    return editor if editor.register_slug == slug else None


def login_page(slug: str, name: str, message: str = "", email: str = "", status: int = 200):
    alert = f'<p class="form-error" role="alert">{escape(message)}</p>' if message else ""
    body = f"""<h1>Logg inn: {escape(name)}</h1>
<p>For redaktører av registeret. Alle kan se registeret uten å logge inn.</p>
{alert}
<form method="post" action="/r/{escape(slug)}/logg-inn" class="login-form">
<input type="hidden" name="csrf_token" value="{escape(generate_csrf())}">
<p><label for="email">E-post</label><br><input id="email" name="email" type="email" autocomplete="username" required value="{escape(email)}"></p>
<p><label for="password">Passord</label><br><input id="password" name="password" type="password" autocomplete="current-password" required></p>
<p><button type="submit" class="button button-strong">Logg inn</button></p>
</form>
<p><a href="/r/{escape(slug)}">Tilbake til registeret</a></p>"""
    return html_page("Logg inn", body, status=status)


def install_auth(server: Flask, store: "RegisterStore", accounts: "Accounts", secret: str) -> None:
    """Sessions, logins, CSRF and the login/logout pages on `server`."""
    from dashboard.store.accounts import TooManyAttempts

    server.secret_key = os.environ.get("SECRET_KEY") or secret
    server.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        WTF_CSRF_CHECK_DEFAULT=False,  # checked below: every POST of a logged-in session, and the login form
        WTF_CSRF_TIME_LIMIT=None,
    )
    server.session_interface = RequestSecureSessions()
    if os.environ.get("BEHIND_PROXY") == "1":  # trust one proxy's X-Forwarded-Proto/-For (README)
        server.wsgi_app = ProxyFix(server.wsgi_app, x_for=1, x_proto=1)
    manager = LoginManager(server)

    @manager.user_loader
    def _load(user_id: str):
        editor = accounts.editor(user_id)
        return EditorUser(editor) if editor else None

    csrf = CSRFProtect(server)

    @server.before_request
    def _protect() -> None:
        if request.method == "POST" and (current_user.is_authenticated or request.path.endswith("/logg-inn")):
            csrf.protect()

    @server.errorhandler(CSRFError)
    def _csrf_refused(error: CSRFError):
        return html_page("Ugyldig forespørsel", "<h1>Ugyldig forespørsel</h1><p>Siden er for gammel. Last den inn på nytt og prøv igjen.</p>", status=400)

    @server.after_request
    def _csrf_cookie(response):
        if current_user.is_authenticated:
            secure = request.is_secure
            response.set_cookie(DASH_CSRF_COOKIE, generate_csrf(), samesite="Lax", secure=secure, httponly=False)
        return response

    def login(slug: str):
        info = store.info(slug)
        if info is None:
            return not_found_page(slug)
        if request.method == "GET":
            return login_page(slug, info.name)
        email = request.form.get("email", "")[:320]
        try:
            editor = accounts.login(slug, email, request.form.get("password", ""))
        except TooManyAttempts as error:
            return login_page(slug, info.name, str(error), email, status=429)
        if editor is None:
            return login_page(slug, info.name, "Feil e-post eller passord.", email, status=401)
        login_user(EditorUser(editor))
        return redirect(f"/r/{slug}")

    def logout(slug: str):
        logout_user()
        return redirect(f"/r/{slug}")

    server.add_url_rule("/r/<slug>/logg-inn", "register_login", login, methods=["GET", "POST"])
    server.add_url_rule("/r/<slug>/logg-ut", "register_logout", logout, methods=["POST"])
