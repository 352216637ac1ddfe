"""The handbook as data: generated pages, nav, citation index, back-links and URLs.

No site engine is imported here; engines/ adapts this to MkDocs and Python-Markdown.
"""
