"""`python -m dashboard register …` and `--register` on the other commands, on a real database."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

import pytest
from fixtures import DATA, GEODATA, REPO

from dashboard.cli.main import main

HEADER = "navn;tjeneste;sektor;deltakere;vertskommune;organisasjonsform;etablert;kilde"
FIRST = (
    HEADER,
    "Kongsvingerregionen IPR;;Regionalpolitisk;Kongsvinger, Nord-Odal, Sør-Odal, Eidskog, Grue, Åsnes;Kongsvinger;IPR;2000;",
    "Glåmdal legevakt;legevakt;helse;Kongsvinger, Eidskog, Grue;Kongsvinger;vertskommune;;",
)
SECOND = (
    HEADER,
    "Kongsvingerregionen IPR;;Regionalpolitisk;Kongsvinger, Nord-Odal, Sør-Odal, Eidskog, Grue;Kongsvinger;IPR;2000;",
    "Glåmdal legevakt;legevakt;helse;Kongsvinger, Eidskog, Grue, Åsnes;Kongsvinger;vertskommune;;",
)


@pytest.fixture()
def cli(tmp_path: Path, database_url: str, capsys, monkeypatch):
    """Run a command against the test's database; returns (exit code, stdout, stderr)."""

    def run(*args: str, answer: str | None = None) -> tuple[int, str, str]:
        if answer is None:
            monkeypatch.setattr("builtins.input", lambda _prompt: (_ for _ in ()).throw(EOFError()))
        else:
            monkeypatch.setattr("builtins.input", lambda _prompt: answer)
        code = main([*args, "--data-dir", str(DATA), "--geodata-dir", str(GEODATA), "--database-url", database_url])
        out, err = capsys.readouterr()
        return code, out, err

    return run


def write(tmp_path: Path, name: str, *rows: str) -> str:
    path = tmp_path / name
    path.write_bytes(("\r\n".join(rows) + "\r\n").encode("utf-8"))
    return str(path)


def test_rcli001_import_list_export_reimport_history(cli, tmp_path: Path) -> None:
    code, out, _ = cli("register", "import", write(tmp_path, "k.csv", *FIRST), "--name", "Kongsvingerregionen")
    assert code == 0 and "Lagret «Kongsvingerregionen» på /r/kongsvingerregionen: 2 nye" in out
    assert "Merknad: k.csv, rad 2, kolonne «sektor»: «Regionalpolitisk» er ingen standardsektor" in out
    code, out, _ = cli("register", "list")
    assert code == 0 and "kongsvingerregionen\tKongsvingerregionen\t2 ordninger\tversjon 1" in out and "nivi-2021" in out
    exported = tmp_path / "k.xlsx"
    assert cli("register", "export", "kongsvingerregionen", "--out", str(exported))[0] == 0
    code, out, _ = cli("register", "import", str(exported), "--slug", "kongsvingerregionen")
    assert code == 0 and "ingen endringer" in out and "Ingenting å lagre." in out
    code, out, _ = cli("register", "history", "kongsvingerregionen")
    assert code == 0 and len(out.splitlines()) == 2 and "lagt til «Glåmdal legevakt»" in out


def test_rcli002_an_existing_register_asks_before_it_writes(cli, tmp_path: Path) -> None:
    cli("register", "import", write(tmp_path, "k.csv", *FIRST), "--name", "Kongsvingerregionen")
    second = write(tmp_path, "k2.csv", *SECOND)
    code, out, _ = cli("register", "import", second, "--slug", "kongsvingerregionen")
    assert code == 1 and "Avbrutt; ingenting er lagret" in out, "no answer (no terminal): nothing written"
    assert "~ endret: Glåmdal legevakt, deltakere: Kongsvinger, Eidskog, Grue → Kongsvinger, Eidskog, Grue, Åsnes" in out
    assert cli("register", "import", second, "--slug", "kongsvingerregionen", answer="n")[0] == 1
    code, out, _ = cli("register", "import", second, "--slug", "kongsvingerregionen", answer="j")
    assert code == 0 and "0 nye, 2 endret, 0 avsluttet" in out
    history = cli("register", "history", "kongsvingerregionen")[1].splitlines()
    assert len(history) == 4 and all("(fil: k2.csv)" in line for line in history[2:])


