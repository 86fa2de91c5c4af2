"""Imports from BigCommerce into the POS, read from the local copy (LC) only."""
