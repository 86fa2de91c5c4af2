"""Imports from a store's local copy (LC) into the POS: customers, price levels, carriers.

They read only the LC, never BigCommerce; each record is written in its own transaction and
reported on its own (`report.ImportReport`)."""
