from django.urls import path

from grids.views import grid_urls

from .pos_grids import PosItemDetailsGrid, PosItemsGrid
from .views import customers, dashboard, inbox, lc, picking, pos, push, settings, web, webhooks
from .web_grids import WebProductsGrid, WebProductVariantsGrid

app_name = "bcsync"

urlpatterns = [
    # Staff land on the dashboard; it sends anyone else to the admin login.
    path("", dashboard.dashboard_view, name="home"),
    path("dashboard/orders/", dashboard.dashboard_orders_view, name="dashboard_orders"),
    path("notifications/", inbox.inbox_view, name="inbox"),
    path("notifications/<int:notification_id>/read/", inbox.inbox_mark_read_view,
         name="inbox_read"),
    path("notifications/read-all/", inbox.inbox_mark_all_read_view, name="inbox_read_all"),
    path("lc/", lc.lc_panel_view, name="lc_panel"),
    path("lc/status/", lc.lc_status_view, name="lc_status"),
    path("lc/reload/", lc.lc_reload_view, name="lc_reload"),
    path("lc/delete/", lc.lc_delete_view, name="lc_delete"),
    path("lc/switches/", lc.lc_switches_view, name="lc_switches"),
    path("lc/webhooks/", lc.webhooks_register_view, name="webhooks_register"),
    path("webhooks/bigcommerce/<str:store_hash>/", webhooks.webhook_receiver,
         name="webhook_receiver"),
    # The sync settings page, one per store connection.
    path("settings/", settings.settings_home_view, name="settings_home"),
    path("settings/<int:connection_id>/", settings.settings_view, name="settings"),
    # POS View: the page, and each grid's rows / layout / selection endpoints.
    path("pos/", pos.pos_view, name="pos_view"),
    *grid_urls("pos/items/", PosItemsGrid, name="pos_items"),
    *grid_urls("pos/item-details/", PosItemDetailsGrid, name="pos_item_details"),
    path("pos/upload/", push.pos_upload_view, name="pos_upload"),
    path("pos/preview/", push.pos_preview_view, name="pos_preview"),
    path("pos/jobs/", push.pos_jobs_view, name="pos_jobs"),
    path("pos/items/<int:item_id>/bigcommerce/", push.pos_open_in_bigcommerce_view,
         name="pos_open_in_bigcommerce"),
    path("items/<int:item_id>/upload/", push.item_upload_view, name="item_upload"),
    path("customers/<int:customer_id>/bigcommerce/", customers.customer_bigcommerce_view,
         name="customer_bigcommerce"),
    # Web View: the LC's products, their variants, Import Now and its progress.
    path("web/", web.web_view, name="web_view"),
    *grid_urls("web/products/", WebProductsGrid, name="web_products"),
    *grid_urls("web/product-variants/", WebProductVariantsGrid, name="web_product_variants"),
    path("web/import/summary/", web.web_import_summary_view, name="web_import_summary"),
    path("web/import/", web.web_import_view, name="web_import"),
    path("web/jobs/", web.web_jobs_view, name="web_jobs"),
    path("web/products/<int:product_id>/pos-item/", web.web_pos_item_view, name="web_pos_item"),
    path("web/products/<int:product_id>/bigcommerce/", web.web_open_in_bigcommerce_view,
         name="web_open_in_bigcommerce"),
    # The picking list of open imported orders (bcsync.inventory.picking).
    path("picking/", picking.picking_view, name="picking"),
]
