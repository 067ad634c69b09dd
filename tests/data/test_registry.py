"""Registry: names as people type them resolve to one kommunenummer, or say clearly why not."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest
from fixtures import DATA, GEODATA, REAL_GEODATA, real_geodata_ready

from dashboard.data.registry import (
    AmbiguousMunicipality,
    Registry,
    UnknownMunicipality,
    normalize_name,
)


@pytest.fixture(scope="module")
def registry() -> Registry:
    return Registry.from_files(GEODATA / "kommuner-2020.csv", GEODATA / "aliases.csv")


@pytest.mark.parametrize(
    "typed",
    ["Sør-Aurdal", "Sør Aurdal", "sør aurdal", "  SØR   AURDAL ", "Sør–Aurdal", "sør - aurdal"],
)
def test_reg001_case_space_and_hyphen_variants_are_one_name(registry: Registry, typed: str) -> None:
    assert registry.resolve(typed) == "3449"


def test_reg002_known_alias_resolves(registry: Registry) -> None:
    assert registry.resolve("Hjardal") == "3819"
    assert registry.resolve("hjardal") == "3819"


@pytest.mark.parametrize(
    ("typed", "choices"),
    [
        ("Våler", ("Våler (Viken)", "Våler (Innlandet)")),
        ("herøy", ("Herøy (Møre og Romsdal)", "Herøy (Nordland)")),
    ],
)
def test_reg003_vaaler_and_heroy_are_ambiguous_and_list_both(registry: Registry, typed: str, choices) -> None:
    with pytest.raises(AmbiguousMunicipality) as caught:
        registry.resolve(typed)
    assert set(caught.value.choices) == set(choices)
    for choice in choices:
        assert f"«{choice}»" in str(caught.value)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("Våler (Viken)", "3018"), ("våler (innlandet)", "3419"), ("Herøy (Nordland)", "1818"), ("Herøy Møre og Romsdal", "1515")],
)
def test_reg004_disambiguated_names_resolve(registry: Registry, typed: str, expected: str) -> None:
    assert registry.resolve(typed) == expected


def test_reg005_unknown_name_suggests_closest(registry: Registry) -> None:
    with pytest.raises(UnknownMunicipality) as caught:
        registry.resolve("Kongsvinnger")
    assert caught.value.choices[0] == "Kongsvinger"
    assert str(caught.value) == "ukjent kommune «Kongsvinnger». Mente du «Kongsvinger»?"


def test_reg006_nonsense_has_no_suggestion(registry: Registry) -> None:
    with pytest.raises(UnknownMunicipality) as caught:
        registry.resolve("Xqzzyv")
    assert caught.value.choices == ()
    assert "Mente du" not in str(caught.value)


def test_reg007_four_digit_number_accepted_unknown_refused(registry: Registry) -> None:
    assert registry.resolve("0301") == "0301"
    assert registry.resolve(" 3005 ") == "3005"
    with pytest.raises(UnknownMunicipality, match="9999"):
        registry.resolve("9999")


def test_reg008_number_without_leading_zero_is_refused_with_the_padded_one(registry: Registry) -> None:
    with pytest.raises(UnknownMunicipality) as caught:
        registry.resolve("301")
    assert caught.value.choices == ("0301",)
    assert "fire sifre" in str(caught.value)


def test_reg009_names_and_membership(registry: Registry) -> None:
    assert len(registry) == 356
    assert "3005" in registry and "9999" not in registry
    assert registry.name_of("3018") == "Våler (Viken)"
    assert registry.names_of(("3005", "3049")) == ("Drammen", "Lier")


def test_reg010_registry_is_frozen(registry: Registry) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        registry.municipalities = pd.DataFrame()  # type: ignore[misc]


def test_reg011_alias_pointing_at_another_municipality_is_refused(registry: Registry) -> None:
    aliases = pd.DataFrame({"alias": ["Drammen"], "kommunenummer": ["3049"], "note": [""]})
    with pytest.raises(ValueError, match="Drammen"):
        Registry.from_frames(registry.municipalities, aliases)


def test_reg012_normalize_name_ignores_case_spacing_and_dashes() -> None:
    assert normalize_name("  Nore  og   Uvdal ") == "nore og uvdal"
    assert normalize_name("Sør-Odal") == normalize_name("sør odal")


@pytest.mark.skipif(not real_geodata_ready(), reason="geodata/ not delivered yet")
def test_reg013_real_registry_has_356_and_disambiguated_names() -> None:
    real = Registry.from_files(REAL_GEODATA / "kommuner-2020.csv", REAL_GEODATA / "aliases.csv")
    assert len(real) == 356
    assert real.resolve("Kongsvinger") == "3401"
    with pytest.raises(AmbiguousMunicipality):
        real.resolve("Våler")
    with pytest.raises(UnknownMunicipality, match="Kongsvinger"):
        real.resolve("Kongsvinnger")


def test_reg030_number_in_the_other_structure_and_renumbering() -> None:
    """2020 <-> 2024 numbers for downloads and the change log: one to one, and the split of Ålesund."""
    from dashboard.data.loader import load_structures_cached
    from dashboard.data.structures import numbers_shown, renumber_2024

    bases = load_structures_cached(DATA, GEODATA)
    old, new = bases["2020"].registry, bases["2024"].registry
    assert old.number_in("3005", "2024") == "3301" and old.number_in("3005", "2020") == "3005"
    assert new.number_in("3301", "2020") == "3005" and new.number_in("0301", "2020") == "0301"
    assert new.number_in("1580", "2020") == new.number_in("1508", "2020") == "1507", "Haram and Ålesund were Ålesund 1507"
    assert old.number_in("1507", "2024") == "", "split: no one number today"
    assert renumber_2024(new, "3005") == ("3301", "")
    number, notice = renumber_2024(new, "1507")
    assert number == "1508" and "Ålesund (1507) ble delt i 2024" in notice and "Haram (1580)" in notice
    assert numbers_shown(bases["2024"], ["3005", "1507", "9999"], "2020") == ["3301", "1508", "9999"]
    assert numbers_shown(bases["2020"], ["3005"], "2020") == ["3005"]
    with pytest.raises(ValueError, match="kan ikke vise kommunestrukturen 2024 som 2020"):
        numbers_shown(bases["2020"], ["3301"], "2024")
