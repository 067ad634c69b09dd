"""The survey data reproduces the report's own tables (NIVI Analyse 2021).

Each number the dashboard shows stands on data/. These tests recompute the report's tables
3.1, 3.2 and 4.1–4.6 from the transcribed arrangements, and pin every documented exception in
data/known_source_conflicts.csv so none can appear or vanish silently.
"""
from __future__ import annotations

import csv
import re
import sys
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"
SEED = ROOT.parent / "shared" / "seeds" / "004_2beee92a2a199215.txt"


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def model():
    from dashboard.data.loader import load_builtin

    return load_builtin()


def covered_count(model, service: str) -> int:
    coverage = model.coverage(service)
    return int((coverage["arrangementer"] != "").sum())


def test_srv001_holds_221_arrangements_214_from_sector_tables(model):
    arrangements = model.arrangements
    assert len(arrangements) == 221
    from_sector_tables = arrangements["source_table"].str.match(r"^5\.\d+$")
    assert int(from_sector_tables.sum()) == 214
    assert arrangements["id"].is_unique


def test_srv002_sector_table_row_counts_match_the_report(model):
    """Section 5 states how many arrangements each sector table holds."""
    stated = {"5.1": 25, "5.2": 47, "5.3": 36, "5.4": 10, "5.5": 2, "5.6": 27, "5.7": 33, "5.8": 14, "5.9": 9, "5.10": 11}
    counts = Counter(model.arrangements["source_table"])
    assert {table: counts[table] for table in stated} == stated


def test_srv003_headline_coverage_equals_table_3_1(model):
    expected = {"legevakt": 23, "barnevernvakt": 24, "ppt": 15, "nav": 16, "ikt": 18, "krisesenter": 24}
    assert {service: covered_count(model, service) for service in expected} == expected


def test_srv004_headline_gaps_are_the_ones_the_report_names(model):
    def gaps(service: str) -> set[str]:
        coverage = model.coverage(service)
        return set(coverage.loc[coverage["arrangementer"] == "", "kommune"])

    assert gaps("legevakt") == {"Nore og Uvdal", "Tinn"}
    assert gaps("barnevernvakt") == {"Kongsberg"}
    assert gaps("krisesenter") == {"Drammen"}


def test_srv005_every_task_area_of_table_3_1_matches_or_is_documented(model):
    documented = {row["key"]: int(row["data_value"]) for row in read_csv(DATA / "known_source_conflicts.csv") if row["check_kind"] == "coverage"}
    for row in read_csv(DATA / "reference" / "table_3_1.csv"):
        service = row["service_id"]
        got = covered_count(model, service) if service in dict(model.service_options()) else 0
        if service in documented and int(row["antall_kommuner"]) != documented[service]:
            assert got == documented[service], f"{service}: documented {documented[service]}, data {got}"
        else:
            assert got == int(row["antall_kommuner"]), f"Tabell 3.1 rad {row['nr']} {row['oppgave_printed']}: report {row['antall_kommuner']}, data {got}"


def test_srv006_totals_equal_table_3_2_except_documented(model):
    documented = {row["key"]: int(row["data_value"]) for row in read_csv(DATA / "known_source_conflicts.csv") if row["check_kind"] == "total"}
    assert set(documented) == {"3043", "3819"}  # Ål and Hjartdal, nothing else
    totals = model.totals().set_index("kommune")["ordninger"]
    number_of = dict(zip(model.totals()["kommune"], model.totals()["kommunenummer"]))
    for row in read_csv(DATA / "reference" / "table_3_2.csv"):
        number = number_of[row["kommune"]]
        expected = documented.get(number, int(row["ordninger_totalt"]))
        assert int(totals[row["kommune"]]) == expected, row["kommune"]


def test_srv007_known_conflicts_aal_44_and_hjartdal_35(model):
    totals = dict(zip(model.totals()["kommunenummer"], model.totals()["ordninger"]))
    assert totals["3043"] == 44  # Table 3.2 says 48
    assert totals["3819"] == 35  # Table 3.2 says 34


