"""Dual notification (双告知) and claims; decisions flowing to the supervising departments (审管联动)."""
