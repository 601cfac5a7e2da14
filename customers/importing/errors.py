"""Failures a source reports; each message is one line for the operator."""


class SourceUnavailable(Exception):
    """The whole source is unusable (unreachable, wrong credentials): the run stops."""


class TableUnavailable(Exception):
    """One table or resource cannot be read (missing, no permission): the run goes on without it."""
