"""Home page and language switch: the pages that belong to no other capability."""
