// POS View: the items grid, and below it the details grid of the row last opened (built on
// the first opening, once its section is visible, so Tabulator can measure its columns).
(function () {
  "use strict";

  function start() {
    const itemsEl = document.getElementById("pos-items");
    if (!itemsEl || !window.BcGrid) return;
    const items = BcGrid.fromElement(itemsEl, {maxHeight: "60vh"});
    const section = document.getElementById("pos-details");
    const title = document.getElementById("pos-details-item");
    let details = null;

    items.on("rowOpen", (row) => {
      title.textContent = row.sku + " – " + row.name;
      section.hidden = false;
      if (!details) {
        details = BcGrid.fromElement(document.getElementById("pos-item-details"),
                                     {deferLoad: true});
      }
      details.setParams({item: String(row.id)});
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
