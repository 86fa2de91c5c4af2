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

    items.on("actionDone", (done) => {
      if (done.answer.preview) showPreview(done.answer.preview);
      if (done.answer.job) pollJobs();
    });
    pollJobs();
  }

  // ---- the preview of an upload ----------------------------------------------------------

  const WORDS = {create: "create", link: "link", update: "update", unchanged: "nothing",
                 skip: "skip", fail: "fail"};

  function cell(text) {
    const td = document.createElement("td");
    td.textContent = text === null || text === undefined ? "–" : String(text);
    return td;
  }

  function showPreview(plans) {
    const section = document.getElementById("pos-preview");
    if (!section) return;
    const body = section.querySelector("tbody");
    const rows = [];
    plans.forEach((plan) => {
      const what = WORDS[plan.action] || plan.action;
      const changes = [];
      Object.entries(plan.changes || {}).forEach(([key, c]) => changes.push([key, c]));
      (plan.variants || []).forEach((v) => {
        Object.entries(v.changes).forEach(([key, c]) => changes.push([v.sku + "." + key, c]));
      });
      if (plan.reason || !changes.length || plan.action === "skip" || plan.action === "fail") {
        const tr = document.createElement("tr");
        tr.append(cell(plan.sku), cell(what), cell(plan.error_field || ""),
                  cell(plan.reason || "in step"), cell(""));
        rows.push(tr);
        if (plan.action === "skip" || plan.action === "fail") return;
      }
      changes.forEach(([key, c]) => {
        const tr = document.createElement("tr");
        tr.append(cell(plan.sku), cell(what), cell(key), cell(c.from), cell(c.to));
        rows.push(tr);
      });
    });
    body.replaceChildren(...rows);
    section.hidden = false;
  }

  const pollJobs = window.bcsyncJobProgress("pos-jobs", "pos-jobs-list", "Upload");

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
