"""Edits contributors make with the CLI: fmt, add, new-claim (locked, atomic writes)."""
