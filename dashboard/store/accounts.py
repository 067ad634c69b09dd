"""Editor accounts, one register each: slow salted password hashes, and a login rate limit in the database.

The limit counts failed logins in the database, so it holds across workers and hosts. The
session signing key is shared the same way (settings table), unless SECRET_KEY is set.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass

from sqlalchemy import Engine, delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker
from werkzeug.security import check_password_hash, generate_password_hash

from dashboard.store.registers import RegisterError
from dashboard.store.schema import LoginAttempt, Register, Setting, User, utcnow

# scrypt (werkzeug's default, N=32768): slow and salted; about 90 ms per check on this machine.
PASSWORD_METHOD = "scrypt"
MIN_PASSWORD_CHARS = 10
MAX_PASSWORD_CHARS = 200
EMAIL_PATTERN = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,255}\.[^@\s]{2,}$")
MAX_FAILURES = 5
FAILURE_WINDOW = dt.timedelta(minutes=15)
SECRET_SETTING = "session_secret"


@dataclass(frozen=True)
class Editor:
    """Who is logged in: an account of one register."""

    id: int
    email: str
    register_slug: str


class TooManyAttempts(Exception):
    def __init__(self, wait: dt.timedelta) -> None:
        self.minutes = max(1, int(wait.total_seconds() // 60) + 1)
        super().__init__(f"For mange mislykkede forsøk. Prøv igjen om {self.minutes} minutter.")


def check_email(email: str) -> str:
    email = (email or "").strip().casefold()
    if not EMAIL_PATTERN.match(email):
        raise RegisterError(f"«{email}» er ikke en e-postadresse")
    return email


class Accounts:
    """Accounts and logins in the register database."""

    def __init__(self, engine: Engine) -> None:
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    def add(self, slug: str, email: str, password: str) -> Editor:
        email = check_email(email)
        if not MIN_PASSWORD_CHARS <= len(password) <= MAX_PASSWORD_CHARS:
            raise RegisterError(f"passordet må ha {MIN_PASSWORD_CHARS}–{MAX_PASSWORD_CHARS} tegn")
        try:
            with self._sessions.begin() as session:
                register = session.scalar(select(Register).where(Register.slug == slug))
                if register is None:
                    raise RegisterError(f"registeret «{slug}» finnes ikke")
                if register.builtin:
                    raise RegisterError("den innebygde kartleggingen har ingen redaktører")
                user = User(register_id=register.id, email=email, password_hash=generate_password_hash(password, method=PASSWORD_METHOD))
                session.add(user)
                session.flush()
                return Editor(user.id, email, slug)
        except IntegrityError as error:
            raise RegisterError(f"{email} er allerede redaktør for «{slug}»") from error

    def grant(self, editor: Editor, slug: str) -> Editor:
        """The same person (e-mail and password) as editor of another register, e.g. one made from her draft."""
        with self._sessions.begin() as session:
            source = session.get(User, editor.id)
            register = session.scalar(select(Register).where(Register.slug == slug))
            if source is None or register is None:
                raise RegisterError("kontoen eller registeret finnes ikke")
            user = User(register_id=register.id, email=source.email, password_hash=source.password_hash)
            session.add(user)
            session.flush()
            return Editor(user.id, user.email, slug)

    def editor(self, user_id: object) -> Editor | None:
        """The editor of a session's user id (None for anything else)."""
        try:
            number = int(str(user_id))
        except ValueError:
            return None
        with self._sessions() as session:
            row = session.execute(
                select(User.id, User.email, Register.slug).join(Register, User.register_id == Register.id).where(User.id == number)
            ).first()
            return Editor(*row) if row else None

    def login(self, slug: str, email: str, password: str, now: dt.datetime | None = None) -> Editor | None:
        """The editor if the password is right; None if not; TooManyAttempts after too many failures."""
        now = now or utcnow()
        key = f"{slug}:{(email or '').strip().casefold()}"[:400]
        with self._sessions.begin() as session:
            session.execute(delete(LoginAttempt).where(LoginAttempt.at < now - FAILURE_WINDOW))
            recent = session.execute(
                select(func.count(), func.min(LoginAttempt.at)).where(LoginAttempt.key == key, LoginAttempt.at >= now - FAILURE_WINDOW)
            ).one()
            if recent[0] >= MAX_FAILURES:
                raise TooManyAttempts(recent[1] + FAILURE_WINDOW - now)
            row = session.execute(
                select(User.id, User.email, User.password_hash)
                .join(Register, User.register_id == Register.id)
                .where(Register.slug == slug, User.email == (email or "").strip().casefold())
            ).first()
            password = (password or "")[:MAX_PASSWORD_CHARS]
            if row is not None and check_password_hash(row.password_hash, password):
                return Editor(row.id, row.email, slug)
            if row is None:  # same work either way, so timing does not tell which emails exist
                check_password_hash(DUMMY_HASH, password)
            session.add(LoginAttempt(key=key, at=now))
            return None


DUMMY_HASH = generate_password_hash(secrets.token_hex(8), method=PASSWORD_METHOD)


def shared_secret(engine: Engine) -> str:
    """The key that signs sessions, the same for every worker and host on this database."""
    sessions = sessionmaker(engine)
    with sessions() as session:
        value = session.scalar(select(Setting.value).where(Setting.name == SECRET_SETTING))
    if value:
        return value
    try:
        with sessions.begin() as session:
            session.add(Setting(name=SECRET_SETTING, value=secrets.token_hex(32)))
    except IntegrityError:
        pass  # another worker made it first
    with sessions() as session:
        return session.scalar(select(Setting.value).where(Setting.name == SECRET_SETTING))