def test_srv008_every_documented_conflict_holds(model):
    """Each row of known_source_conflicts.csv still describes the data."""
    totals = dict(zip(model.totals()["kommunenummer"], model.totals()["ordninger"]))
    arrangements = model.arrangements.set_index("id")
    for row in read_csv(DATA / "known_source_conflicts.csv"):
        kind, key, value = row["check_kind"], row["key"], row["data_value"]
        if kind == "total":
            assert totals[key] == int(value), row["id"]
        elif kind == "coverage":
            assert covered_count(model, key) == int(value), row["id"]
        elif kind == "member_count":
            assert len(model.members(key)) == int(value), row["id"]
        elif kind == "membership":
            arrangement_id, number = key.split(":")
            assert (number in model.members(arrangement_id)) == (value == "medlem"), row["id"]
        elif kind == "established":
            assert arrangements.loc[key, "established"] == value, row["id"]
        else:
            pytest.fail(f"{row['id']}: unknown check_kind {kind!r}")
        assert row["report_value"] != row["data_value"], row["id"]


def test_srv009_tables_4_are_reproduced_apart_from_documented_conflicts(model):
    reference = read_csv(DATA / "reference" / "tables_4.csv")
    conflicts = {row["id"]: row for row in read_csv(DATA / "known_source_conflicts.csv")}
    allowed_missing = {("3043", name) for name in ("Fagrådet for Ytre Oslofjord", "IKA Opplandene", "Alarmsentral brann Innlandet (ABI)", "Osloregionen IKPR")}
    assert "Ål" in conflicts["K01"]["subject"]
    names = model.arrangements.set_index("id")["name"]
    per_municipality: dict[str, set[str]] = {}
    for row in reference:
        per_municipality.setdefault(row["kommunenummer"], set()).add(row["arrangement_id"])
    assert {k: len(v) for k, v in per_municipality.items()} == {"3005": 31, "3802": 31, "3006": 26, "3818": 22, "3043": 48, "3007": 33, "3054": 36}
    for number, listed in per_municipality.items():
        in_data = {a for a in model.arrangements["id"] if number in model.members(a)}
        only_in_report = {(number, names[a]) for a in listed - in_data}
        assert only_in_report <= allowed_missing, only_in_report
        assert in_data <= listed, {names[a] for a in in_data - listed}
    assert len(allowed_missing) == 4


def test_srv010_tables_4_participant_cells_agree_with_memberships(model):
    stated_totals = {row["key"]: int(row["report_value"]) for row in read_csv(DATA / "known_source_conflicts.csv") if row["check_kind"] == "member_count"}
    resolve = model.registry.resolve if hasattr(model, "registry") else None
    arrangements = model.arrangements.set_index("id")
    for row in read_csv(DATA / "reference" / "tables_4.csv"):
        members = set(model.members(row["arrangement_id"]))
        count = re.fullmatch(r"(\d+) kommuner", row["participants_printed"])
        where = f"Tabell {row['table']} rad {row['row']}"
        if count:
            stated = arrangements.loc[row["arrangement_id"], "stated_member_count"]
            allowed = {len(members), stated_totals.get(row["arrangement_id"]), None if stated in ("", None) else int(stated)}
            assert int(count.group(1)) in allowed, where
        elif resolve is not None:
            printed = {resolve(name.strip()) for name in row["participants_printed"].split(",")}
            assert printed == members, where


def test_srv011_summary_cells_resolved_and_recorded(model):
    """Every summarising cell ("Eid av 37 kommuner inkl. …") is resolved and recorded."""
    resolutions = {row["arrangement_id"]: row for row in read_csv(DATA / "resolutions.csv")}
    arrangements = model.arrangements.set_index("id")
    summarising = arrangements[arrangements["participants_printed"].str.contains(r"\d+ (?:andre )?kommuner|Alle kommunene", regex=True)]
    assert set(summarising.index) == set(resolutions)
    for arrangement_id, row in resolutions.items():
        members = model.members(arrangement_id)
        assert len(members) == int(row["listed"]), arrangement_id
        complete = row["members_complete"] == "true"
        assert str(arrangements.loc[arrangement_id, "members_complete"]).lower() == row["members_complete"]
        if not complete:
            assert len(members) < int(row["stated_member_count"]), arrangement_id
    telemark = set(model.members("nivi-5.3-11"))
    assert len(telemark) == 17 and {"3818", "3819", "3808", "3807", "3806"} <= telemark


def test_srv012_table_1_1_population_and_regions(model):
    surveyed = read_csv(DATA / "surveyed.csv")
    assert len(surveyed) == 25
    assert set(model.focus) == {row["kommunenummer"] for row in surveyed}
    totals = Counter()
    for row in surveyed:
        totals[row["region_id"]] += int(row["innbyggere_2021"])
    for row in read_csv(DATA / "reference" / "table_1_1_regions.csv"):
        assert totals[row["region_id"]] == int(row["innbyggere_2021"]), row["name"]


