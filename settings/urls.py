from django.contrib import admin
from django.urls import include, path

# Staff see bcsync's name on every admin page (and on bcsync's own pages, which render
# with admin.site.each_context), not "Django administration".
admin.site.site_header = "bcsync"
admin.site.site_title = "bcsync"
admin.site.index_title = "bcsync administration"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("bcsync.urls")),
]
