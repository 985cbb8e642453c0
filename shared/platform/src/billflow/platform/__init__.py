"""Adapters and runtime shared by Billflow's services. A library: no entry points, imports no service."""
