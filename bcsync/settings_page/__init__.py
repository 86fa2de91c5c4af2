"""The sync settings page: one page per store connection, made of registered sections."""
