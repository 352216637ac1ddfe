"""Typed evidence, no I/O: the pydantic models every other layer reads.

``vocabulary`` (the enums), ``reference`` (a cited work), ``item`` (Evidence: one study a
claim cites), ``claim``, ``effects`` (effect estimates), ``risk_of_bias`` (RoB 2, ROBINS-I,
AMSTAR 2), ``grade`` (GRADE profiles), ``totals`` (studies and participants, each counted
once), ``hedging`` (how a statement's words match its certainty), ``search`` (saved searches,
screening log, PRISMA counts).
"""
