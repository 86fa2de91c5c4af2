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

  // ---- bulk import progress --------------------------------------------------------------

  let timer = null;
  let productsGrid = null;
  let working = false;  // a job was queued or running at the last look

  async function pollJobs() {
    const section = document.getElementById("web-jobs");
    if (!section) return;
    clearTimeout(timer);
    let data;
    try {
      const response = await fetch(section.dataset.url, {credentials: "same-origin",
                                                         headers: {"Accept": "application/json"}});
      if (!response.ok) return;
      data = await response.json();
    } catch (error) {
      return;
    }
    const list = document.getElementById("web-jobs-list");
    list.replaceChildren(...data.jobs.map((job) => {
      const li = document.createElement("li");
      li.className = "pos-job";
      li.dataset.state = job.state;
      const bar = document.createElement("progress");
      bar.max = job.total || 1;
      bar.value = job.done;
      const label = document.createElement("span");
      label.textContent = " Import #" + job.id + ": " + job.state_label + ", " + job.done +
        " of " + job.total + " done, " + job.failed + " failed";
      li.append(bar, label);
      return li;
    }));
    section.hidden = !data.jobs.length;
    const busy = data.jobs.some((j) => j.state === "queued" || j.state === "running");
    // A job just finished: its rows are linked now.
    if (working && !busy && productsGrid) productsGrid.reload();
    working = busy;
    if (busy) timer = setTimeout(pollJobs, 2000);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
