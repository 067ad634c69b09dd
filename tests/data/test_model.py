"""CooperationModel queries on the synthetic fixtures (six surveyed municipalities, nine arrangements)."""

from __future__ import annotations

import dataclasses

import geopandas as gpd
import pandas as pd
import pytest
from fixtures import DATA, GEODATA

from dashboard.data.loader import load_builtin_cached
from dashboard.data.model import CooperationModel

FOCUS = ("3005", "3041", "3043", "3044", "3049", "3802")


@pytest.fixture(scope="module")
def model() -> CooperationModel:
    return load_builtin_cached(DATA, GEODATA)


def ids(frame: pd.DataFrame) -> list[str]:
    return list(frame["id"])


def test_mod001_fields_have_the_contract_types(model: CooperationModel) -> None:
    assert model.focus == FOCUS
    assert model.source_label == "NIVI Analyse 2021"
    assert len(model.municipalities) == 356
    assert isinstance(model.boundaries, gpd.GeoDataFrame)
    assert model.arrangements.loc[model.arrangements["id"] == "nivi-5.2-05", "services"].iloc[0] == (
        "legevakt",
        "legevaktsentral",
    )
    assert list(model.memberships.columns) == ["arrangement_id", "kommunenummer"]
    assert all(isinstance(knr, str) and len(knr) == 4 for knr in model.memberships["kommunenummer"])
    assert list(model.regions.columns) == ["id", "name", "kind"]


def test_mod002_model_is_frozen(model: CooperationModel) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        model.focus = ()  # type: ignore[misc]


def test_mod003_service_options_used_only_main_first(model: CooperationModel) -> None:
    assert model.service_options() == [
        ("legevakt", "Legevakt"),
        ("barnevernvakt", "Barnevernvakt"),
        ("ikt", "IKT"),
        ("legevaktsentral", "Legevaktsentral"),
        ("renovasjon", "Renovasjon"),
    ]


def test_mod004_sector_legal_form_and_region_options(model: CooperationModel) -> None:
    assert [sid for sid, _ in model.sector_options()] == ["administrasjon", "helse", "sosial", "teknisk"]
    assert [form for form, _ in model.legal_form_options()] == ["IKS", "vertskommune", "§27", "ukjent"]
    assert dict(model.legal_form_options())["IKS"] == "Interkommunalt selskap (IKS)"
    kinds = [kind for _, _, kind in model.region_options()]
    assert kinds == ["kommuneregion", "kommuneregion", "delregion", "regionraad", "fylke"]
    assert model.region_options()[0] == ("drammensregionen", "Drammensregionen", "kommuneregion")


def test_mod005_region_municipalities(model: CooperationModel) -> None:
    assert model.region_municipalities(None) == FOCUS
    assert model.region_municipalities("ovre-hallingdal") == ("3044", "3043")
    with pytest.raises(KeyError):
        model.region_municipalities("atlantis")


def test_mod006_filter_by_service_matches_any_of_its_services(model: CooperationModel) -> None:
    assert ids(model.filtered_arrangements(service="legevaktsentral")) == ["nivi-5.2-05"]
    assert len(model.filtered_arrangements(service="legevakt")) == 5
    assert model.filtered_arrangements(service="ppt").empty
    with pytest.raises(KeyError):
        model.filtered_arrangements(service="teleportasjon")


def test_mod007_filters_combine(model: CooperationModel) -> None:
    assert ids(model.filtered_arrangements(sector="teknisk", legal_form="IKS")) == ["nivi-4.1-12"]
    # Region keeps arrangements with at least one member in it (Tønsberg legevakt via Holmestrand).
    in_drammen = ids(model.filtered_arrangements(service="legevakt", region="drammensregionen"))
    assert in_drammen == ["nivi-5.2-01", "nivi-5.2-02", "nivi-5.2-07"]
    assert len(model.filtered_arrangements()) == len(model.arrangements)


def test_mod008_members_and_several_hosts(model: CooperationModel) -> None:
    assert model.members("nivi-5.2-07") == ("3802", "3803", "3811")
    assert model.hosts("nivi-5.1-04") == ("3044", "3041")
    assert model.hosts("nivi-5.2-06") == ()
    with pytest.raises(KeyError):
        model.members("nivi-0-0")


