"""Every component id of the app, defined once for layout, callbacks and browser tests."""

from __future__ import annotations

# Page state
URL = "url"
DATASET = "dataset"

# Bring your own data: template downloads, upload, and which dataset is shown
DATASET_LABEL = "dataset-label"
DATASET_RESET = "dataset-reset"
UPLOAD_PANEL = "upload-panel"
UPLOAD = "upload"
UPLOAD_REJECTED = "upload-rejected"
UPLOAD_PROBLEMS = "upload-problems"
TEMPLATE_XLSX_BUTTON = "template-xlsx-button"
TEMPLATE_XLSX_DOWNLOAD = "template-xlsx-download"
TEMPLATE_CSV_BUTTON = "template-csv-button"
TEMPLATE_CSV_DOWNLOAD = "template-csv-download"
LEAD = "lead"
SOURCE_NOTE = "source-note"

# Controls
VIEW = "view"
SERVICE = "service"
SERVICE_FIELD = "service-field"
REGION = "region"
SECTOR = "sector"
LEGAL_FORM = "legal-form"
MUNICIPALITY = "municipality"
NETWORK = "network"
NETWORK_FIELD = "network-field"

# Map views
MAP_PANEL = "map-panel"
MAP = "map"
MAP_MESSAGE = "map-message"
SECTOR_BARS = "sector-bars"
SECTOR_BARS_PANEL = "sector-bars-panel"

# Table view
TABLE_PANEL = "table-panel"
TABLE = "coverage-table"
TABLE_DOWNLOAD_BUTTON = "coverage-table-download-button"
TABLE_DOWNLOAD = "coverage-table-download"
TOTALS_TABLE = "totals-table"
TOTALS_DOWNLOAD_BUTTON = "totals-table-download-button"
TOTALS_DOWNLOAD = "totals-table-download"

# Municipality profile
PROFILE = "profile"
PROFILE_DOWNLOAD_BUTTON = "profile-download-button"
PROFILE_DOWNLOAD = "profile-download"

# Map download ("Last ned kart") and presentation mode
MAP_TOOLBAR = "map-toolbar"
EXPORT_FORMAT = "export-format"
EXPORT_SIZE = "export-size"
EXPORT_BUTTON = "export-button"
EXPORT_BUSY = "export-busy"
EXPORT_STATUS = "export-status"
EXPORT_DOWNLOAD = "export-download"
EXPORT_FALLBACK = "export-fallback"
PRESENTATION_BUTTON = "presentation-button"
PRESENTATION = "presentation"
PRESENTATION_QUERY = "presentation-query"
PRESENTATION_DECK = "presentation-deck"
PRESENTATION_TITLE = "presentation-title"
PRESENTATION_SUMMARY = "presentation-summary"
PRESENTATION_NOTICE = "presentation-notice"
PRESENTATION_MAP = "presentation-map"
PRESENTATION_COUNTER = "presentation-counter"
PRESENTATION_SOURCE = "presentation-source"
PRESENTATION_PREVIOUS = "presentation-previous"
PRESENTATION_NEXT = "presentation-next"
PRESENTATION_EXIT = "presentation-exit"
