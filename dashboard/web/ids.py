"""Every component id of the app, defined once for layout, callbacks and browser tests."""

from __future__ import annotations

# Page state
URL = "url"
DATASET = "dataset"

# Bring your own data: template downloads, upload, and which dataset is shown
DATASET_LABEL = "dataset-label"
DATASET_RESET = "dataset-reset"
UPLOAD_PANEL = "upload-panel"
UPLOAD_SUMMARY = "upload-summary"
# Holds the upload area, which is sent when the panel is first opened (dcc.Upload's code is then loaded).
UPLOAD_HOLDER = "upload-holder"
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
# «Vis kommunenavn»: names on the screen map (exports always have them unless told otherwise).
LABELS = "labels"
PER = "per"
STRUCTURE = "structure"
STRUCTURE_FIELD = "structure-field"

# Map views
MAP_PANEL = "map-panel"
MAP = "map"
MAP_MESSAGE = "map-message"
MAP_DESCRIPTION = "map-description"
# «Laster kart …» until the map has drawn (assets/map_loading.js)
MAP_LOADING = "map-loading"
SECTOR_BARS = "sector-bars"
SECTOR_BARS_PANEL = "sector-bars-panel"

# Devices: on tablets and phones the filters are a drawer (assets/devices.js)
FILTER_TOGGLE = "filter-toggle"
FILTER_DRAWER = "filter-drawer"
FILTER_CLOSE = "filter-close"

# Table view
TABLE_PANEL = "table-panel"
TABLE_TITLE = "coverage-table-title"
TOTALS_TITLE = "totals-table-title"
TABLE = "coverage-table"
TABLE_DOWNLOAD_BUTTON = "coverage-table-download-button"
TABLE_DOWNLOAD = "coverage-table-download"
TOTALS_TABLE = "totals-table"
TOTALS_DOWNLOAD_BUTTON = "totals-table-download-button"
TOTALS_DOWNLOAD = "totals-table-download"
# The grids are sent by a callback when «Tabell» is first opened (dashboard/web/grid.py), into
# these sections; the store turns true once the grid's script is in the page (assets/table_grids.js).
TABLE_HOLDER = "coverage-table-holder"
TOTALS_HOLDER = "totals-table-holder"
TABLE_GRIDS_READY = "table-grids-ready"
# Ids of components that are not in the start layout but sent by a callback (see above).
GRIDS = frozenset({TABLE, TOTALS_TABLE})

# Municipality profile
PROFILE = "profile"
# Read out when a profile opens («Kommuneprofil for Hol er åpnet …»).
PROFILE_STATUS = "profile-status"
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

# Editing a register (logged-in editors of that register only) and its change log
EDITOR_BAR = "editor-bar"
EDIT_PANEL = "edit-panel"
EDIT_PICK = "edit-pick"
EDIT_NAME = "edit-name"
EDIT_SERVICES = "edit-services"
EDIT_SECTOR = "edit-sector"
EDIT_SECTOR_CHOICES = "edit-sector-choices"
EDIT_MEMBERS = "edit-members"
EDIT_HOSTS = "edit-hosts"
EDIT_LEGAL_FORM = "edit-legal-form"
EDIT_ESTABLISHED = "edit-established"
EDIT_SOURCE = "edit-source"
EDIT_REASON = "edit-reason"
EDIT_SAVE = "edit-save"
EDIT_END_DATE = "edit-end-date"
EDIT_END = "edit-end"
EDIT_STATUS = "edit-status"
HISTORY_PANEL = "history-panel"
HISTORY_LIST = "history-list"
HISTORY_CSV_BUTTON = "history-csv-button"
HISTORY_XLSX_BUTTON = "history-xlsx-button"
HISTORY_DOWNLOAD = "history-download"

# «Endringer siden»: what was added, changed and ended in a register since a day (?endringer=YYYY-MM-DD)
CHANGES_PANEL = "changes-panel"
CHANGES_SINCE = "changes-since"
CHANGES_SUMMARY = "changes-summary"
CHANGES_MAP = "changes-map"
CHANGES_LIST = "changes-list"
REIMPORT_HOLDER = "reimport-holder"
REIMPORT_UPLOAD = "reimport-upload"
REIMPORT_PENDING = "reimport-pending"
REIMPORT_DIFF = "reimport-diff"
REIMPORT_CONFIRM = "reimport-confirm"
REIMPORT_CANCEL = "reimport-cancel"
KEEP_DRAFT = "keep-draft"
KEEP_DRAFT_NAME = "keep-draft-name"
KEEP_DRAFT_BUTTON = "keep-draft-button"
KEEP_DRAFT_STATUS = "keep-draft-status"
EDIT_ARRANGEMENT_HISTORY = "edit-arrangement-history"
EDIT_LISTED = "edit-listed"
REIMPORT_ACTIONS = "reimport-actions"

# «Samsvar»: konstellasjoner, district agreement, partner grid, two services side by side
SAMSVAR_SERVICES_FIELD = "samsvar-services-field"
SAMSVAR_SERVICES = "samsvar-services"
SAMSVAR_PANEL = "samsvar-panel"
SAMSVAR_TABLE = "samsvar-table"
SAMSVAR_TABLE_DOWNLOAD_BUTTON = "samsvar-table-download-button"
SAMSVAR_TABLE_DOWNLOAD = "samsvar-table-download"
SAMSVAR_MATRIX = "samsvar-matrix"
SAMSVAR_MATRIX_DOWNLOAD_BUTTON = "samsvar-matrix-download-button"
SAMSVAR_MATRIX_DOWNLOAD = "samsvar-matrix-download"
SAMSVAR_GRID = "samsvar-grid"
SAMSVAR_GRID_DOWNLOAD_BUTTON = "samsvar-grid-download-button"
SAMSVAR_GRID_DOWNLOAD = "samsvar-grid-download"
SAMSVAR_COMPARE_FIRST = "samsvar-compare-first"
SAMSVAR_COMPARE_SECOND = "samsvar-compare-second"
SAMSVAR_COMPARE_SUMMARY = "samsvar-compare-summary"
SAMSVAR_COMPARE_MAP_FIRST = "samsvar-compare-map-first"
SAMSVAR_COMPARE_MAP_SECOND = "samsvar-compare-map-second"
SAMSVAR_COMPARE_VIEW = "samsvar-compare-view"
SAMSVAR_TABLE_VIEW = "samsvar-table-view"

# Sent into the page when first needed, not in the start layout: Tabell's grids when Tabell is
# first opened, the drop zones when their panel first opens (dcc.Upload's code loads only then).
ON_DEMAND = GRIDS | {UPLOAD, REIMPORT_UPLOAD}
