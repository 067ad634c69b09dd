"""The spreadsheet template secretariats fill in for "bring your own data" (XLSX and CSV)."""

from __future__ import annotations

import csv
import io

from dashboard.data.loader import load_builtin_cached
from dashboard.data.model import LEGAL_FORM_LABELS, CooperationModel
from dashboard.data.sheets import USER_COLUMNS, USER_LEGAL_FORMS, USER_REQUIRED

MAIN_SHEET = "Ordninger"
GUIDE_SHEET = "Veiledning"
CSV_DELIMITER = ";"  # what a Norwegian Excel expects when it opens a .csv

# One filled row, so people see the format; it is valid against the built-in vocabulary.
EXAMPLE_ROW: dict[str, str] = {
    "navn": "Kongsvingerregionen IKT",
    "tjeneste": "IKT",
    "sektor": "Administrasjon og støttetjenester",
    "deltakere": "Eidskog, Grue, Kongsvinger, Nord-Odal, Sør-Odal, Åsnes",
    "vertskommune": "Kongsvinger",
    "organisasjonsform": "vertskommune",
    "etablert": "2012",
    "kilde": "Eksempelrad: skriv over eller slett før opplasting",
}

COLUMN_HELP: dict[str, str] = {
    "navn": "Navnet på samarbeidsordningen. Hvert navn bare én gang.",
    "tjeneste": "Tjenesten ordningen gjelder (se listen under). Flere: skill med komma; den første er hovedtjenesten.",
    "sektor": "Sektoren (se listen under). Kan stå tom.",
    "deltakere": "Alle deltakerkommunene, skilt med komma eller semikolon. Skriv «Våler (Viken)» / «Herøy (Nordland)» der navnet finnes to steder.",
    "vertskommune": "Vertskommunen eller kontorkommunen; må være blant deltakerne. Kan stå tom.",
    "organisasjonsform": "IKS, AS, vertskommune, KO, IPR, avtale … (se listen under). Tom = ukjent.",
    "etablert": "Årstall, f.eks. 2015 (eller 2015–2021).",
    "kilde": "Hvor opplysningene kommer fra (vedtak, årsmelding, nettside).",
}


def template_csv_bytes() -> bytes:
    """The template as semicolon CSV, UTF-8 with BOM (Excel opens it with æøå intact)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=CSV_DELIMITER, lineterminator="\r\n")
    writer.writerow(USER_COLUMNS)
    writer.writerow([EXAMPLE_ROW[column] for column in USER_COLUMNS])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def template_xlsx_bytes(model: CooperationModel | None = None) -> bytes:
    """The template workbook: sheet "Ordninger" (header + example) and sheet "Veiledning".

    The guide lists the services, sectors and legal forms of `model` (the built-in data when
    not given), so the template always matches what the upload accepts.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter, quote_sheetname
    from openpyxl.worksheet.datavalidation import DataValidation

    model = model if model is not None else load_builtin_cached()
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = MAIN_SHEET
    sheet.append(list(USER_COLUMNS))
    sheet.append([EXAMPLE_ROW[column] for column in USER_COLUMNS])
    sheet.freeze_panes = "A2"
    for position, column in enumerate(USER_COLUMNS, start=1):
        cell = sheet.cell(row=1, column=position)
        cell.font = Font(bold=True)
        width = max(len(column), len(EXAMPLE_ROW[column])) + 2
        sheet.column_dimensions[get_column_letter(position)].width = min(width, 60)
    # Years typed as text stay "2015", never a date; all cells are text.
    for row in sheet.iter_rows(min_row=2, max_row=2):
        for cell in row:
            cell.number_format = "@"

    guide = workbook.create_sheet(GUIDE_SHEET)
    guide.column_dimensions["A"].width = 28
    guide.column_dimensions["B"].width = 90
    bold = Font(bold=True)

    def section(title: str, header: tuple[str, str], rows: list[tuple[str, str]]) -> tuple[int, int]:
        """Append a titled two-column table; returns the first and last row of its values."""
        guide.append([])
        guide.append([title])
        guide.cell(row=guide.max_row, column=1).font = Font(bold=True, size=12)
        guide.append(list(header))
        for cell in guide[guide.max_row]:
            cell.font = bold
        first = guide.max_row + 1
        for row in rows:
            guide.append(list(row))
        return first, guide.max_row

    guide.append(["Slik fyller du ut malen"])
    guide.cell(row=1, column=1).font = Font(bold=True, size=14)
    guide.append(["Én rad per samarbeidsordning på arket «Ordninger». Store og små bokstaver spiller ingen rolle."])
    guide.append(["Lagre som .xlsx, eller som CSV (semikolon eller komma, UTF-8 eller Windows-1252)."])
    required = set(USER_REQUIRED)
    section(
        "Kolonner",
        ("kolonne", "hva den skal inneholde"),
        [(column + (" (påkrevd)" if column in required else ""), COLUMN_HELP[column]) for column in USER_COLUMNS],
    )
    section("Tjenester", ("skriv", "id"), [(label, service_id) for service_id, label in _all_services(model)])
    sector_first, sector_last = section(
        "Sektorer", ("skriv", "id"), [(label, sector_id) for sector_id, label in zip(model.sectors["id"], model.sectors["label"])]
    )
    form_first, form_last = section(
        "Organisasjonsformer", ("skriv", "betyr"), [(form, LEGAL_FORM_LABELS.get(form, form)) for form in USER_LEGAL_FORMS]
    )
    for row in guide.iter_rows(min_col=2, max_col=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")

    # Drop-downs that suggest but don't forbid (a warning, not a stop), for rows 2..1000.
    for column, first, last in (("sektor", sector_first, sector_last), ("organisasjonsform", form_first, form_last)):
        letter = get_column_letter(USER_COLUMNS.index(column) + 1)
        validation = DataValidation(
            type="list", formula1=f"{quote_sheetname(GUIDE_SHEET)}!$A${first}:$A${last}", allow_blank=True, errorStyle="warning"
        )
        validation.error = "Verdien står ikke i listen på arket «Veiledning»."
        sheet.add_data_validation(validation)
        validation.add(f"{letter}2:{letter}1000")

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _all_services(model: CooperationModel) -> list[tuple[str, str]]:
    """Every service of the vocabulary: the ones in use first (main six leading), then the rest."""
    used = model.service_options()
    used_ids = {service_id for service_id, _label in used}
    rest = sorted(
        ((sid, label) for sid, label in zip(model.services["id"], model.services["label"]) if sid not in used_ids),
        key=lambda pair: pair[1].casefold(),
    )
    return used + rest
