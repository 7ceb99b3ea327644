"""Near-miss reports: anonymised drafts, publication and the library."""
