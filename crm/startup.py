"""Turns configuration and database-connection failures into one clear line."""

import sys

from django.core.exceptions import ImproperlyConfigured

from crm.config import ConfigError


def run_or_explain(run):
    from django.db.utils import OperationalError

    try:
        run()
    except ConfigError as error:
        sys.exit(f"Configuration error: {error}")
    except ImproperlyConfigured as error:
        sys.exit(f"Configuration error: {error}")
    except OperationalError as error:
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        sys.exit(f"Database error (check DATABASE_URL and that the server is running): {first_line}")