def test_rcli003_other_commands_take_register(cli, tmp_path: Path) -> None:
    cli("register", "import", write(tmp_path, "k.csv", *FIRST), "--name", "Kongsvingerregionen", "--yes")
    code, out, err = cli("coverage", "legevakt", "--register", "kongsvingerregionen")
    assert (code, err) == (0, "")
    table = {row["kommune"]: row["arrangementer"] for row in csv.DictReader(io.StringIO(out))}
    assert table["Grue"] == "Glåmdal legevakt" and table["Åsnes"] == "" and "Drammen" not in table
    code, _out, err = cli("totals", "--register", "kongsvingerregion")
    assert code == 2 and "Ukjent register «kongsvingerregion». Mente du «kongsvingerregionen»?" in err


def test_rcli004_bad_files_are_named_row_by_row_and_nothing_is_imported(cli, tmp_path: Path) -> None:
    code, out, _ = cli("register", "import", write(tmp_path, "feil.csv", HEADER, "A;legevakt;;Kongsvinnger;;;;"), "--name", "Feil")
    assert code == 1 and "feil.csv: 1 problem — ingenting er importert." in out
    assert "feil.csv, rad 2, kolonne «deltakere»: ukjent kommune «Kongsvinnger». Mente du «Kongsvinger»?" in out
    code, _out, err = cli("register", "import", str(tmp_path / "mangler.csv"), "--name", "X")
    assert code == 2 and "Kan ikke lese" in err and "Traceback" not in err
    assert "feil" not in cli("register", "list")[1]


def test_rcli005_export_of_a_register_as_a_map_file(cli, tmp_path: Path) -> None:
    """`export --register` draws the register (SVG: text is searchable)."""
    cli("register", "import", write(tmp_path, "k.csv", *FIRST), "--name", "Kongsvingerregionen", "--yes")
    out = tmp_path / "kart.svg"
    code, _out, err = cli("export", "--register", "kongsvingerregionen", "--service", "legevakt", "--format", "svg", "--out", str(out))
    assert code == 0, err
    svg = out.read_text(encoding="utf-8")
    assert "Glåmdal legevakt" in svg and "Kilde: Kongsvingerregionen" in svg and "Kartgrunnlag: © Kartverket" in svg


