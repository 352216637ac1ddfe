"""Bytes in, records and located problems out; nothing here knows about checks or outputs.

``safe_read``/``safe_write`` (regular files only, atomic locked writes), ``safe_yaml``,
``text`` (decoding), ``links`` (unsafe URLs in Markdown), ``citation_syntax`` (pandoc
citations), ``bibtex`` (the bibliography), ``claim_files``, ``records`` (frozen metadata),
``searches`` (search files: saved searches and screening logs).
"""
