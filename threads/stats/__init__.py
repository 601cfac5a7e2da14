"""Statistics: the figures (figures), the period form, how the page shows them, CSV export, views, urls."""
