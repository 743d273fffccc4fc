"""The performance benchmark (issue 8); see docs/performance.md."""
