"""`python -m dashboard samsvar`: konstellasjoner per municipality and the agreement matrix as CSV."""

from __future__ import annotations

import csv
import io

from dashboard.cli.main import main


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main([*args])
    out, err = capsys.readouterr()
    return code, out, err


def table(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_sac001_survey_default_six_services(capsys) -> None:
    code, out, err = run(capsys, "samsvar")
    assert (code, err) == (0, "")
    rows = table(out)
    assert rows[0] == ["kommunenummer", "kommunenummer_2024", "kommune", "tjenester", "konstellasjoner"]
    by_name = {row[2]: row[3:] for row in rows[1:]}
    assert len(by_name) == 25
    assert by_name["Sigdal"] == ["6", "5"] and by_name["Hol"] == ["6", "3"] and by_name["Drammen"] == ["2", "2"]
    explicit = run(capsys, "samsvar", "--services", "legevakt,barnevernvakt,ppt,nav,ikt,krisesenter")[1]
    assert explicit == out


def test_sac002_region_and_labels(capsys) -> None:
    code, out, _err = run(capsys, "samsvar", "--services", "Legevakt, PPT", "--region", "Hallingdal")
    assert code == 0
    rows = table(out)[1:]
    assert [row[2] for row in rows] == ["Flå", "Nesbyen", "Gol", "Hemsedal", "Ål", "Hol"]
    assert {tuple(row[3:]) for row in rows} == {("2", "2")}


def test_sac003_matrix(capsys) -> None:
    code, out, _err = run(capsys, "samsvar", "--matrix", "--services", "legevakt,barnevernvakt,nav")
    assert code == 0
    rows = table(out)
    assert rows[0] == ["tjeneste", "legevakt", "barnevernvakt", "nav"]
    assert rows[1] == ["legevakt", "1.000", "0.887", "0.924"]
    assert rows[2][3] == "1.000"  # barnevernvakt and nav: the same partners for every eligible pair


def test_sac004_bad_service_names_the_closest_and_exits_2(capsys) -> None:
    code, out, err = run(capsys, "samsvar", "--services", "legevakt,barnvernvakt")
    assert code == 2 and out == ""
    assert "Ukjent tjeneste «barnvernvakt». Mente du «barnevernvakt»" in err
    code, _out, err = run(capsys, "samsvar", "--services", ",".join(["legevakt", "ppt", "nav", "ikt", "krisesenter", "barnevernvakt", "revisjon", "arkiv", "lonn", "regnskap", "innkjop", "bibliotek", "museum"]))
    assert code == 2 and "høyst 12" in err


def test_sac005_in_2024_the_county_of_buskerud_and_both_numbers(capsys) -> None:
    code, out, err = run(capsys, "samsvar", "--struktur", "2024", "--region", "Buskerud")
    assert (code, err) == (0, "")
    rows = table(out)
    assert rows[0] == ["kommunenummer", "kommunenummer_2024", "kommunenummer_2020", "kommune", "tjenester", "konstellasjoner"]
    by_name = {row[3]: row for row in rows[1:]}
    assert by_name["Drammen"][:3] == ["3301", "3301", "3005"] and by_name["Sigdal"][:3] == ["3332", "3332", "3045"]
    assert by_name["Sigdal"][4:] == ["6", "5"], "the same counts as in 2020"
    code, _out, err = run(capsys, "samsvar", "--region", "Buskerud")
    assert code == 2 and "Ukjent region «Buskerud»" in err, "no county of 2020"
