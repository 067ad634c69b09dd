"""`python -m dashboard`: CSV on stdout, clear messages, exit codes 0/1/2, never a traceback."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from fixtures import (
    DATA,
    GEODATA,
    REAL_DATA,
    REPO,
    copy_trees,
    national_register_csv,
    real_geodata_ready,
)

from dashboard.cli.main import build_parser, main
from dashboard.output.template import template_csv_bytes

DIRS = ["--data-dir", str(DATA), "--geodata-dir", str(GEODATA)]


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main([*args])
    out, err = capsys.readouterr()
    return code, out, err


def rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_cli001_coverage_one_row_per_surveyed_municipality(capsys) -> None:
    code, out, err = run(capsys, "coverage", "legevakt", *DIRS)
    assert (code, err) == (0, "")
    table = rows(out)
    assert table[0] == ["kommunenummer", "kommunenummer_2024", "kommune", "arrangementer"], "both numbers, to join with today's data"
    assert len(table) == 1 + 6
    by_number = {row[0]: row for row in table[1:]}
    assert by_number["3005"] == ["3005", "3301", "Drammen", "Legevakta i Drammen-Holmestrand | Legevakta i Drammen-Lier"]


def test_cli002_coverage_accepts_label_in_any_case_and_leaves_empty_cells(capsys) -> None:
    code, out, _ = run(capsys, "coverage", "BARNEVERNVAKT", *DIRS)
    assert code == 0
    cells = {row[0]: row[3] for row in rows(out)[1:]}
    assert cells["3044"] == "" and cells["3049"] == "Barnevernvakta i Drammen"


def test_cli003_unknown_service_lists_valid_and_closest_exit_2(capsys) -> None:
    code, out, err = run(capsys, "coverage", "legevakk", *DIRS)
    assert code == 2 and out == ""
    assert "Ukjent tjeneste «legevakk». Mente du «legevakt»?" in err
    assert "Gyldige tjenester: legevakt, barnevernvakt, ikt, legevaktsentral, renovasjon" in err
    assert "Traceback" not in err


def test_cli004_totals(capsys) -> None:
    code, out, _ = run(capsys, "totals", *DIRS)
    assert code == 0
    table = rows(out)
    assert table[0] == ["kommunenummer", "kommunenummer_2024", "kommune", "ordninger"]
    assert ["3005", "3301", "Drammen", "5"] in table and len(table) == 7


def test_cli005_real_data_coverage_has_25_rows(capsys) -> None:
    code, out, _ = run(capsys, "coverage", "legevakt", "--data-dir", str(REAL_DATA), "--geodata-dir", str(GEODATA))
    assert code == 0 and len(rows(out)) == 1 + 25


def test_cli006_output_is_formula_safe(capsys, tmp_path: Path) -> None:
    data, geodata = copy_trees(tmp_path)
    frame = pd.read_csv(data / "arrangements.csv", dtype=str, keep_default_na=False)
    frame.loc[frame["id"] == "nivi-5.2-02", "name"] = '=HYPERLINK("http://evil","klikk")'
    frame.to_csv(data / "arrangements.csv", index=False)
    code, out, _ = run(capsys, "coverage", "legevakt", "--data-dir", str(data), "--geodata-dir", str(geodata))
    assert code == 0
    lier = [row for row in rows(out) if row[0] == "3049"][0]
    assert lier[3] == '\'=HYPERLINK("http://evil","klikk")'


def test_cli007_validate_good_file_prints_summary_exit_0(capsys, tmp_path: Path) -> None:
    path = tmp_path / "kvr.csv"
    path.write_bytes(template_csv_bytes())
    code, out, _ = run(capsys, "validate", str(path), *DIRS)
    assert code == 0
    assert "kvr.csv er gyldig." in out
    assert "Ordninger: 1" in out
    assert "Kommuner: 6 (Eidskog, Grue, Kongsvinger, Nord-Odal, Sør-Odal, Åsnes)" in out
    assert "Fylker: 1 (Innlandet)" in out


def test_cli007b_validate_summary_of_a_national_file_stays_short(capsys, tmp_path: Path) -> None:
    if not real_geodata_ready():
        pytest.skip("needs the real registry of 356 municipalities")
    path = tmp_path / "nasjonal.csv"
    path.write_bytes(national_register_csv())
    code, out, _ = run(capsys, "validate", str(path))
    assert code == 0
    assert "Ordninger: 3000" in out
    assert "Kommuner: 356 (Alstahaug, Alta, " in out and "og 344 andre)" in out
    assert max(len(line) for line in out.splitlines()) < 300


def test_cli008_validate_bad_file_prints_problems_one_per_line_exit_1(capsys, tmp_path: Path) -> None:
    path = tmp_path / "feil.csv"
    path.write_text(
        "navn;deltakere;vertskommune;etablert\nA;Kongsvinnger, Grue;Åsnes;tjue\nA;;;\n", encoding="cp1252"
    )
    code, out, err = run(capsys, "validate", str(path), *DIRS)
    assert code == 1
    lines = out.splitlines()
    assert lines[0] == "feil.csv: 4 problemer — ingenting er lest inn."
    assert "feil.csv, rad 2, kolonne «deltakere»: ukjent kommune «Kongsvinnger». Mente du «Kongsvinger»?" in lines
    assert "feil.csv, rad 3, kolonne «navn»: navnet «A» står også på rad 2" in lines
    assert len(lines) == 1 + 4 + 1 and "Traceback" not in out + err
    assert lines[-1] == "Kommunestruktur: 2024 (357 kommuner, 15 fylker)", "which structure the names were read in"


def test_cli009_validate_missing_file_exit_2(capsys, tmp_path: Path) -> None:
    code, _, err = run(capsys, "validate", str(tmp_path / "finnes-ikke.csv"), *DIRS)
    assert code == 2 and "Kan ikke lese" in err


def test_cli010_broken_builtin_data_exit_1_with_problems(capsys, tmp_path: Path) -> None:
    data, geodata = copy_trees(tmp_path)
    (data / "services.csv").unlink()
    code, out, err = run(capsys, "totals", "--data-dir", str(data), "--geodata-dir", str(geodata))
    assert code == 1 and out == ""
    assert "data/services.csv: filen finnes ikke" in err and "Traceback" not in err


def test_cli011_validate_data(capsys) -> None:
    code, out, _ = run(capsys, "validate-data", *DIRS)
    assert code == 0 and "9 ordninger" in out and "6 kartlagte kommuner" in out


def test_cli012_usage_errors_exit_2(capsys) -> None:
    assert main([]) == 2
    assert main(["fly"]) == 2
    assert main(["--help"]) == 0
    capsys.readouterr()


def test_cli013_a_command_group_registers_from_its_own_module(capsys) -> None:
    def register(subparsers, common):
        parser = subparsers.add_parser("eksport", parents=[common], help="eksport")
        parser.set_defaults(handler=lambda args: print("eksport kjørt") or 0)

    parser = build_parser(groups=(register,))
    args = parser.parse_args(["eksport"])
    assert args.handler(args) == 0
    assert "eksport kjørt" in capsys.readouterr().out


def test_cli015_python_m_dashboard_runs_as_a_process() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "dashboard", "coverage", "nosuch", *DIRS],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert "Ukjent tjeneste «nosuch»" in result.stderr and "Traceback" not in result.stderr


def test_cli016_default_folders_coverage_has_25_rows(capsys) -> None:
    code, out, err = run(capsys, "coverage", "Legevakt")
    assert (code, err) == (0, "")
    table = rows(out)
    assert len(table) == 1 + 25
    assert ["3052", "3338", "Nore og Uvdal", ""] in table  # a gap is a row with an empty cell, not a missing row


# ----- municipality structures (--struktur) ---------------------------------------------------
def test_cli040_coverage_legevakt_in_2024_gives_3301_for_drammen(capsys) -> None:
    code, out, err = run(capsys, "coverage", "legevakt", "--struktur", "2024")
    assert (code, err) == (0, "")
    table = rows(out)
    # kommunenummer is of the structure asked; kommunenummer_2020 joins the rows back to the survey's own.
    assert table[0] == ["kommunenummer", "kommunenummer_2024", "kommunenummer_2020", "kommune", "arrangementer"] and len(table) == 1 + 25
    by_number = {row[0]: row for row in table[1:]}
    assert by_number["3301"][:4] == ["3301", "3301", "3005", "Drammen"] and "3005" not in by_number
    assert by_number["3303"][3] == "Kongsberg" and by_number["4024"][2:4] == ["3819", "Hjartdal"]
    default = {row[0] for row in rows(run(capsys, "coverage", "legevakt")[1])[1:]}
    assert "3005" in default, "without --struktur the survey stays in its 2020 numbers"


def test_cli041_totals_in_2024_same_counts_new_numbers(capsys) -> None:
    before = {row[2]: row[3] for row in rows(run(capsys, "totals", *DIRS)[1])[1:]}
    code, out, _ = run(capsys, "totals", "--struktur", "2024", *DIRS)
    table = rows(out)
    assert code == 0 and ["3301", "3301", "3005", "Drammen", "5"] in table
    assert {row[3]: row[4] for row in table[1:]} == before, "the same municipalities and counts, renumbered"


def test_cli042_validate_reports_the_structure_and_reads_haram_and_alesund(capsys, tmp_path: Path) -> None:
    path = tmp_path / "sunnmore.csv"
    path.write_text(
        "navn;tjeneste;deltakere;vertskommune\nNordre Sunnmøre legevakt;legevakt;Haram, Ålesund, Giske;Ålesund\n"
        "Drammen IKT;IKT;3005, Lier;Drammen\n",
        encoding="utf-8",
    )
    code, out, _ = run(capsys, "validate", str(path), *DIRS)
    assert code == 0
    assert "Kommunestruktur: 2024 (357 kommuner, 15 fylker)" in out
    assert "Kommuner: 5 (Drammen, Giske, Haram, Lier, Ålesund)" in out
    assert "Fylker: 2 (Buskerud, Møre og Romsdal)" in out
    assert "Merknad: sunnmore.csv, rad 3, kolonne «deltakere»: «3005» er Drammen (3005) i kommunestrukturen 2020; lest som Drammen (3301) i 2024" in out
    code, out, _ = run(capsys, "validate", str(path), "--struktur", "2020", *DIRS)
    assert code == 1 and "Kommunestruktur: 2020 (356 kommuner, 11 fylker)" in out
    assert "sunnmore.csv, rad 2, kolonne «deltakere»: «Haram» er Haram (1580) i kommunestrukturen 2024, som ikke svarer til én kommune i 2020" in out


def test_cli043_unknown_structure_is_a_usage_error(capsys) -> None:
    try:
        main(["coverage", "legevakt", "--struktur", "1999", *DIRS])
    except SystemExit as exit_:
        assert exit_.code == 2
    assert "--struktur" in capsys.readouterr().err
