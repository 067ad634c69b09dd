"""«Samsvar» definitions (dashboard.data.alignment) on a hand-made register and on the survey."""

from __future__ import annotations

import pytest
from fixtures import DATA, GEODATA

from dashboard.data import alignment
from dashboard.data.loader import load_builtin_cached
from dashboard.data.model import CooperationModel
from dashboard.data.sheets import read_user_file

HEADER = "navn,tjeneste,sektor,deltakere,vertskommune,organisasjonsform,etablert,kilde"
# Six municipalities of Glåmdal, numbers of 2020.
K, E, G, NO, SO, AA = "3401", "3416", "3417", "3414", "3415", "3418"
ROWS = (
    'LV Sør,legevakt,helse,"Kongsvinger, Eidskog, Grue",Kongsvinger,vertskommune,2010,a',
    'LV Odal,legevakt,helse,"Nord-Odal, Sør-Odal",,avtale,,b',
    'LV Kongsvinger-Åsnes,legevakt,helse,"Kongsvinger, Åsnes",,avtale,,c',
    'PPT Glåmdal,ppt,helse,"Kongsvinger, Eidskog, Grue",,vertskommune,,d',
    'IKT Vinger,ikt,helse,"Kongsvinger, Eidskog",,IKS,,e',
    'IKT Grue-Odal,ikt,helse,"Grue, Nord-Odal",,IKS,,f',
)


@pytest.fixture(scope="module")
def register() -> CooperationModel:
    """A hand-made register, read exactly as an upload is."""
    base = load_builtin_cached(DATA, GEODATA)
    content = ("\n".join([HEADER, *ROWS]) + "\n").encode("utf-8")
    return read_user_file(content, "glamdal.csv", base.registry, base)


def by_number(rows):
    return {row.kommunenummer: (row.services, row.constellations) for row in rows}


def test_sam001_partner_set_is_the_union_of_arrangements_for_the_service_minus_itself(register):
    assert alignment.partner_set(register, K, "legevakt") == {E, G, AA}
    assert alignment.partner_set(register, K, "ppt") == {E, G}
    assert alignment.partner_set(register, SO, "ppt") is None


def test_sam002_tjenester_and_konstellasjoner_on_a_hand_made_register(register):
    rows = alignment.constellations(register, ("legevakt", "ppt", "ikt"))
    assert by_number(rows) == {
        K: (3, 3),  # {E,G,Å}, {E,G}, {E}
        E: (3, 2),  # {K,G} twice, {K}
        G: (3, 2),  # {K,E} twice, {NO}
        NO: (2, 2),  # {SO}, {G}
        SO: (1, 1),
        AA: (1, 1),
    }
    # One service: everyone is in step with themselves; a service nobody has: no rows.
    assert {c for _s, c in by_number(alignment.constellations(register, ("ppt",))).values()} == {1}
    assert alignment.constellations(register, ("nav",)) == []


def test_sam003_district_agreement_counts_pairs_in_both_or_neither(register):
    matrix = alignment.agreement_matrix(register, ("legevakt", "ppt", "ikt"))
    assert matrix[("legevakt", "ppt")] == (1.0, 3)  # K, E, G: partners in both, all three pairs
    assert matrix[("legevakt", "ikt")] == (0.5, 6)  # K, E, G, NO: KE, K–NO, E–NO agree; KG, EG, G–NO differ
    assert matrix[("ppt", "ikt")] == (pytest.approx(1 / 3), 3)
    assert matrix[("ikt", "legevakt")] == matrix[("legevakt", "ikt")]
    assert alignment.agreement(register, "legevakt", "nav") == (None, 0)


def test_sam004_partner_grid_puts_recurring_partners_first(register):
    grid = alignment.partner_grid(register, K, ("legevakt", "ppt", "ikt", "nav"))
    assert grid.partners == (E, G, AA)
    assert [grid.shared_count(partner) for partner in grid.partners] == [3, 2, 1]
    assert len(grid.cells[("legevakt", AA)]) == 1 and ("ppt", AA) not in grid.cells
    assert grid.not_taking_part == ("nav",)


def test_sam005_compare_two_services(register):
    result = alignment.compare(register, "legevakt", "ppt")
    assert (result.same, result.different) == ((E, G), (K,))
    assert result.only_first == (NO, SO, AA) and result.only_second == ()


def test_sam006_service_choice_is_checked(register):
    assert alignment.check_services(register, ["ppt", "ppt", "ikt"]) == ("ppt", "ikt")
    with pytest.raises(KeyError):
        alignment.check_services(register, ["legevakten"])


# ----- on the survey: the numbers the issue quotes ------------------------------------------

SIX = ("legevakt", "barnevernvakt", "ppt", "nav", "ikt", "krisesenter")
SIGDAL, HOL, DRAMMEN = "3045", "3044", "3005"
OUT_OF_STEP = {"3045": "Sigdal", "3050": "Flesberg", "3046": "Krødsherad", "3051": "Rollag", "3808": "Notodden", "3819": "Hjartdal"}
HALLINGDAL = ("3039", "3040", "3041", "3042", "3043", "3044")


def test_sam010_survey_default_services_are_the_six(real_model):
    assert alignment.default_services(real_model) == SIX


def test_sam011_survey_sigdal_hol_drammen(real_model):
    counts = by_number(alignment.constellations(real_model, SIX))
    assert counts[SIGDAL] == (6, 5)
    assert counts[HOL] == (6, 3)
    assert counts[DRAMMEN] == (2, 2)
    assert {number: counts[number] for number in OUT_OF_STEP} == {number: (6, 5) for number in OUT_OF_STEP}
    assert {counts[number] for number in HALLINGDAL} == {(6, 3)}
    assert len(counts) == 25


def test_sam012_survey_hol_partner_grid(real_model):
    grid = alignment.partner_grid(real_model, HOL, SIX)
    names = [real_model.name_of(partner) for partner in grid.partners]
    # Ål is Hol's partner in all six; the rest of Hallingdal in four or five; no service missing.
    assert names[0] == "Ål" and grid.shared_count(grid.partners[0]) == 6
    assert grid.not_taking_part == ()
    assert set(names) >= {"Gol", "Hemsedal", "Nesbyen", "Flå"}


def test_sam014_at_most_twelve_services(real_model):
    services = [service_id for service_id, _label in real_model.service_options()]
    assert len(alignment.check_services(real_model, services[: alignment.MAX_SERVICES])) == alignment.MAX_SERVICES
    with pytest.raises(ValueError, match="høyst 12"):
        alignment.check_services(real_model, services[: alignment.MAX_SERVICES + 1])


def test_sam013_survey_drammen_and_region(real_model):
    grid = alignment.partner_grid(real_model, DRAMMEN, SIX)
    assert set(grid.not_taking_part) == {"ppt", "nav", "ikt", "krisesenter"}
    rows = alignment.constellations(real_model, SIX, region="hallingdal")
    assert [row.kommunenummer for row in rows] == sorted(HALLINGDAL)
    value, pairs = alignment.agreement(real_model, "legevakt", "barnevernvakt")
    assert pairs == 231 and value == pytest.approx(0.89, abs=0.005)


def test_sam007_register_without_headline_services_gets_its_own(register):
    base = load_builtin_cached(DATA, GEODATA)
    content = (HEADER + "\nRenovasjon Glåmdal,renovasjon,teknisk,\"Kongsvinger, Grue\",,IKS,,a\n").encode("utf-8")
    model = read_user_file(content, "renovasjon.csv", base.registry, base)
    assert alignment.default_services(model) == ("renovasjon",)
    assert alignment.default_services(register) == ("legevakt", "ppt", "ikt")
