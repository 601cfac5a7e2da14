"""What the mirror tells the apps above it, which customers never import (the search index listens)."""

from django.dispatch import Signal

# Sent with `customer_ids` (a set) after an import committed changes of those customers; a receiver
# returns how many rows of its own it updated, which the import reports.
customers_changed = Signal()
