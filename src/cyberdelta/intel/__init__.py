"""共助 mutual help: the threat-intelligence hub (STIX 2.1 objects shared over TAXII 2.1 under TLP 2.0)."""
