"""Hostile spreadsheets: refused fast, with a message naming the file and the limit, in bounded memory."""

from __future__ import annotations

import io
import re
import time
import tracemalloc
import zipfile

import pytest
from fixtures import DATA, GEODATA
from fixtures.hostile import with_member, xlsx

from dashboard.data.loader import load_builtin_cached
from dashboard.data.problems import DataError
from dashboard.data.sheets import (
    MAX_CELL_CHARS,
    MAX_SHEET_ROWS,
    MAX_UNPACKED_BYTES,
    read_user_file,
)

# Loose bounds for a noisy 2-core machine; the attacks these stop took 17 billion cells or 4.9 GB.
SECONDS = 5.0
PEAK_BYTES = 300 * 1024 * 1024


@pytest.fixture(scope="module")
def base():
    return load_builtin_cached(DATA, GEODATA)


def refused(content: bytes, filename: str, base) -> tuple[list[str], float, int]:
    """(problem lines, seconds, peak traced bytes) of reading a file that must be refused."""
    tracemalloc.start()
    start = time.perf_counter()
    try:
        with pytest.raises(DataError) as caught:
            read_user_file(content, filename, base.registry, base)
        return [str(problem) for problem in caught.value.problems], time.perf_counter() - start, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_hos001_a_far_cell_behind_a_whole_sheet_dimension_is_refused_fast(base) -> None:
    content = xlsx([["navn", "deltakere"], ["A", "Hol"]], {"XFD1048576": "x"})
    assert len(content) < 10_000 and b'ref="A1:XFD1048576"' in zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml")
    lines, seconds, peak = refused(content, "langt-unna.xlsx", base)
    assert lines == [f"langt-unna.xlsx: filen har mer enn {MAX_SHEET_ROWS} rader (tomme rader medregnet); del den opp"]
    assert seconds < SECONDS and peak < PEAK_BYTES


def test_hos002_a_shared_strings_bomb_is_refused_before_parsing(base) -> None:
    content = with_member(xlsx([["navn", "deltakere"], ["A", "Hol"]]), "xl/sharedStrings.xml", b"<sst>" + b"a" * (200 * 1024 * 1024) + b"</sst>")
    assert len(content) < 1024 * 1024, "a small file …"
    lines, seconds, peak = refused(content, "bombe.xlsx", base)
    assert lines == [f"bombe.xlsx: filen pakker seg ut til mer enn {MAX_UNPACKED_BYTES // (1024 * 1024)} MB; den kan ikke leses"]
    assert seconds < SECONDS and peak < PEAK_BYTES, "… that never gets unpacked"


def test_hos003_a_whitespace_bomb_in_the_sheet_is_refused(base) -> None:
    sheet = zipfile.ZipFile(io.BytesIO(xlsx([["navn", "deltakere"], ["A", "Hol"]]))).read("xl/worksheets/sheet1.xml")
    padded = sheet.replace(b"<sheetData>", b"<sheetData>" + b" " * (100 * 1024 * 1024))
    lines, seconds, peak = refused(with_member(xlsx([["navn", "deltakere"], ["A", "Hol"]]), "xl/worksheets/sheet1.xml", padded), "luft.xlsx", base)
    assert "pakker seg ut til mer enn" in lines[0] and seconds < SECONDS and peak < PEAK_BYTES


def test_hos004_a_part_that_unpacks_to_more_than_it_declares_is_refused(base) -> None:
    honest = with_member(xlsx([["navn", "deltakere"], ["A", "Hol"]]), "xl/pad.bin", b"\0" * (MAX_UNPACKED_BYTES + 1024))
    # Rewrite the declared (uncompressed) size of that part in both headers to 1 KB.
    archive = zipfile.ZipFile(io.BytesIO(honest))
    info = archive.getinfo("xl/pad.bin")
    data = bytearray(honest)
    real = (MAX_UNPACKED_BYTES + 1024).to_bytes(4, "little")
    for match in [m.start() for m in re.finditer(re.escape(real), bytes(data))]:
        data[match:match + 4] = (1024).to_bytes(4, "little")
    assert zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo("xl/pad.bin").file_size == 1024 != info.file_size
    lines, seconds, peak = refused(bytes(data), "lyver.xlsx", base)
    assert lines == ["lyver.xlsx: filen kan ikke leses som Excel-fil (.xlsx)"] and seconds < SECONDS and peak < PEAK_BYTES


def test_hos005_a_stale_dimension_loses_no_row(base) -> None:
    rows = [["navn", "deltakere"], *[[f"Ordning {n}", "Hol, Gol"] for n in range(10)]]
    content = xlsx(rows)
    sheet = zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml")
    stale = with_member(content, "xl/worksheets/sheet1.xml", re.sub(rb'<dimension ref="[^"]+"', b'<dimension ref="A1:H2"', sheet))
    assert b'ref="A1:H2"' in zipfile.ZipFile(io.BytesIO(stale)).read("xl/worksheets/sheet1.xml")
    model = read_user_file(stale, "gammel-dimensjon.xlsx", base.registry, base)
    assert len(model.arrangements) == 10


@pytest.mark.parametrize("cell", ["Ordning\x1b[31m", "A\x00B", "A\x0bB"])
def test_hos006_control_characters_are_refused_naming_row_and_column(base, cell: str) -> None:
    csv_content = f"navn;deltakere\r\nGod;Hol\r\n{cell};Gol\r\n".encode("utf-8")
    assert refused(csv_content, "styretegn.csv", base)[0] == [
        "styretegn.csv, rad 3, kolonne «navn»: cellen har kontrolltegn (usynlige tegn som ikke er tekst); skriv den inn på nytt"
    ]


def test_hos007_long_cells_are_refused_naming_row_and_column(base) -> None:
    csv_content = ("navn;deltakere\r\n" + "A" * (MAX_CELL_CHARS + 1) + ";Hol\r\n").encode("utf-8")
    [line] = refused(csv_content, "lang.csv", base)[0]
    assert line.startswith("lang.csv, rad 2, kolonne «navn»: cellen er lengre enn 1000 tegn")


def test_hos008_values_far_to_the_right_are_refused(base) -> None:
    content = xlsx([["navn", "deltakere"], ["A", "Hol"]], {"ZZ2": "skjult"})
    assert refused(content, "bred.xlsx", base)[0] == ["bred.xlsx, rad 2: raden har verdier etter kolonne 60; malen har 8 kolonner"]
