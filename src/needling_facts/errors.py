"""The one exception tree: every exception the package raises descends from NeedlingFactsError.

Bad *content* (a claim with a typo, a malformed entry) is never an exception: it is a
`~needling_facts.diagnostics.Problem` in a list. These exceptions are for what stops an action
outright; the command line prints each as one line, ``needling-facts: error: <message>``, and
exits with its ``exit_code``. Each class is defined beside the code that raises it (this module,
the lowest layer, imports none of them); the tree, with the module that defines each::

    NeedlingFactsError            the root: any user error, exit status 1   errors
    ├── UsageError                the command line is wrong (cli); exit 2   errors
    ├── MissingExtraError         an optional extra is not installed (cli)  errors
    ├── UnreadableFileError       missing, a folder, a device, a link loop  errors
    ├── UnsafeWriteError          a write that could lose data              errors
    ├── WatchFailedError          watch reached no service; exit 3          cli.network
    ├── RefusedError              nothing done, for located reasons (cli)   errors
    │   ├── FormatRefusedError    BibTeX a rewrite could lose text of       sources.bibtex.layout
    │   └── CitationError         a page's citations cannot be resolved     engines.markdown
    ├── YamlRefusedError          front matter refused, at line and column  sources.safe_yaml
    ├── DuplicateKeyError         a JSON record names a key twice           sources.records
    ├── UnknownIdError            no such id in the library; a KeyError     library
    │   ├── UnknownClaimError     Library.claim                             library
    │   └── UnknownReferenceError Library.reference                         library
    ├── WatchWriteError           a search file changed past merging        network.watch
    ├── ResponseFormatError       an answer not in its documented form      network.responses
    └── FetchError                one request failed; ``kind`` says how     network.client
        ├── OfflineError          no host reached at all: no network        network.client
        └── RateLimitedError      429, with the wait the service asked for  network.client

Files are read and written through ``sources.safe_read`` and ``sources.safe_write``, which
raise `UnreadableFileError` and `UnsafeWriteError`. A class that was a built-in exception
before is one still (`UnknownIdError` a ``KeyError``, `ResponseFormatError` a ``ValueError``),
so existing ``except`` clauses keep working. A test walks the package and keeps this drawing
equal to the classes it defines and their bases.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = [
    "MissingExtraError",
    "NeedlingFactsError",
    "RefusedError",
    "UnreadableFileError",
    "UnsafeWriteError",
    "UsageError",
]


class NeedlingFactsError(Exception):
    """A user error: its message is one line that says what went wrong and where."""

    exit_code = 1


class UsageError(NeedlingFactsError):
    """The command line itself is wrong (exit status 2, as argparse uses)."""

    exit_code = 2


class MissingExtraError(NeedlingFactsError):
    """``what`` needs an optional extra that is not installed; the message says how to get it."""

    def __init__(self, what: str, extra: str) -> None:
        self.what = what
        self.extra = extra
        super().__init__(f'{what} needs the {extra} extra: pip install "needling-facts[{extra}]"')


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


class RefusedError(NeedlingFactsError):
    """Nothing was done, for one or more located ``reasons`` (each a line of its own).

    The message is ``summary: reason`` (reasons joined by ``; ``). The command line prints a
    single reason inside its one error line, and several each on a line before it.
    """

    def __init__(self, summary: str, reasons: Sequence[str]) -> None:
        self.summary = summary
        self.reasons = tuple(reasons)
        super().__init__(f"{summary}: {'; '.join(self.reasons)}" if self.reasons else summary)
