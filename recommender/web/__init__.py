"""The web layer: pages, the widget, the JSON API, statistics, security headers, languages, operations."""
