"""The handbook as data: generated pages, nav, citation index, back-links, URLs. No engine imported."""
