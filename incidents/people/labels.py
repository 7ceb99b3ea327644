"""The labels of the people domain's codes (Japanese in core.po, msgctxt = the table's name)."""

from __future__ import annotations

from incidents.i18n import LabelTable

ROLES = LabelTable("role", {"employee": "Employee", "manager": "Manager", "officer": "Privacy officer",
                            "admin": "Administrator"})
LOCALES = LabelTable("locale", {"ja": "Japanese", "en": "English"})
# What an org-chart import may change about a person
ORG_FIELDS = LabelTable("org_field", {"display_name": "Name", "department": "Department", "roles": "Roles",
                                      "manager": "Manager", "locale": "Language"})