def test_rcli006_runs_as_a_process_with_database_url(sqlite_url: str, tmp_path: Path) -> None:
    env = {"DATABASE_URL": sqlite_url, "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "-m", "dashboard", "register", "import", write(tmp_path, "k.csv", *FIRST), "--name", "Kongsvingerregionen"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    listing = subprocess.run([sys.executable, "-m", "dashboard", "register", "list"], cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert "kongsvingerregionen" in listing.stdout


def test_rcli007_per_dato_on_the_command_line(cli, tmp_path: Path) -> None:
    rows = (
        HEADER,
        "Glåmdal legevakt;legevakt;;Kongsvinger, Eidskog, Grue;Kongsvinger;vertskommune;2012;",
        "Odal legevakt;legevakt;;Nord-Odal, Sør-Odal;Sør-Odal;vertskommune;2008;",
    )
    cli("register", "import", write(tmp_path, "l.csv", *rows), "--name", "Legevakter", "--yes")
    cli("register", "import", write(tmp_path, "l2.csv", *rows[:2]), "--slug", "legevakter", "--yes")  # Odal ends today

    def covered(*extra: str) -> dict[str, str]:
        code, out, err = cli("coverage", "legevakt", "--register", "legevakter", *extra)
        assert (code, err) == (0, "")
        return {row["kommune"]: row["arrangementer"] for row in csv.DictReader(io.StringIO(out)) if row["arrangementer"]}

    assert covered("--per", "2011-06-01") == {"Nord-Odal": "Odal legevakt", "Sør-Odal": "Odal legevakt"}, "Glåmdal (2012) not yet"
    assert set(covered("--per", "2013-01-01").values()) == {"Glåmdal legevakt", "Odal legevakt"}
    assert set(covered().values()) == {"Glåmdal legevakt"}, "Odal ended today"
    code, _out, err = cli("coverage", "legevakt", "--per", "2011-13-01")
    assert code == 2 and "Ugyldig dato «2011-13-01»" in err


def test_rcli008_unlisted_registers_and_the_register_as_it_stood(cli, tmp_path: Path) -> None:
    import datetime as dt

    cli("register", "import", write(tmp_path, "k.csv", *FIRST), "--name", "Kongsvingerregionen", "--yes")
    code, out, _ = cli("register", "set", "kongsvingerregionen", "--unlisted")
    assert code == 0 and "skjult fra /registre" in out
    assert "(ikke oppført)" in cli("register", "list")[1]
    before = (dt.datetime.now() - dt.timedelta(days=1)).strftime("%Y-%m-%d")
    cli("register", "import", write(tmp_path, "k2.csv", *SECOND), "--slug", "kongsvingerregionen", "--yes")
    old, new = tmp_path / "old.csv", tmp_path / "new.csv"
    assert cli("register", "export", "kongsvingerregionen", "--at", before, "--out", str(old))[0] == 0
    assert cli("register", "export", "kongsvingerregionen", "--out", str(new))[0] == 0
    assert old.read_text(encoding="utf-8-sig").count("\n") == 1, "yesterday the register was empty"
    assert "Åsnes" in new.read_text(encoding="utf-8-sig")
    assert cli("register", "export", "kongsvingerregionen", "--at", "i går", "--out", str(old))[0] == 2


def test_rcli040_new_registers_are_2024_unless_told_and_list_says_which(cli, tmp_path: Path) -> None:
    sunnmore = write(tmp_path, "s.csv", "navn;tjeneste;deltakere;vertskommune", "Nordre Sunnmøre legevakt;legevakt;Haram, Ålesund;Ålesund")
    code, out, _ = cli("register", "import", sunnmore, "--name", "Sunnmøre")
    assert code == 0, out
    code, out, _ = cli("register", "import", write(tmp_path, "k.csv", *FIRST), "--name", "Kongsvingerregionen", "--struktur", "2020")
    assert code == 0, out
    code, out, _ = cli("register", "list")
    assert "sunnmore\tSunnmøre\t1 ordninger\tversjon 1\tkommunestruktur 2024" in out
    assert "kongsvingerregionen\tKongsvingerregionen\t2 ordninger\tversjon 1\tkommunestruktur 2020" in out
    assert "nivi-2021" in out and "kommunestruktur 2020\t/r/nivi-2021" in out
    code, out, _ = cli("coverage", "legevakt", "--register", "sunnmore")
    assert code == 0 and "1580,1580,1507,Haram,Nordre Sunnmøre legevakt" in out, "a 2024 register: 2024 numbers, and the 2020 one"
    code, _out, err = cli("coverage", "legevakt", "--register", "sunnmore", "--struktur", "2020")
    assert code == 2 and "Kan ikke vise dataene i kommunestrukturen 2020" in err


def test_rcli041_a_2024_register_cannot_be_printed_or_exported_in_2020(cli, tmp_path: Path) -> None:
    sunnmore = write(tmp_path, "s.csv", "navn;tjeneste;deltakere;vertskommune", "Nordre Sunnmøre legevakt;legevakt;Haram, Ålesund;Ålesund")
    assert cli("register", "import", sunnmore, "--name", "Sunnmøre")[0] == 0
    out = tmp_path / "ut"
    for command in (
        ("factsheet", "--kommune", "Haram", "--out", str(out)),
        ("export", "--service", "legevakt", "--out", str(out / "kart.png")),
        ("export", "--service", "legevakt", "--link", "?struktur=2020", "--out", str(out / "kart.png")),
        ("samsvar",),
        ("totals",),
    ):
        extra = () if "--link" in command else ("--struktur", "2020")
        code, stdout, err = cli(*command, "--register", "sunnmore", *extra)
        assert (code, stdout) == (2, ""), command
        assert "Kan ikke vise dataene i kommunestrukturen 2020: de er registrert i 2024 (357 kommuner, 15 fylker)" in err, command
        assert "Haram ble skilt ut fra Ålesund" in err and "Traceback" not in err
    assert not out.exists(), "nothing is written"
