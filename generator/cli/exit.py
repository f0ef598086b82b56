"""Exit statuses, in one place."""

from enum import IntEnum


class Exit(IntEnum):
    OK = 0
    """No errors; warnings may have been printed."""
    FINDINGS = 1
    """Errors were found, or generated files are stale."""
    USAGE = 2
    """The command was misused, or an input cannot be read or parsed."""
