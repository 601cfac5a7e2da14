#!/usr/bin/env python
"""Django's command-line utility, with configuration errors shown as one line."""

import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")
    from django.core.management import execute_from_command_line

    from crm.startup import run_or_explain

    run_or_explain(lambda: execute_from_command_line(sys.argv))


if __name__ == "__main__":
    main()
