"""Billflow on one machine, for `make run`, `make demo` and the tests. Never deployed."""
