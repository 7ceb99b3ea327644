"""Cross-cutting protections of the web service: the error contract of the OpenAPI document, bounds on
every number a request carries, response headers, log redaction. No tables, no routes of its own."""
