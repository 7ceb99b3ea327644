"""Anonymiser for near-miss reports: removes what names someone or something from Japanese and English
text (the record's own values, patterns, a morphological analyser for names) and coarsens dates,
amounts and counts. Every replacement is returned with its kind and span for review."""

from incidents.nearmiss.anonymize.engine import Anonymizer, Labeller, anonymize, detect_locale, kept_share
from incidents.nearmiss.anonymize.record import KnownValue, known_values
from incidents.nearmiss.anonymize.types import Anonymized, Finding, Kind, Replacement

__all__ = ["Anonymized", "Anonymizer", "Finding", "Kind", "KnownValue", "Labeller", "Replacement", "anonymize",
           "detect_locale", "kept_share", "known_values"]
