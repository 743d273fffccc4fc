"""Audit: an append-only record of who saw, changed, imported, exported or downloaded what."""
