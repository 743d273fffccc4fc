"""Exchange format versions 1 and 2: import and export of the whole format (exchange/services.py)."""
