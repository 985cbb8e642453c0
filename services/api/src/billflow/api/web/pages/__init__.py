"""The pages, one module per area; each exports ``HANDLERS``."""
