// Local copy panel: submit Full Reload without leaving the page and poll the status
// endpoint, every second while something runs or waits (a reload, a delete) and every 15 s
// otherwise. The server words the light, the reason and the progress; this only shows them.
(function () {
  "use strict";
  const FAST_MS = 1000;
  const SLOW_MS = 15000;

  const panel = document.getElementById("lc-panel");
  if (!panel || !panel.dataset.statusUrl) return;
  const live = document.getElementById("lc-live");
  let timer = null;
  let wasBusy = {};

  function whenHtml(when) {
    if (!when) return '<span class="lc-muted">never</span>';
    const t = document.createElement("time");
    t.dateTime = when.iso;
    t.title = when.text;
    t.textContent = when.text;
    const ago = document.createElement("span");
    ago.className = "lc-ago";
    ago.textContent = "(" + when.ago + ")";
    return t.outerHTML + " " + ago.outerHTML;
  }

  function setText(el, text) {
    if (el && el.textContent !== text) el.textContent = text;
  }

  function renderRow(row) {
    const tr = panel.querySelector('tr[data-dataset="' + row.dataset + '"]');
    if (!tr) return;
    const field = (name) => tr.querySelector('[data-field="' + name + '"]');

    const light = field("light");
    light.className = "lc-light lc-light--" + row.light;
    setText(field("light_label"), row.light_label);
    setText(field("reason"), row.reason);
    setText(field("row_count"), String(row.row_count));
    field("last_full_reload").innerHTML = whenHtml(row.last_full_reload);
    field("last_incremental").innerHTML = whenHtml(row.last_incremental);

    const error = field("last_error");
    if (row.last_error) {
      error.textContent = row.last_error;
      if (row.last_error_at) {
        const at = document.createElement("span");
        at.className = "lc-muted";
        at.innerHTML = whenHtml(row.last_error_at);
        error.append(document.createElement("br"), at);
      }
    } else {
      error.innerHTML = '<span class="lc-muted">—</span>';
    }

    const bar = field("progress");
    if (row.items_total) {
      bar.max = row.items_total;
      bar.value = row.items_done;
      bar.setAttribute("aria-valuemax", String(row.items_total));
      bar.setAttribute("aria-valuenow", String(row.items_done));
    } else if (row.busy) {
      // How many records there are is not known (yet): an indeterminate bar.
      bar.removeAttribute("value");
      bar.removeAttribute("aria-valuenow");
    } else {
      bar.max = 1;
      bar.value = 0;
      bar.setAttribute("aria-valuenow", "0");
    }
    setText(field("progress_text"), row.progress_text);

    const button = field("button");
    if (button) {
      button.disabled = row.busy;
      setText(button, !row.busy ? "Full Reload" : row.deleting ? "Deleting…"
        : row.queued ? "Queued…" : "Reloading…");
    }

    if (wasBusy[row.dataset] && !row.busy && live) {
      live.textContent = row.label + ": " + row.light_label +
        (row.reason ? " – " + row.reason : "") + ", " + row.row_count + " rows.";
    }
    wasBusy[row.dataset] = row.busy;
  }

  function render(status) {
    status.rows.forEach(renderRow);
    if (status.mode) {
      const label = document.getElementById("lc-mode-label");
      setText(label, status.mode.label);
      setText(document.getElementById("lc-mode-detail"), status.mode.detail);
    }
    const lastHook = document.getElementById("lc-last-webhook");
    if (lastHook) lastHook.innerHTML = whenHtml(status.last_webhook);
    const all = document.getElementById("lc-reload-all");
    if (all) all.disabled = status.rows.every((r) => r.busy);
    const remove = document.getElementById("lc-delete");
    if (remove) {
      // Delete LC is refused while anything runs or waits; the link says so before a click.
      if (status.busy) remove.setAttribute("aria-disabled", "true");
      else remove.removeAttribute("aria-disabled");
    }
    panel.dataset.busy = status.busy ? "true" : "false";
    schedule(status.busy ? FAST_MS : SLOW_MS);
  }

  function schedule(ms) {
    clearTimeout(timer);
    timer = setTimeout(poll, ms);
  }

  function poll() {
    fetch(panel.dataset.statusUrl, {headers: {Accept: "application/json"}, credentials: "same-origin"})
      .then((r) => (r.ok ? r.json() : Promise.reject(r.status)))
      .then(render)
      // A failed poll during a reload is tried again soon; when idle, there is no hurry.
      .catch(() => schedule(panel.dataset.busy === "true" ? FAST_MS : SLOW_MS));
  }

  panel.querySelectorAll("form.lc-reload-form").forEach((form) => {
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const body = new FormData(form);
      fetch(form.action, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: {Accept: "application/json", "X-CSRFToken": body.get("csrfmiddlewaretoken")},
      })
        .then((r) => (r.ok ? r.json() : r.json().catch(() => ({}))
          .then((body) => Promise.reject(body.error || r.status))))
        .then((status) => {
          if (live) live.textContent = "Full reload requested.";
          render(status);
        })
        .catch((why) => {
          if (live) live.textContent = "The reload was not queued (" + why + ").";
        });
    });
  });

  const initial = panel.querySelectorAll('tr[data-dataset]');
  initial.forEach((tr) => {
    const button = tr.querySelector('[data-field="button"]');
    wasBusy[tr.dataset.dataset] = !!(button && button.disabled);
  });
  poll();
})();
