"""Billflow's domain: the billing rules, the ports they need and the messages between services.

Nothing in this package performs I/O; an import-linter contract keeps it so.
"""
