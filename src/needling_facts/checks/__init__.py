"""Located problems from what the sources read: claims, evidence, frozen records, searches."""