def test_mod009_coverage_one_row_per_focus_municipality(model: CooperationModel) -> None:
    coverage = model.coverage("legevakt").set_index("kommunenummer")
    assert tuple(coverage.index) == FOCUS
    assert list(coverage.columns) == ["kommune", "arrangement_ids", "arrangementer"]
    assert coverage.loc["3005", "arrangement_ids"] == ("nivi-5.2-01", "nivi-5.2-02")
    assert coverage.loc["3005", "arrangementer"] == "Legevakta i Drammen-Holmestrand | Legevakta i Drammen-Lier"
    ikt = model.coverage("ikt").set_index("kommunenummer")
    assert ikt.loc["3005", "arrangementer"] == "" and ikt.loc["3005", "arrangement_ids"] == ()
    with pytest.raises(KeyError):
        model.coverage("teleportasjon")


def test_mod010_service_membership_includes_members_outside_the_survey(model: CooperationModel) -> None:
    rows = model.service_membership("legevakt", region="drammensregionen")
    tonsberg = rows[rows["arrangement_id"] == "nivi-5.2-07"].set_index("kommunenummer")
    assert list(tonsberg.index) == ["3802", "3803", "3811"]
    assert tonsberg.loc["3803", "is_host"] and not tonsberg.loc["3803", "surveyed"]
    assert tonsberg.loc["3802", "surveyed"] and not tonsberg.loc["3802", "is_host"]
    assert rows["is_host"].dtype == bool and rows["surveyed"].dtype == bool


def test_mod011_totals_and_totals_by_sector(model: CooperationModel) -> None:
    totals = model.totals().set_index("kommunenummer")["ordninger"]
    assert totals.to_dict() == {"3005": 5, "3041": 2, "3043": 3, "3044": 3, "3049": 4, "3802": 3}
    assert model.totals(sector="teknisk").set_index("kommunenummer")["ordninger"]["3005"] == 2
    legevakt_iks = model.totals(service="legevakt", legal_form="vertskommune").set_index("kommunenummer")["ordninger"]
    assert legevakt_iks.to_dict() == {"3005": 2, "3041": 1, "3043": 1, "3044": 1, "3049": 1, "3802": 2}
    wide = model.totals_by_sector().set_index("kommunenummer")
    assert list(wide.columns) == ["kommune", "administrasjon", "helse", "sosial", "teknisk"]
    assert wide.loc["3044", ["administrasjon", "helse", "sosial", "teknisk"]].tolist() == [1, 2, 0, 0]
    assert (wide.drop(columns="kommune").sum(axis=1) == totals).all()


def test_mod012_partner_pairs(model: CooperationModel) -> None:
    pairs = model.partner_pairs(focus_only=True)
    assert (pairs["a"] < pairs["b"]).all()
    shared = {(a, b): n for a, b, n in pairs.itertuples(index=False)}
    assert shared[("3005", "3049")] == 4
    assert shared[("3043", "3044")] == 3
    everyone = model.partner_pairs(service="legevakt")
    assert ("3803", "3811") in set(zip(everyone["a"], everyone["b"]))
    assert model.partner_pairs(service="ppt").empty


def test_mod013_profile_lists_arrangements_with_source(model: CooperationModel) -> None:
    profile = model.profile("3005").set_index("id")
    assert list(profile.columns) == ["name", "sector", "services", "partners", "hosts", "legal_form", "source"]
    row = profile.loc["nivi-5.3-01"]
    assert row["sector"] == "Sosialtjenester"
    assert row["services"] == "Barnevernvakt"
    assert row["partners"] == "Lier, Holmestrand"
    assert row["hosts"] == "Drammen"
    assert row["source"] == "Tabell 5.3, rad 1"
    with pytest.raises(KeyError):
        model.profile("9999")


def test_mod014_profile_counts_with_regional_average(model: CooperationModel) -> None:
    counts = model.profile_counts("3044")
    assert counts["total"] == 3
    assert counts["by_sector"] == {"administrasjon": 1, "helse": 2, "sosial": 0, "teknisk": 0}
    assert counts["region_id"] == "hallingdal" and counts["region_name"] == "Hallingdal"
    assert counts["regional_average"] == pytest.approx((2 + 3 + 3) / 3)


def test_mod015_name_of(model: CooperationModel) -> None:
    assert model.name_of("3043") == "Ål"
    assert model.name_of("3018") == "Våler (Viken)"
    with pytest.raises(KeyError):
        model.name_of("9999")


def test_mod016_queries_do_not_change_the_model(model: CooperationModel) -> None:
    before = model.arrangements.copy()
    frame = model.filtered_arrangements(service="legevakt")
    frame.loc[frame.index[0], "name"] = "endret"
    model.profile("3005")
    model.coverage("legevakt")
    pd.testing.assert_frame_equal(model.arrangements, before)
