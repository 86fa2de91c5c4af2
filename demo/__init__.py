"""The demo shop, defined once for both sides of `make run`'s demo.

`catalog/demo.py` loads it into the POS and `bcemulator/seed.py` (``--seed demo``) into the
emulator's store. Standard library only: the emulator imports it without Django.
"""
