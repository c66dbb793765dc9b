"""Enforcement: administrative penalties (行政处罚) against entities."""
