"""A standalone fake BigCommerce store for tests, benchmarks and demos.

Nothing here imports the product: the emulator is started as a separate process
(``python -m bcemulator``) and spoken to over HTTP, like the real API.
"""

DEFAULT_STORE_HASH = "bcsyncdemo"
DEFAULT_TOKEN = "emulator-token"
DEFAULT_PORT = 8765
