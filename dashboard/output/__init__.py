"""Files for reports: exported maps, fact sheets, the presentation deck, the template and safe CSV/XLSX."""
