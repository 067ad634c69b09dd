"""Try-uploads ("prøv filen uten å lagre") kept server-side for a day; the browser holds only a random id.

The id is the only thing a callback request carries, so a request costs a database look-up and
never a file's worth of bytes or parsing (the model of a draft is cached by its id).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
import zlib

from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import sessionmaker

from dashboard.data.sheets import MAX_UPLOAD_BYTES
from dashboard.store.schema import Draft, utcnow

DRAFT_LIFETIME = dt.timedelta(hours=24)
DRAFT_ID_BYTES = 24
DRAFT_ID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{32}$")


def is_draft_id(value: object) -> bool:
    """True for a string shaped like an id this module hands out (checked before any query)."""
    return isinstance(value, str) and bool(DRAFT_ID_PATTERN.match(value))


class Drafts:
    """Drafts in the database: save a file, load it back by id until it expires."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    def save(self, content: bytes, filename: str, now: dt.datetime | None = None) -> str:
        """Keep `content` for DRAFT_LIFETIME and return its new random id; expired drafts are removed."""
        if len(content) > MAX_UPLOAD_BYTES:
            raise ValueError("draft larger than an upload may be")
        now = now or utcnow()
        draft_id = secrets.token_urlsafe(DRAFT_ID_BYTES)
        with self._sessions.begin() as session:
            session.execute(delete(Draft).where(Draft.expires_at <= now))
            session.add(
                Draft(
                    id=draft_id,
                    created_at=now,
                    expires_at=now + DRAFT_LIFETIME,
                    filename=filename[:400],
                    sha256=hashlib.sha256(content).hexdigest(),
                    content=zlib.compress(content, 6),
                )
            )
        return draft_id

    def load(self, draft_id: object, now: dt.datetime | None = None) -> tuple[bytes, str] | None:
        """(file bytes, file name) of a live draft; None for an unknown, expired or malformed id."""
        if not is_draft_id(draft_id):
            return None
        now = now or utcnow()
        with self._sessions() as session:
            draft = session.scalar(select(Draft).where(Draft.id == draft_id, Draft.expires_at > now))
            if draft is None:
                return None
            inflater = zlib.decompressobj()
            content = inflater.decompress(draft.content, MAX_UPLOAD_BYTES + 1)
            if len(content) > MAX_UPLOAD_BYTES or hashlib.sha256(content).hexdigest() != draft.sha256:
                return None
            return content, draft.filename
