"""Bring your own data in the page: an uploaded file becomes a session-only dataset.

The browser keeps the uploaded file in its DATASET store (session storage), compressed and
content-addressed: `{"v", "name", "sha256", "bytes", "zlib"}`. The server keeps nothing per
user; `UploadedFiles` (the resolver's `lookup`) re-validates a store value through the same
loader whenever the resolver's bounded cache misses, so a restart or a second worker shows the
same data. Every function here is pure apart from reading the file it is given.

dashboard.data.loader (pandas, geopandas) is imported inside the functions that use it, so that
importing the app stays light (see tests/web/test_app.py).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import zlib
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping

from dashboard.views.view_state import ViewState

if TYPE_CHECKING:
    from dashboard.data.model import CooperationModel
    from dashboard.data.problems import DataError, Problem
    from dashboard.views.datasets import Dataset

STORE_VERSION = 1
DEFAULT_FILENAME = "opplastet fil"
# Chromium keeps at most 5 M characters per origin in sessionStorage; stay well below, so a
# store value never overflows it (a 5 MB CSV compresses to well under this).
MAX_STORE_CHARS = 3_000_000
SHA256_HEX_CHARS = 64
NOT_RECEIVED = "filen kom ikke fram; prøv å laste den opp på nytt"


class StoreValueError(ValueError):
    """A DATASET store value that is not one this module wrote (damaged or tampered with)."""


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


def encode_store(content: bytes, filename: str | None) -> dict[str, Any]:
    """The DATASET store value of a file: its name, hash and zlib-compressed bytes (base64).

    >>> value = encode_store(b"navn;deltakere", "a.csv")
    >>> decode_store(value) == (b"navn;deltakere", "a.csv")
    True
    """
    return {
        "v": STORE_VERSION,
        "name": filename_label(filename),
        "sha256": hashlib.sha256(content).hexdigest(),
        "bytes": len(content),
        "zlib": base64.b64encode(zlib.compress(content, 9)).decode("ascii"),
    }


def decode_store(value: Any) -> tuple[bytes, str]:
    """(file bytes, file name) of a store value; StoreValueError unless it is intact.

    The value comes from the browser, so nothing is trusted: the shape is checked, the
    decompression is bounded by the upload limit, and the bytes must match the hash.
    """
    from dashboard.data.sheets import MAX_UPLOAD_BYTES

    if not isinstance(value, Mapping) or value.get("v") != STORE_VERSION:
        raise StoreValueError("unknown store value")
    name, digest, packed = value.get("name"), value.get("sha256"), value.get("zlib")
    if not (isinstance(name, str) and name and isinstance(digest, str) and len(digest) == SHA256_HEX_CHARS):
        raise StoreValueError("store value without name or hash")
    if not isinstance(packed, str) or len(packed) > MAX_STORE_CHARS:
        raise StoreValueError("store value without content")
    try:
        inflater = zlib.decompressobj()
        content = inflater.decompress(base64.b64decode(packed, validate=True), MAX_UPLOAD_BYTES + 1)
    except (binascii.Error, ValueError, zlib.error) as error:
        raise StoreValueError("store content is not zlib/base64") from error
    if len(content) > MAX_UPLOAD_BYTES or inflater.unconsumed_tail or not inflater.eof:
        raise StoreValueError("store content is larger than an upload may be")
    if hashlib.sha256(content).hexdigest() != digest:
        raise StoreValueError("store content does not match its hash")
    return content, filename_label(name)


class UploadedFiles:
    """Turns uploads and DATASET store values into models, validated against the built-in data.

    Holds only the built-in model (vocabulary, registry, boundaries), never a user's data;
    the resolver's bounded cache keeps the derived datasets.
    """

    def __init__(self, base: "CooperationModel") -> None:
        self.base = base

    def accept(self, contents: str, filename: str | None) -> dict[str, Any]:
        """The store value of an uploaded file once it validates; DataError with every problem otherwise."""
        from dashboard.data.problems import DataError, Problem
        from dashboard.data.sheets import read_user_file

        content = upload_bytes(contents, filename)
        label = filename_label(filename)
        read_user_file(content, label, self.base.registry, self.base)
        value = encode_store(content, label)
        if len(value["zlib"]) > MAX_STORE_CHARS:
            raise DataError(
                [Problem(label, None, None, None, "filen er for stor til å holdes i nettleseren; del den opp i mindre filer")]
            )
        return value

    def __call__(self, value: Any) -> "CooperationModel | None":
        """The resolver's lookup: the model of a store value, or None (built-in) if it is not valid."""
        from dashboard.data.problems import DataError
        from dashboard.data.sheets import read_user_file

        try:
            content, label = decode_store(value)
            return read_user_file(content, label, self.base.registry, self.base)
        except (StoreValueError, DataError):
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
