"""Canonical records and their differences: pure, no database."""

from __future__ import annotations

from dashboard.store import records as rec
from dashboard.store.registers import slugify


def record(name: str, **values) -> rec.Record:
    return rec.Record(key=rec.arrangement_key(name), name=name, **values)


def test_rec001_slugs_spell_out_norwegian_letters() -> None:
    assert slugify("Kongsvingerregionen") == "kongsvingerregionen"
    assert slugify("  Vest-Telemark Rådet / 2024 ") == "vest-telemark-radet-2024"
    assert slugify("Ærøy Øst Ålen") == "aeroy-ost-alen"


def test_rec002_stored_values_round_trip() -> None:
    original = record("PPT Glåmdal", services=("ppt",), members=("3401", "3416"), hosts=("3401",), origin="a.csv, rad 2")
    assert rec.from_stored(rec.to_stored(original)) == original
    assert rec.from_stored(rec.to_stored(original)).origin == "a.csv, rad 2"


def test_rec003_diff_names_added_changed_fields_and_missing() -> None:
    old = [record("A", members=("3401", "3416")), record("B", legal_form="IKS"), record("C")]
    new = [record("a", members=("3401", "3416", "3417")), record("B", legal_form="IKS"), record("D")]
    result = rec.diff(old, new)
    assert [r.name for r in result.added] == ["D"] and [r.name for r in result.missing] == ["C"]
    [changed] = result.changed
    assert [(f.field, f.before, f.after) for f in changed.fields] == [("name", "A", "a"), ("members", ("3401", "3416"), ("3401", "3416", "3417"))]
    assert result.summary() == "1 nye, 1 endret, 1 avsluttes"


def test_rec004_origin_is_not_a_change() -> None:
    assert rec.diff([record("A", origin="a.csv, rad 2")], [record("A", origin="b.csv, rad 9")]).empty
