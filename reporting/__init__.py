"""Reporting: the report figures, their renderers (HTML, PDF, XLSX, JSON), jobs and archive."""
