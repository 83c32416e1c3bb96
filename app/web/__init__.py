"""Cross-cutting web machinery: authentication, guards, headers, errors, templates."""
