// Web View: the LC products grid, the selected product's variants below it, Import Now's
// confirmation (the Import action answers a summary; Import sends the same selection to the
// import endpoint, Don't Import closes) and the bulk imports' progress bars.
(function () {
  "use strict";

  function start() {
    const productsEl = document.getElementById("web-products");
    if (!productsEl || !window.BcGrid) return;
    const products = BcGrid.fromElement(productsEl, {maxHeight: "60vh"});
    productsGrid = products;
    const section = document.getElementById("web-details");
    const title = document.getElementById("web-details-product");
    let variants = null;

    products.on("rowOpen", (row) => {
      title.textContent = (row.sku || "(no SKU)") + " – " + row.name;
      section.hidden = false;
      if (!variants) {
        variants = BcGrid.fromElement(document.getElementById("web-product-variants"),
                                      {deferLoad: true});
      }
      variants.setParams({product: String(row.id)});
    });

    products.on("actionDone", (done) => {
      if (done.answer.confirm) confirmImport(done.answer.confirm, products);
      if (done.answer.job) pollJobs();
    });
    pollJobs();
  }

  // ---- Import Now's confirmation ---------------------------------------------------------

  function csrfToken(grid) {
    return grid.config.csrf_token;
  }

  function confirmImport(summary, grid) {
    const dialog = document.getElementById("web-import-confirm");
    if (!dialog) return;
    document.getElementById("web-import-confirm-text").textContent = summary.text;
    document.getElementById("web-import-confirm-products").textContent = String(summary.products);
    document.getElementById("web-import-confirm-linked").textContent = String(summary.linked);
    document.getElementById("web-import-confirm-mapping").textContent = summary.mapping;
    const result = document.getElementById("web-import-confirm-result");
    result.textContent = "";
    const yes = document.getElementById("web-import-confirm-yes");
    const no = document.getElementById("web-import-confirm-no");
    yes.disabled = false;
    yes.onclick = async () => {
      yes.disabled = true;
      result.textContent = "Importing…";
      let answer;
      try {
        const response = await fetch(summary.url, {
          method: "POST", credentials: "same-origin",
          headers: {"Content-Type": "application/json", "Accept": "application/json",
                    "X-CSRFToken": csrfToken(grid)},
          body: JSON.stringify(summary.request)});
        answer = await response.json();
      } catch (error) {
        result.textContent = "Import failed: " + error.message;
        yes.disabled = false;
        return;
      }
      result.textContent = answer.message || answer.error || "";
      if (answer.job) pollJobs();
      grid.reload();
      if (!answer.error) dialog.close();
    };
    no.onclick = () => dialog.close();
    if (!dialog.open) dialog.showModal();
  }

  let productsGrid = null;
  // A job just finished: its rows are linked now.
  const pollJobs = window.bcsyncJobProgress("web-jobs", "web-jobs-list", "Import",
                                            () => { if (productsGrid) productsGrid.reload(); });

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
