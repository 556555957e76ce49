"""The screening capability's web edge: the screening page and the JSON API."""
