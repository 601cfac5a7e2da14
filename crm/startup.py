"""Turns configuration and database-connection failures into one clear line."""

import sys

from django.core.exceptions import ImproperlyConfigured

from crm.config import ConfigError
from crm.errors import first_line


def run_or_explain(run):
    from django.db.utils import OperationalError

    try:
        run()
    except ConfigError as error:
        sys.exit(f"Configuration error: {error}")
    except ImproperlyConfigured as error:
        sys.exit(f"Configuration error: {error}")
    except OperationalError as error:
        sys.exit(f"Database error (check DATABASE_URL and that the server is running): {first_line(error)}")
