"""Push: POS items to BigCommerce, filtered by each field's websync policy, diffed against
what was last pushed, batched to the API's limits."""