def test_srv013_memberships_file_is_built_from_the_printed_lists():
    sys.path.insert(0, str(DATA))
    try:
        import build_memberships
    finally:
        sys.path.remove(str(DATA))
    assert build_memberships.main(["--check"]) == 0


@pytest.mark.skipif(not SEED.exists(), reason="the source text lives in ../shared/seeds beside the repo")
def test_srv014_every_name_and_participant_cell_is_in_the_source_text(model):
    """Transcription check: names and participant cells occur in the report's text."""
    flat = re.sub(r"\s+", "", SEED.read_text(encoding="utf-8"))
    for row in model.arrangements.itertuples():
        assert re.sub(r"\s+", "", row.name) in flat, row.id
        assert re.sub(r"\s+", "", row.participants_printed) in flat, row.id
    for row in read_csv(DATA / "sources" / "full_lists.csv"):
        if row["source"].startswith("Tabell"):
            assert re.sub(r"\s+", "", row["participants_printed"]) in flat, row["source"]


# ----- corrections from the independent audit (issue 13): attributes the report states ---------

AUDIT_HOSTS = {
    # Hjartdal and Hemsedal host nothing (kap. 3.2, Tabell 3.2), so the other member of each pair hosts.
    "nivi-5.2-37": "3808", "nivi-5.2-45": "3808", "nivi-5.3-28": "3808", "nivi-5.4-04": "3808", "nivi-5.9-07": "3808",
    "nivi-5.6-05": "3041", "nivi-5.6-07": "3041",
}
AUDIT_LEGAL_FORMS = {
    "nivi-5.3-17": "stiftelse", "nivi-5.3-22": "stiftelse", "nivi-5.3-21": "stiftelse",
    "nivi-5.1-02": "KO", "nivi-5.1-09": "KO", "nivi-5.1-13": "KO",
    "nivi-5.4-04": "vertskommune",
    "nivi-5.2-01": "avtale", "nivi-5.2-02": "avtale",
}


def quotes(text: str) -> list[str]:
    return re.findall(r"«([^»]*)»", text)


def test_srv015_audit_hosts_with_their_basis(model):
    rows = {row["id"]: row for row in read_csv(DATA / "arrangements.csv")}
    for arrangement_id, host in AUDIT_HOSTS.items():
        assert model.hosts(arrangement_id) == (host,), arrangement_id
        assert "vertskommuneansvar" in rows[arrangement_id]["host_basis"], arrangement_id
        assert len(model.members(arrangement_id)) == 2
    # Hjartdal and Hemsedal still host nothing, as the report says.
    hosted = {number for hosts in model.arrangements["hosts"] for number in hosts}
    assert "3819" not in hosted and "3042" not in hosted


def test_srv016_audit_legal_forms_with_their_basis(model):
    rows = {row["id"]: row for row in read_csv(DATA / "arrangements.csv")}
    for arrangement_id, form in AUDIT_LEGAL_FORMS.items():
        assert model.arrangement(arrangement_id)["legal_form"] == form, arrangement_id
        assert quotes(rows[arrangement_id]["legal_form_basis"]), arrangement_id
    assert model.legal_form_label("stiftelse") == "Stiftelse" and model.legal_form_label("avtale") == "Avtale"


def test_srv017_audit_conflict_evidence_cites_the_report():
    conflicts = {row["id"]: row for row in read_csv(DATA / "known_source_conflicts.csv")}
    assert "6 revisjonstjenester, hvorav 3 kommunale" in conflicts["K04"]["evidence"]
    assert "6 revisjonstjenester, hvorav 3 kommunale" in conflicts["K04"]["report_source"]
    assert "ikke har medført en felles IKT-organisasjon" in conflicts["K03"]["evidence"]
    assert "Hadeland preges av enhetskommunale løsninger" in conflicts["K03"]["evidence"]


@pytest.mark.skipif(not SEED.exists(), reason="the source text lives in ../shared/seeds beside the repo")
def test_srv018_every_quoted_basis_is_in_the_source_text():
    """Every «quote» in a basis or in the conflicts' evidence occurs verbatim in the report."""
    flat = re.sub(r"\s+", "", SEED.read_text(encoding="utf-8"))
    cited = [
        (row["id"], quote)
        for row in read_csv(DATA / "arrangements.csv")
        for column in ("host_basis", "legal_form_basis")
        for quote in quotes(row[column])
    ]
    cited += [(row["id"], quote) for row in read_csv(DATA / "known_source_conflicts.csv") for quote in quotes(row["evidence"])]
    assert len(cited) >= 15
    for where, quote in cited:
        assert re.sub(r"\s+", "", quote) in flat, (where, quote)
