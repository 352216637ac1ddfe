"""BibTeX files: ``scan`` (locate entries), ``read`` (entries to References), ``layout``
(the house layout ``fmt`` writes) and ``diff`` (what an edit changed)."""
