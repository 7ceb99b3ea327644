"""Intake from the mail itself: read a sent .eml / .msg, detect what went wrong, explain it.

parse.py (entry) -> eml.py / msg.py -> model.ParsedMail; detect/ -> findings; draft.py -> the incident
JSON contract; service.py / api.py / pages.py / cli/intake.py -> the same service functions.
"""
