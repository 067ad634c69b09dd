"""Bring your own data in the page: an uploaded file becomes a draft, shown in this tab only.

The file is validated once, kept server-side as a draft (dashboard.store.drafts, 24 hours),
and the browser's DATASET store holds only `{"draft": <random id>, "register": <slug>}`. So no
callback request carries the file, and a restart or a second worker shows the same data: the
resolver rebuilds a draft's model from the database when its bounded cache misses.

dashboard.data.sheets (pandas) is imported inside the functions that use it, so that importing
the app stays light (see tests/web/test_app.py).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping

from dashboard.views.view_state import ViewState
from dashboard.web.bounded_cache import BoundedCache

if TYPE_CHECKING:
    from dashboard.data.model import CooperationModel
    from dashboard.data.problems import DataError, Problem
    from dashboard.store.drafts import Drafts
    from dashboard.views.datasets import Dataset

DEFAULT_FILENAME = "opplastet fil"
NOT_RECEIVED = "filen kom ikke fram; prøv å laste den opp på nytt"
MAX_REMEMBERED_REFUSALS = 64
DRAFT_GONE = "Utkastet finnes ikke lenger (et utkast slettes etter 24 timer). Last opp filen på nytt."

def filename_label(filename: str | None) -> str:
    """The file's own name (no folders), as the loader labels it.

    >>> filename_label("C:/Users/kari/ordninger.xlsx")
    'ordninger.xlsx'
    """
    return Path(str(filename or DEFAULT_FILENAME).replace("\\", "/")).name or DEFAULT_FILENAME


def upload_bytes(contents: str, filename: str | None) -> bytes:
    """The file bytes of a dcc.Upload `contents` data URL ("data:<type>;base64,<data>").

    Raises DataError (one problem naming the file) for anything that is not such a URL.
    """
    from dashboard.data.problems import DataError, Problem
    from dashboard.data.sheets import MAX_UPLOAD_BYTES

    label = filename_label(filename)
    header, separator, data = str(contents or "").partition(",")
    if not separator or not header.startswith("data:") or not header.endswith(";base64"):
        raise DataError([Problem(label, None, None, None, NOT_RECEIVED)])
    # Base64 is 4/3 of the bytes: refuse an oversized upload before decoding it.
    if len(data) * 3 // 4 > MAX_UPLOAD_BYTES + 2:
        raise DataError([size_problem(label, len(data) * 3 // 4)])
    try:
        return base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError) as error:
        raise DataError([Problem(label, None, None, None, NOT_RECEIVED)]) from error


def size_problem(filename: str | None, size: int) -> "Problem":
    """The problem line for a file over the 5 MB limit (also used when the browser refuses it)."""
    from dashboard.data.problems import Problem
    from dashboard.data.sheets import MAX_UPLOAD_BYTES

    megabytes = f"{size / (1024 * 1024):.1f}".replace(".", ",")
    limit = MAX_UPLOAD_BYTES // (1024 * 1024)
    return Problem(filename_label(filename), None, None, None, f"filen er {megabytes} MB; grensen er {limit} MB")


def draft_reference(value: Any) -> tuple[str, str] | None:
    """(draft id, register slug) of a DATASET store value, or None if it names no draft.

    The value comes from the browser: only its shape is checked here; the id itself is checked
    by the draft store before any query.
    """
    if not isinstance(value, Mapping):
        return None
    draft_id, slug = value.get("draft"), value.get("register", "")
    if not isinstance(draft_id, str) or not isinstance(slug, str) or len(draft_id) > 64 or len(slug) > 80:
        return None
    return draft_id, slug


class UploadedFiles:
    """Turns uploads into drafts and drafts back into models, validated against the built-in data.

    Holds only the built-in model (vocabulary, registry, boundaries) and the draft store, never
    a user's data; the resolver's bounded cache keeps the derived datasets.
    """

    def __init__(self, base: "CooperationModel", drafts: "Drafts", fallback: "CooperationModel | None" = None) -> None:
        self.base = base
        # A file that does not read in `base`'s structure (2024) but does in `fallback`'s (2020,
        # an old list with Ålesund 1507) is read in that one, with a notice.
        self.bases = [base] if fallback is None else [base, fallback]
        self.drafts = drafts
        # Refused files by content hash: sending the same bad file again costs a hash, not a parse.
        self._refused: BoundedCache["DataError"] = BoundedCache(MAX_REMEMBERED_REFUSALS)

    def accept(self, contents: str, filename: str | None, register: str) -> dict[str, Any]:
        """The store value of an uploaded file once it validates; DataError with every problem otherwise."""
        from dashboard.data.problems import DataError
        from dashboard.data.sheets import read_in_either_structure

        content = upload_bytes(contents, filename)
        label = filename_label(filename)
        key = hashlib.sha256(label.encode("utf-8") + b"\0" + content).hexdigest()
        known = self._refused.get(key)
        if known is not None:
            raise known
        try:
            read_in_either_structure(content, label, self.bases)
        except DataError as error:
            self._refused.put(key, error)
            raise
        return {"draft": self.drafts.save(content, label), "register": register}

    def __call__(self, draft_id: str) -> "CooperationModel | None":
        """The model of a live draft, or None (unknown, expired or no longer valid)."""
        from dashboard.data.problems import DataError
        from dashboard.data.sheets import read_in_either_structure

        loaded = self.drafts.load(draft_id)
        if loaded is None:
            return None
        content, label = loaded
        try:
            return read_in_either_structure(content, label, self.bases)
        except DataError:
            return None


def problem_lines(error: "DataError") -> list[str]:
    """One plain-text line per problem, in the order the loader found them."""
    return [str(problem) for problem in error.problems]


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def dataset_summary(model: "CooperationModel") -> str:
    """The banner naming the active dataset.

    e.g. "Viser: ordninger.xlsx (12 ordninger, 6 kommuner)".
    """
    arrangements = _plural(len(model.arrangements), "ordning", "ordninger")
    municipalities = _plural(len(model.focus), "kommune", "kommuner")
    return f"Viser: {model.source_label} ({arrangements}, {municipalities})"


def state_for_dataset(current: ViewState, dataset: "Dataset") -> ViewState:
    """The view to open a newly chosen dataset with: same view and network switch, the same
    service if the dataset has it, no filters, no municipality (the map frames the dataset)."""
    allowed = dataset.allowed
    service = current.service if current.service in allowed.services else allowed.default_service
    return replace(ViewState(), view=current.view, service=service, network=current.network)
