"""Registers on a real database: every test runs on SQLite and on a throwaway PostgreSQL server."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from openpyxl import load_workbook
from sqlalchemy import inspect

from dashboard.data.model import CooperationModel
from dashboard.data.problems import DataError
from dashboard.output.safe_csv import to_safe_xlsx
from dashboard.store import SURVEY_SLUG
from dashboard.store.database import migrate, open_database
from dashboard.store.drafts import Drafts
from dashboard.store.registers import RegisterError, RegisterStore
from dashboard.store.schema import Base

HEADER = "navn;tjeneste;sektor;deltakere;vertskommune;organisasjonsform;etablert;kilde"
FIRST = (
    HEADER,
    "Kongsvingerregionen IPR;;Regionalpolitisk;Kongsvinger, Nord-Odal, Sør-Odal, Eidskog, Grue, Åsnes;Kongsvinger;IPR;2000;erklæring",
    "Glåmdal barnevernvakt;barnevernvakt;;Kongsvinger, Eidskog, Grue, Åsnes, Nord-Odal, Sør-Odal;Kongsvinger;vertskommune;2010;vedtak",
    "Glåmdal IKT;IKT;;Kongsvinger, Grue;;IKS;2015;",
)
# Åsnes leaves the council, the IKT company becomes a host arrangement, barnevernvakt is wound up, PPT is new.
SECOND = (
    HEADER,
    "Kongsvingerregionen IPR;;Regionalpolitisk;Kongsvinger, Nord-Odal, Sør-Odal, Eidskog, Grue;Kongsvinger;IPR;2000;erklæring",
    "Glåmdal IKT;IKT;;Grue, Kongsvinger;Kongsvinger;vertskommune;2015;",
    "PPT Kongsvinger;ppt;;Kongsvinger, Eidskog;;;;",
)


def sheet(*rows: str) -> bytes:
    return ("\r\n".join(rows) + "\r\n").encode("utf-8")


@pytest.fixture()
def store(database_url: str, fixture_model: CooperationModel) -> RegisterStore:
    store = RegisterStore(open_database(database_url), fixture_model)
    store.ensure_survey()
    return store


def imported(store: RegisterStore, content: bytes, filename: str, **names) -> None:
    store.apply_import(store.plan_import(content, filename, **names), "test")


def test_reg001_migrations_build_exactly_the_schema_and_run_twice(database_url: str) -> None:
    engine = open_database(database_url)
    migrate(engine)  # a second start (another worker) finds nothing to do
    with engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
    assert {"registers", "arrangements", "imports", "changes", "drafts", "alembic_version"} <= set(inspect(engine).get_table_names())


def test_reg002_the_survey_is_seeded_once(store: RegisterStore, fixture_model: CooperationModel) -> None:
    store.ensure_survey()
    [survey] = store.registers()
    assert (survey.slug, survey.builtin, survey.arrangements) == (SURVEY_SLUG, True, len(fixture_model.arrangements))
    assert store.model(SURVEY_SLUG) is fixture_model, "the survey's model is the built-in one, with its source tables"
    with pytest.raises(RegisterError, match="innebygde"):
        store.plan_import(sheet(*FIRST), "a.csv", name="x", slug=SURVEY_SLUG)


def test_reg003_import_export_import_changes_nothing(store: RegisterStore) -> None:
    imported(store, sheet(*FIRST), "kongsvinger.csv", name="Kongsvingerregionen")
    info = store.info("kongsvingerregionen")
    assert (info.name, info.arrangements, info.version) == ("Kongsvingerregionen", 3, 1)
    exported = to_safe_xlsx(store.export_frame("kongsvingerregionen"), sheet_name="Ordninger")
    assert load_workbook(io.BytesIO(exported)).active.max_row == 4
    plan = store.plan_import(exported, "eksport.xlsx", slug="kongsvingerregionen")
    assert plan.exists and plan.diff.empty and plan.lines() == []
    store.apply_import(plan, "test")
    assert store.info("kongsvingerregionen").version == 1, "nothing written, nothing bumped"
    assert len(store.change_sets("kongsvingerregionen")) == 2, "the import itself is recorded"


def test_reg004_a_changed_file_gives_exactly_its_differences_in_history(store: RegisterStore) -> None:
    imported(store, sheet(*FIRST), "kongsvinger.csv", name="Kongsvingerregionen")
    plan = store.plan_import(sheet(*SECOND), "kongsvinger-2022.csv", slug="kongsvingerregionen")
    assert plan.diff.summary() == "1 nye, 2 endret, 1 avsluttes"
    store.apply_import(plan, "sekretariatet", today=dt.date(2022, 1, 1))
    later = [str(line).split("  ", 1)[1] for line in store.history("kongsvingerregionen")[3:]]
    assert later == [
        "sekretariatet (fil: kongsvinger-2022.csv): lagt til «PPT Kongsvinger»",
        "sekretariatet (fil: kongsvinger-2022.csv): endret «Kongsvingerregionen IPR», deltakere: "
        "Kongsvinger, Nord-Odal, Sør-Odal, Eidskog, Grue, Åsnes → Kongsvinger, Nord-Odal, Sør-Odal, Eidskog, Grue",
        "sekretariatet (fil: kongsvinger-2022.csv): endret «Glåmdal IKT», vertskommune: – → Kongsvinger",
        "sekretariatet (fil: kongsvinger-2022.csv): endret «Glåmdal IKT», organisasjonsform: IKS → vertskommune",
        "sekretariatet (fil: kongsvinger-2022.csv): avsluttet «Glåmdal barnevernvakt» (sluttdato 01.01.2022)",
    ], "members in another order (Grue, Kongsvinger) are no change"
    last = store.change_sets("kongsvingerregionen")[0]
    assert (last.filename, last.actor, last.added, last.changed, last.ended) == ("kongsvinger-2022.csv", "sekretariatet", 1, 2, 1)
    assert store.info("kongsvingerregionen").version == 2


def test_reg005_ended_arrangements_stay_and_come_back(store: RegisterStore) -> None:
    imported(store, sheet(*FIRST), "a.csv", name="Kongsvingerregionen")
    imported(store, sheet(*SECOND), "b.csv", slug="kongsvingerregionen")
    model = store.model("kongsvingerregionen")
    assert "Glåmdal barnevernvakt" not in set(model.arrangements["name"]), "ended: not on today's map"
    assert len(store.export_frame("kongsvingerregionen")) == 3
    imported(store, sheet(*FIRST), "c.csv", slug="kongsvingerregionen")
    assert "Glåmdal barnevernvakt" in set(store.model("kongsvingerregionen").arrangements["name"])
    actions = [line.action for line in store.history("kongsvingerregionen")]
    assert actions.count("avsluttet") == 2 and actions.count("gjenåpnet") == 1


def test_reg006_a_registers_model_traces_each_row_to_its_file(store: RegisterStore) -> None:
    imported(store, sheet(*FIRST), "kongsvinger.csv", name="Kongsvingerregionen")
    model = store.model("kongsvingerregionen")
    from dashboard.store.schema import local_time, utcnow

    today = local_time(utcnow()).strftime("%d.%m.%Y")
    assert list(model.arrangements["source"]) == [
        f"kongsvinger.csv, rad 2; sist endret {today} (erklæring)",
        f"kongsvinger.csv, rad 3; sist endret {today} (vedtak)",
        f"kongsvinger.csv, rad 4; sist endret {today}",
    ], "each arrangement names its row and when it last changed: in the profile, the table and hover"
    assert model.source_label == "Kongsvingerregionen"
    assert model.sector_label("Regionalpolitisk") == "Regionalpolitisk", "the region's own sector is kept"


def test_reg007_bad_files_and_names_change_nothing(store: RegisterStore) -> None:
    with pytest.raises(DataError) as caught:
        store.plan_import(sheet(HEADER, "A;legevakt;;Kongsvinnger;;;;"), "feil.csv", name="Feil")
    assert str(caught.value.problems[0]) == "feil.csv, rad 2, kolonne «deltakere»: ukjent kommune «Kongsvinnger». Mente du «Kongsvinger»?"
    with pytest.raises(RegisterError, match="lenkenavn"):
        store.plan_import(sheet(*FIRST), "a.csv", name="x", slug="Store Bokstaver")
    with pytest.raises(RegisterError, match="navn"):
        store.plan_import(sheet(*FIRST), "a.csv", slug="uten-navn")
    assert [info.slug for info in store.registers()] == [SURVEY_SLUG]


def test_reg008_unlisted_registers_are_left_out_of_the_list(store: RegisterStore) -> None:
    imported(store, sheet(*FIRST), "a.csv", name="Kongsvingerregionen")
    store.set_listed("kongsvingerregionen", False)
    assert [info.slug for info in store.registers()] == [SURVEY_SLUG]
    assert store.info("kongsvingerregionen") is not None and len(store.registers(include_unlisted=True)) == 2


def test_reg009_drafts_live_a_day_and_refuse_forged_ids(database_url: str) -> None:
    drafts = Drafts(open_database(database_url))
    now = dt.datetime(2026, 12, 1, 12, 0)
    draft_id = drafts.save(b"navn;deltakere\r\nA;Hol\r\n", "a.csv", now=now)
    assert drafts.load(draft_id, now=now + dt.timedelta(hours=23)) == (b"navn;deltakere\r\nA;Hol\r\n", "a.csv")
    assert drafts.load(draft_id, now=now + dt.timedelta(hours=25)) is None
    for forged in ("A" * 32, "", None, 123, "x" * 10_000, "'; DROP TABLE drafts; --"):
        assert drafts.load(forged, now=now) is None
    drafts.save(b"b", "b.csv", now=now + dt.timedelta(days=2))  # removes the expired one
    assert drafts.load(draft_id, now=now) is None


def record_like(store: RegisterStore, name: str, **changes):
    """The stored record of `name` with some fields changed (what an edit form would send)."""
    from dataclasses import replace

    [record] = [r for r in store.active_records("kongsvingerregionen") if r.name == name]
    return replace(record, **changes)


def test_reg010_edit_history_revert_and_history_again(store: RegisterStore) -> None:
    imported(store, sheet(*FIRST), "a.csv", name="Kongsvingerregionen")
    edited = record_like(store, "Glåmdal IKT", members=("3401", "3416", "3417"))
    entry = store.save_arrangement("kongsvingerregionen", edited, "kari@region.no", key=edited.key, reason="Eidskog ble med")
    [line] = store.history("kongsvingerregionen")[3:]
    assert (line.actor, line.action, line.field, line.before, line.after) == (
        "kari@region.no", "endret", "deltakere", "Kongsvinger, Grue", "Kongsvinger, Eidskog, Grue")
    assert store.model("kongsvingerregionen").members("rad-4") == ("3401", "3416", "3417")
    store.revert("kongsvingerregionen", entry.id, "ola@region.no")
    last = store.history("kongsvingerregionen")[-1]
    assert (last.actor, last.action, last.arrangement) == ("ola@region.no", "tilbakestilt", "Glåmdal IKT")
    assert store.model("kongsvingerregionen").members("rad-4") == ("3401", "3417")
    [revert_set, edit_set, *_] = store.change_sets("kongsvingerregionen")
    assert (revert_set.kind, edit_set.kind, edit_set.reason) == ("tilbakestilling", "redigering", "Eidskog ble med")


def test_reg011_add_end_and_the_register_as_it_stood(store: RegisterStore) -> None:
    imported(store, sheet(*FIRST), "a.csv", name="Kongsvingerregionen")
    before_edits = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    from dashboard.store.records import Record, arrangement_key

    new = Record(key=arrangement_key("PPT Glåmdal"), name="PPT Glåmdal", services=("ppt",), members=("3401", "3416"), established="2018")
    store.save_arrangement("kongsvingerregionen", new, "kari", reason="ny avtale")
    with pytest.raises(RegisterError, match="finnes allerede"):
        store.save_arrangement("kongsvingerregionen", new, "kari")
    key = [r.key for r in store.active_records("kongsvingerregionen") if r.name == "Glåmdal barnevernvakt"][0]
    store.end_arrangement("kongsvingerregionen", key, dt.date(2024, 6, 30), "kari", reason="lagt ned")
    names = {r.name for r in store.active_records("kongsvingerregionen")}
    assert names == {"Kongsvingerregionen IPR", "Glåmdal IKT", "PPT Glåmdal"}
    assert store.history("kongsvingerregionen")[-1].after == "sluttdato 30.06.2024"
    # The register as it stood before the edits: nothing lost.
    assert {r.name for r in store.records_at("kongsvingerregionen", before_edits)} == {
        "Kongsvingerregionen IPR", "Glåmdal barnevernvakt", "Glåmdal IKT"}


def test_reg012_per_dato_leaves_out_what_was_not_yet_established_or_already_ended(store: RegisterStore) -> None:
    imported(store, sheet(*FIRST), "a.csv", name="Kongsvingerregionen")
    key = [r.key for r in store.active_records("kongsvingerregionen") if r.name == "Glåmdal barnevernvakt"][0]
    store.end_arrangement("kongsvingerregionen", key, dt.date(2020, 12, 31), "kari")
    on = lambda day: {r.name for r in store.records_on("kongsvingerregionen", dt.date.fromisoformat(day))}  # noqa: E731
    assert on("2011-06-01") == {"Kongsvingerregionen IPR", "Glåmdal barnevernvakt"}, "IKT (2015) not yet"
    assert on("2009-01-01") == {"Kongsvingerregionen IPR"}, "barnevernvakt (2010) not yet"
    assert on("2020-12-30") == {"Kongsvingerregionen IPR", "Glåmdal barnevernvakt", "Glåmdal IKT"}
    assert on("2021-01-01") == {"Kongsvingerregionen IPR", "Glåmdal IKT"}, "ended the day before"


def test_reg013_the_survey_cannot_be_edited(store: RegisterStore) -> None:
    from dashboard.store.records import Record

    with pytest.raises(RegisterError, match="innebygde"):
        store.save_arrangement(SURVEY_SLUG, Record(key="x", name="x"), "kari")


def test_reg014_changes_between_two_days_net_of_reverts(store: RegisterStore) -> None:
    imported(store, sheet(*FIRST), "a.csv", name="Kongsvingerregionen")
    after_import = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    imported(store, sheet(*SECOND), "b.csv", slug="kongsvingerregionen")
    from dashboard.store.records import Record, arrangement_key

    added = store.save_arrangement("kongsvingerregionen", Record(key=arrangement_key("Tull"), name="Tull", members=("3401",)), "kari")
    store.revert("kongsvingerregionen", added.id, "kari")  # added and taken back: no net change
    changes = store.changes_between("kongsvingerregionen", after_import, dt.datetime(2100, 1, 1))
    assert sorted((c.name, c.kind) for c in changes) == [
        ("Glåmdal IKT", "endret"), ("Glåmdal barnevernvakt", "avsluttet"), ("Kongsvingerregionen IPR", "endret"), ("PPT Kongsvinger", "ny")]
    ended = [c for c in changes if c.kind == "avsluttet"][0]
    assert set(ended.members) == {"3401", "3414", "3415", "3416", "3417", "3418"}
    ipr = [c for c in changes if c.name == "Kongsvingerregionen IPR"][0]
    assert "3418" in ipr.members, "Åsnes left: still touched by the change"


# ----- municipality structures ----------------------------------------------------------------
SUNNMORE_2024 = (
    "navn;tjeneste;deltakere;vertskommune",
    "Nordre Sunnmøre legevakt;legevakt;Haram, Ålesund, Giske;Ålesund",
    "Drammen og Lier IKT;IKT;3005, Lier;Drammen",
)


@pytest.fixture()
def structured_store(database_url: str) -> RegisterStore:
    """A store with the fixture survey in both structures, as the app has it."""
    from fixtures import DATA, GEODATA

    from dashboard.data.loader import load_structures_cached

    bases = load_structures_cached(DATA, GEODATA)
    store = RegisterStore(open_database(database_url), bases["2020"], bases)
    store.ensure_survey()
    return store


def test_reg040_new_registers_are_2024_the_survey_stays_2020(structured_store: RegisterStore) -> None:
    plan = structured_store.plan_import(sheet(*SUNNMORE_2024), "sunnmore.csv", name="Sunnmøre")
    assert any("«3005» er Drammen (3005) i kommunestrukturen 2020; lest som Drammen (3301)" in n for n in plan.model.notices)
    structured_store.apply_import(plan, "test")
    assert structured_store.info(SURVEY_SLUG).structure == "2020"
    assert structured_store.info("sunnmore").structure == "2024"
    model = structured_store.model("sunnmore")
    assert model.structure == "2024"
    assert {"1580", "1508", "3301", "3312"} <= set(model.focus), "Haram and Ålesund in 2024; Drammen 3005 read as 3301"
    # the export names 2024 municipalities and re-imports as no change
    exported = structured_store.export_frame("sunnmore")
    assert "Haram" in exported["deltakere"].iloc[0]
    again = structured_store.plan_import(to_safe_xlsx(exported, sheet_name="Ordninger"), "eksport.xlsx", slug="sunnmore")
    assert again.diff.empty


def test_reg041_a_register_keeps_its_declared_structure(structured_store: RegisterStore) -> None:
    imported(structured_store, sheet(*FIRST), "kongsvinger.csv", name="Kongsvingerregionen", structure="2020")
    assert structured_store.info("kongsvingerregionen").structure == "2020"
    assert structured_store.model("kongsvingerregionen").structure == "2020"
    with pytest.raises(RegisterError, match="bruker kommunestrukturen 2020"):
        structured_store.plan_import(sheet(*SECOND), "k.csv", slug="kongsvingerregionen", structure="2024")
    with pytest.raises(RegisterError, match="ukjent kommunestruktur"):
        structured_store.plan_import(sheet(*SECOND), "k.csv", name="Ny", structure="2019")


def test_reg042_a_split_municipality_is_an_error_naming_its_parts(structured_store: RegisterStore) -> None:
    with pytest.raises(DataError) as error:
        structured_store.plan_import(sheet("navn;deltakere", "Gammel;1507, Giske"), "gammel.csv", name="Gammel", structure="2024")
    assert "«1507» er Ålesund (1507) i kommunestrukturen 2020, som ikke svarer til én kommune i 2024" in str(error.value)
    assert "gammel.csv, rad 2, kolonne «deltakere»" in str(error.value)


def test_reg043_registers_made_before_the_migration_are_2020(database_url: str) -> None:
    """Migrate to 0002, add a register as the old code did, then upgrade: it is read as 2020."""
    from alembic import command
    from sqlalchemy import create_engine, text

    from dashboard.store.database import alembic_config

    engine = create_engine(database_url)
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), "0002")
        connection.execute(text(
            "INSERT INTO registers (slug, name, listed, builtin, version, created_at, updated_at) "
            "VALUES ('gammel', 'Gammel', true, false, 1, '2025-01-01', '2025-01-01')"
        ))
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), "head")
        assert connection.scalar(text("SELECT structure FROM registers WHERE slug = 'gammel'")) == "2020"


def test_reg044_a_new_register_from_an_old_2020_list_is_2020(structured_store: RegisterStore) -> None:
    plan = structured_store.plan_import(sheet("navn;deltakere", "Gammel;1507, Giske"), "gammel.csv", name="Gammel")
    assert plan.structure == "2020" and plan.model.notices[0].startswith("gammel.csv: lest med kommunestrukturen 2020")
    structured_store.apply_import(plan, "test")
    assert structured_store.info("gammel").structure == "2020"
