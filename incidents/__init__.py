"""incidents: record and respond to email misdelivery incidents."""

__version__ = "0.1.0"
