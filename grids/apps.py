from django.apps import AppConfig


class GridsConfig(AppConfig):
    name = "grids"
    verbose_name = "Grids"
    default_auto_field = "django.db.models.BigAutoField"
