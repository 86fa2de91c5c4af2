"""Inventory online: stock at several mapped locations, bundles' available quantity, the End
of Day snapshot and the picking list."""
