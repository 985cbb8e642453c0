"""Use cases: one module each, a frozen command in, a result out, ports in ``__init__``."""
