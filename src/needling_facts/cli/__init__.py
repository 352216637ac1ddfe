"""The command line: ``main(argv) -> exit status``; ``commands`` and the ``network`` ones."""

from needling_facts.cli.commands import main

__all__ = ["main"]
