"""The optional network extra (``pip install "needling-facts[verify]"``).

``client`` (polite HTTP to Crossref and PubMed), ``responses`` (their answers to records),
``verify`` (refresh frozen records), ``find_ids`` (propose a DOI or PMID). Never used by
``check``, ``load`` or the handbook build.
"""
