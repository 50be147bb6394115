"""Matching: text → vectors → candidates → ranked suggestions with reasons; gaps; evaluation.

Depends on `catalog` only (never on Flask or `web`). The core pipeline works on plain records
(`matching.records`) so it is testable without a database; `matching.adapter` turns catalog ORM
objects into those records and `matching.service` writes the results back.
"""
