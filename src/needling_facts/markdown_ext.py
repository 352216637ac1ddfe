"""The Python-Markdown extension under the name configs use (``needling_facts.markdown_ext``).

The code lives in `needling_facts.engines.markdown`; this name stays because ``mkdocs.yml`` and
``zensical.toml`` files name it.
"""

from needling_facts.engines.markdown import CitationsExtension, makeExtension

__all__ = ["CitationsExtension", "makeExtension"]
