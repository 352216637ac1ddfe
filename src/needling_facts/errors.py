"""The one exception hierarchy for user errors: each becomes one line from the CLI.

Bad *content* (a claim with a typo, a malformed entry) is never an exception: it is a
`~needling_facts.problems.Problem` in a list. These exceptions are for what stops a command
outright (a file that cannot be read or written, a usage mistake).
"""

from __future__ import annotations

__all__ = ["NeedlingFactsError", "UnreadableFileError", "UnsafeWriteError", "UsageError"]


class NeedlingFactsError(Exception):
    """A user error: its message is one line that says what went wrong and where."""

    exit_code = 1


class UsageError(NeedlingFactsError):
    """The command line itself is wrong (exit status 2, as argparse uses)."""

    exit_code = 2


class UnreadableFileError(NeedlingFactsError):
    """A file cannot be read: missing, a folder, a FIFO or device, a broken or looping link."""

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}")


class UnsafeWriteError(NeedlingFactsError):
    """A write was refused because it could lose data or replace something that is not ours."""

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}")
