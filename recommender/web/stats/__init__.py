"""Public statistics, /stats and /stats/<partner>: cells.py decides what may be published (k = 10 on the finest cells,
complete weeks only), figures.py and charts.py draw it as accessible SVG with tables, views.py serves the pages."""

from .views import bp

__all__ = ["bp"]
