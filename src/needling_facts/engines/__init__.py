"""Thin adapters, the only modules that import a site engine: Python-Markdown and MkDocs."""
