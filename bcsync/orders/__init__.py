"""Order import: BigCommerce orders (through the local copy) become POS sales orders, once
each, with their stock taken; the order's status on BigCommerce is then written back."""
