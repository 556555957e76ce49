"""Control catalogs (OSCAL catalog model): the yardstick the self-assessment is scored against."""
