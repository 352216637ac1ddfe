"""Exports: JSON and its schema, CSL-JSON, JSON-LD."""
