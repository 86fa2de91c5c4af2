from django.apps import AppConfig


class LocalcopyConfig(AppConfig):
    name = "localcopy"
    verbose_name = "Local copy of BigCommerce"
