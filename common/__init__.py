"""Rules below every app: plain Python, no models, imported by any layer."""
