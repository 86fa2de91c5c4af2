"""Server-side grids for bcsync's browser pages (POS View, Web View).

A grid declares its columns and a selector (a QuerySet); one set of views answers Tabulator's
remote paging / sorting / filtering protocol, keeps each user's column layout, and turns a
selection ("these rows" or "everything this filter shows") back into a QuerySet. The app knows
nothing of the catalog or the sync: pages define their grids (see bcsync/pos_grids.py) and
mount them with `grids.views.grid_urls`.
"""
