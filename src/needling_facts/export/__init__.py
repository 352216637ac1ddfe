"""The library as data for apps, one module per format; `registry.FORMATS` lists them.

    library_json   ``json``: the whole library (`LibraryExport`), with data and schema versions
    json_schema    ``schema``: the JSON Schema of ``json``
    csl_json       ``csl-json``: the references for Zotero or any citeproc
    jsonld         ``jsonld``: schema.org ClaimReviews and ScholarlyArticles
    fhir           ``fhir``: a FHIR R5 Bundle (Citation, Evidence, EvidenceVariable,
                   ArtifactAssessment), validated with fhir.resources (the ``fhir`` extra)
    registry       every format by name, with its description, media type and writer

Nothing is imported here: the page renderers import ``jsonld`` and ``csl_json`` alone.
"""
