// Server-side grids (the grids app): Tabulator in remote mode over a grid's rows endpoint,
// with per-user column layouts kept on the server, a row selection that can stand for
// "everything the filter shows", and action buttons declared by the server.
//
//   const grid = BcGrid.create(element, config);   // config: grids.views.grid_client_config
//   grid.on("rowOpen", (row) => ...);              // a row was clicked (or Enter on it)
//   grid.setParams({item: 42});                    // reload with other grid parameters
//   grid.selectionPayload();                       // {ids: [...]} or {all, filter, except}
//
// Extension points: BcGrid.registerFormatter(kind, fn) draws a new column kind (fn gets the
// value, the row's data and the column; it returns a DOM node, never HTML text), and the
// server's RowAction list adds buttons to the rows and to the selection bar.
(function () {
  "use strict";

  const SAVE_DELAY_MS = 300;

  function text(value) {
    return document.createTextNode(value === null || value === undefined ? "" : String(value));
  }

  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([name, value]) => {
      if (value === false || value === null || value === undefined) return;
      if (name === "text") node.textContent = value;
      else if (name === "className") node.className = value;
      else node.setAttribute(name, value === true ? "" : value);
    });
    (children || []).forEach((child) => node.append(child));
    return node;
  }

  const formatters = {
    text: (value) => text(value),
    number: (value) => text(value),
    money: (value) => text(value === null || value === undefined || value === ""
      ? "" : Number(value).toFixed(2)),
    bool: (value) => el("span", {
      className: "bcgrid-bool bcgrid-bool--" + (value ? "yes" : "no"),
      text: value ? "Yes" : "No",
    }),
    datetime: (value) => {
      if (!value) return text("");
      const moment = new Date(value);
      return el("time", {datetime: value, title: value,
                         text: moment.toLocaleString(undefined,
                           {dateStyle: "short", timeStyle: "short"})});
    },
    options: (value) => text(Object.entries(value || {})
      .map(([name, option]) => name + ": " + option).join(" · ")),
    url: (value) => value
      ? el("a", {href: value, target: "_blank", rel: "noopener noreferrer", text: value})
      : text(""),
  };

  function registerFormatter(kind, fn) {
    formatters[kind] = fn;
  }

  async function send(url, method, csrfToken, body) {
    const response = await fetch(url, {
      method: method,
      credentials: "same-origin",
      headers: {"Accept": "application/json", "Content-Type": "application/json",
                "X-CSRFToken": csrfToken},
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    let data = {};
    try {
      data = await response.json();
    } catch (error) {
      data = {};
    }
    if (!response.ok) throw new Error(data.error || "The server answered " + response.status + ".");
    return data;
  }

  class BcGrid {
    constructor(root, config, options) {
      this.root = root;
      this.config = config;
      this.options = options || {};
      this.params = Object.assign({}, config.params);
      this.columns = new Map(config.columns.map((c) => [c.id, c]));
      this.resized = new Set(config.layout.filter((c) => c.width).map((c) => c.id));
      this.selection = {all: false, ids: new Set(), except: new Set(), filter: []};
      this.total = null;
      this.currentId = null;
      this.lastFilters = null;
      this.listeners = {rowOpen: [], loaded: [], layoutSaved: [], actionDone: []};
      this.saveTimer = null;
      this.quiet = true;  // no layout saves while the table builds itself
      this.loaded = !this.options.deferLoad;
      this._buildChrome();
      this._buildTable();
    }

    on(event, fn) {
      this.listeners[event].push(fn);
      return this;
    }

    _emit(event, payload) {
      this.listeners[event].forEach((fn) => fn(payload));
    }

    // ---- chrome: column chooser, status, selection bar ------------------------------------

    _buildChrome() {
      const id = this.root.id;
      this.root.classList.add("bcgrid");
      this.toggle = el("button", {type: "button", className: "button bcgrid-columns-toggle",
                                  "aria-expanded": "false", "aria-controls": id + "-columns",
                                  text: "Columns"});
      this.chooser = el("div", {className: "bcgrid-columns-panel", id: id + "-columns",
                                role: "group", "aria-label": "Columns", hidden: true});
      this.status = el("span", {className: "bcgrid-status", role: "status",
                                "aria-live": "polite"});
      const toolbar = el("div", {className: "bcgrid-toolbar"}, [
        el("div", {className: "bcgrid-columns"}, [this.toggle, this.chooser]), this.status,
      ]);
      this.toggle.addEventListener("click", () => this._toggleChooser());
      document.addEventListener("click", (event) => {
        if (!this.chooser.hidden && !toolbar.contains(event.target)) this._toggleChooser(false);
      });

      this.error = el("p", {className: "bcgrid-error errornote", role: "alert", hidden: true});
      this.selectionBar = el("div", {className: "bcgrid-selection", hidden: true});
      this.tableEl = el("div", {className: "bcgrid-table"});
      this.root.append(toolbar, this.error, this.selectionBar, this.tableEl);
    }

    _toggleChooser(open) {
      const show = open === undefined ? this.chooser.hidden : open;
      if (show) this._renderChooser();
      this.chooser.hidden = !show;
      this.toggle.setAttribute("aria-expanded", String(show));
    }

    _layoutColumns() {
      return this.table.getColumns().filter((c) => this.columns.has(c.getField()));
    }

    _renderChooser() {
      const list = el("ul", {className: "bcgrid-columns-list"});
      const columns = this._layoutColumns();
      columns.forEach((column, index) => {
        const spec = this.columns.get(column.getField());
        const boxId = this.root.id + "-show-" + spec.id;
        const box = el("input", {type: "checkbox", id: boxId, "data-column": spec.id,
                                 checked: column.isVisible(), disabled: !spec.hideable});
        box.addEventListener("change", () => {
          if (box.checked) column.show(); else column.hide();
        });
        const up = el("button", {type: "button", className: "bcgrid-move",
                                 "aria-label": "Move " + spec.title + " left", text: "↑",
                                 disabled: index === 0});
        const down = el("button", {type: "button", className: "bcgrid-move",
                                   "aria-label": "Move " + spec.title + " right", text: "↓",
                                   disabled: index === columns.length - 1});
        up.addEventListener("click", () => column.move(columns[index - 1], false));
        down.addEventListener("click", () => column.move(columns[index + 1], true));
        list.append(el("li", {}, [box, el("label", {for: boxId, text: spec.title}), up, down]));
      });
      const reset = el("button", {type: "button", className: "button bcgrid-reset",
                                  text: "Reset columns"});
      reset.addEventListener("click", () => this.resetLayout());
      this.chooser.replaceChildren(list, reset);
    }

    _say(message) {
      this.status.textContent = message;
    }

    _showError(message) {
      this.error.textContent = message || "";
      this.error.hidden = !message;
    }

    // ---- the table ------------------------------------------------------------------------

    _filterDef(spec) {
      const filter = spec.filter;
      if (!filter) return {};
      if (filter.type === "list") {
        return {
          headerFilter: "list",
          headerFilterParams: {values: filter.values, clearable: true, autocomplete: true,
                               allowEmpty: true, listOnEmpty: true,
                               // Tabulator would insert a label as HTML: names are text.
                               itemFormatter: (label) => el("span", {text: label})},
        };
      }
      return {headerFilter: "input", headerFilterPlaceholder: filter.placeholder || ""};
    }

    _columnDef(spec, entry) {
      const format = formatters[spec.kind] || formatters.text;
      return Object.assign({
        title: spec.title,
        field: spec.id,
        visible: entry.visible,
        width: entry.width || spec.width || undefined,
        headerSort: spec.sortable,
        hozAlign: spec.align,
        headerHozAlign: spec.align,
        headerTooltip: spec.description || spec.title,
        titleFormatter: (cell) => text(cell.getValue()),
        formatter: (cell) => format(cell.getValue(), cell.getRow().getData(), spec),
        cssClass: "bcgrid-col-" + spec.id,
      }, this._filterDef(spec));
    }

    _selectColumn() {
      return {
        field: "_select", title: "", frozen: true, headerSort: false, resizable: false,
        width: 40, hozAlign: "center", headerHozAlign: "center", cssClass: "bcgrid-select",
        titleFormatter: () => {
          this.pageBox = el("input", {type: "checkbox", "aria-label": "Select the rows on this page"});
          this.pageBox.addEventListener("change", () => this._selectPage(this.pageBox.checked));
          return this.pageBox;
        },
        formatter: (cell) => {
          const row = cell.getRow().getData();
          const box = el("input", {type: "checkbox", "aria-label": "Select " + (row.sku || row.id),
                                   checked: this.isSelected(row.id)});
          box.addEventListener("change", () => this._selectRow(row.id, box.checked));
          return box;
        },
      };
    }

    _actionsColumn(actions) {
      return {
        field: "_actions", title: "", frozen: true, headerSort: false, resizable: false,
        cssClass: "bcgrid-actions", titleFormatter: () => text("Actions"),
        formatter: (cell) => {
          const row = cell.getRow().getData();
          const holder = el("span", {className: "bcgrid-row-actions"});
          actions.filter((a) => !a.when || row[a.when]).forEach((action) => {
            holder.append(this._actionControl(action, row));
          });
          return holder;
        },
      };
    }

    _actionControl(action, row) {
      const label = action.label;
      if (action.method === "link") {
        return el("a", {className: "button bcgrid-action", "data-action": action.id,
                        href: action.url.replace("{id}", encodeURIComponent(row.id)),
                        target: action.new_tab ? "_blank" : false,
                        rel: action.new_tab ? "noopener noreferrer" : false, text: label,
                        "aria-label": label + " " + (row.sku || row.id)});
      }
      const button = el("button", {type: "button", className: "button bcgrid-action",
                                   "data-action": action.id, text: label,
                                   "aria-label": label + " " + (row.sku || row.id)});
      button.addEventListener("click", () => this.runAction(action, {ids: [row.id]}));
      return button;
    }

    _columnDefs() {
      const defs = [];
      if (this.config.selectable) defs.push(this._selectColumn());
      this.config.layout.forEach((entry) => {
        const spec = this.columns.get(entry.id);
        if (spec) defs.push(this._columnDef(spec, entry));
      });
      const rowActions = this.config.actions.filter((a) => a.scope !== "selection");
      if (rowActions.length) defs.push(this._actionsColumn(rowActions));
      return defs;
    }

    _buildTable() {
      const config = this.config;
      const options = {
        index: "id",
        columns: this._columnDefs(),
        layout: "fitData",
        movableColumns: true,
        placeholder: config.empty_text,
        pagination: true,
        paginationMode: "remote",
        paginationSize: config.page_size,
        paginationSizeSelector: config.page_sizes,
        paginationCounter: (size, first, page, total) => this._counter(size, first, total),
        sortMode: "remote",
        filterMode: "remote",
        initialSort: config.default_sort.map((s) => ({column: s.column, dir: s.dir})),
        ajaxParams: () => this.params,
        ajaxConfig: {method: "GET", headers: {"Accept": "application/json"}},
        ajaxRequesting: (url, params) => this._requesting(params),
        ajaxResponse: (url, params, response) => this._received(response),
        selectableRows: false,
        rowFormatter: (row) => this._formatRow(row),
      };
      if (this.options.maxHeight) options.maxHeight = this.options.maxHeight;
      if (this.loaded) options.ajaxURL = config.urls.rows;
      this.table = new Tabulator(this.tableEl, options);
      this.built = new Promise((resolve) => {
        this.table.on("tableBuilt", () => {
          this.quiet = false;
          resolve();
        });
      });
      this.table.on("columnMoved", () => this._layoutChanged());
      this.table.on("columnVisibilityChanged", () => this._layoutChanged());
      this.table.on("columnResized", (column) => {
        this.resized.add(column.getField());
        this._layoutChanged();
      });
      this.table.on("rowClick", (event, row) => {
        if (event.target.closest("input, button, a, .bcgrid-select, .bcgrid-actions")) return;
        this._open(row);
      });
      this.table.on("dataLoadError", (error) => this._loadFailed(error));
      this.tableEl.addEventListener("keydown", (event) => {
        const rowEl = event.target.closest && event.target.closest(".tabulator-row");
        if (event.key !== "Enter" || !rowEl || event.target !== rowEl) return;
        const row = this.table.getRows().find((r) => r.getElement() === rowEl);
        if (row) this._open(row);
      });
    }

    _formatRow(row) {
      const element = row.getElement();
      const current = row.getData().id === this.currentId;
      element.tabIndex = 0;
      element.classList.toggle("bcgrid-current", current);
      element.setAttribute("aria-current", current ? "true" : "false");
    }

    _requesting(params) {
      const filters = JSON.stringify(params.filter || []);
      if (this.lastFilters !== null && filters !== this.lastFilters && this.selection.all) {
        this.clearSelection();  // "all matching" meant the filter that was shown
      }
      this.lastFilters = filters;
      this._showError("");
      return true;
    }

    _counter(size, first, total) {
      if (!total) return text("No rows");
      const last = Math.min(first + size - 1, total);
      const about = this.countExact === false ? "about " : "";
      return el("span", {className: "bcgrid-counter",
                         text: "Showing " + first.toLocaleString() + "–" + last.toLocaleString() +
                               " of " + about + total.toLocaleString() + " rows"});
    }

    _received(response) {
      this.total = response.last_row;
      this.countExact = response.count_exact;
      setTimeout(() => {
        this._syncPageBox();
        this._emit("loaded", response);
      });
      return response;
    }

    async _loadFailed(error) {
      let message = "The rows could not be loaded.";
      if (error && typeof error.json === "function") {
        try {
          const body = await error.json();
          if (body.error) message = body.error;
        } catch (ignored) {
          // Not JSON: keep the general message.
        }
      }
      this._showError(message);
    }

    _open(row) {
      const data = row.getData();
      const previous = this.currentId;
      this.currentId = data.id;
      this.table.getRows().forEach((r) => {
        const id = r.getData().id;
        if (id === previous || id === data.id) this._formatRow(r);
      });
      this._emit("rowOpen", data);
    }

    // ---- parameters and loading -----------------------------------------------------------

    async setParams(params) {
      await this.built;
      Object.assign(this.params, params);
      this.currentId = null;
      this.clearSelection();
      if (!this.loaded) {
        this.loaded = true;
        return this.table.setData(this.config.urls.rows);
      }
      return this.table.setPage(1);
    }

    reload() {
      return this.table.setPage(this.table.getPage() || 1);
    }

    // ---- layout ---------------------------------------------------------------------------

    currentLayout() {
      return this._layoutColumns().map((column) => ({
        id: column.getField(),
        visible: column.isVisible(),
        width: this.resized.has(column.getField()) ? Math.round(column.getWidth()) : null,
      }));
    }

    _layoutChanged() {
      if (this.quiet) return;
      if (!this.chooser.hidden) this._renderChooser();
      clearTimeout(this.saveTimer);
      this.saveTimer = setTimeout(() => this.saveLayout(), SAVE_DELAY_MS);
    }

    async saveLayout() {
      const layout = this.currentLayout();
      try {
        await send(this.config.urls.layout, "PUT",
                   this.config.csrf_token, {columns: layout});
        this._say("Column layout saved.");
        this._emit("layoutSaved", layout);
      } catch (error) {
        this._say("Column layout not saved: " + error.message);
      }
    }

    async resetLayout() {
      try {
        const answer = await send(this.config.urls.layout, "DELETE",
                                  this.config.csrf_token);
        this.config.layout = answer.columns;
        this.resized = new Set();
        this.quiet = true;
        this.table.setColumns(this._columnDefs());
        this.quiet = false;
        this._renderChooser();
        this._say("Columns reset.");
      } catch (error) {
        this._say("Columns not reset: " + error.message);
      }
    }

    // ---- selection ------------------------------------------------------------------------

    isSelected(id) {
      return this.selection.all ? !this.selection.except.has(id) : this.selection.ids.has(id);
    }

    _selectRow(id, on) {
      const set = this.selection.all ? this.selection.except : this.selection.ids;
      if (on === this.selection.all) set.delete(id); else set.add(id);
      this._selectionChanged();
    }

    _selectPage(on) {
      this.table.getRows().forEach((row) => {
        const id = row.getData().id;
        if (this.isSelected(id) !== on) {
          const set = this.selection.all ? this.selection.except : this.selection.ids;
          if (on === this.selection.all) set.delete(id); else set.add(id);
        }
      });
      this.table.getRows().forEach((row) => row.reformat());
      this._selectionChanged();
    }

    async selectAllMatching() {
      const filter = this.table.getFilters(true).map((f) => ({field: f.field, type: f.type,
                                                               value: f.value}));
      this.selection = {all: true, ids: new Set(), except: new Set(), filter: filter};
      this.table.getRows().forEach((row) => row.reformat());
      this._selectionChanged();
      try {
        const answer = await send(this.config.urls.selection, "POST", this.config.csrf_token,
                                  {selection: this.selectionPayload(), params: this.params});
        this.matchCount = answer.count;
        this._renderSelectionBar();
      } catch (error) {
        this._showError(error.message);
      }
    }

    clearSelection() {
      this.selection = {all: false, ids: new Set(), except: new Set(), filter: []};
      this.matchCount = null;
      if (this.table && this.loaded) this.table.getRows().forEach((row) => row.reformat());
      this._selectionChanged();
    }

    selectedCount() {
      if (!this.selection.all) return this.selection.ids.size;
      // The server's count of the filter (asked when "all matching" was chosen), else the
      // grid's row count until it answers.
      const matching = this.matchCount === null || this.matchCount === undefined
        ? this.total : this.matchCount;
      return Math.max(0, (matching || 0) - this.selection.except.size);
    }

    selectionPayload() {
      if (this.selection.all) {
        return {all: true, filter: this.selection.filter,
                except: Array.from(this.selection.except)};
      }
      return {ids: Array.from(this.selection.ids)};
    }

    _syncPageBox() {
      if (!this.pageBox) return;
      const rows = this.table.getRows();
      this.pageBox.checked = rows.length > 0 && rows.every((r) => this.isSelected(r.getData().id));
    }

    _selectionChanged() {
      if (!this.selection.all) this.matchCount = null;
      this._syncPageBox();
      this._renderSelectionBar();
    }

    _renderSelectionBar() {
      const count = this.selectedCount();
      const bar = this.selectionBar;
      if (!count && !this.selection.all) {
        bar.hidden = true;
        bar.replaceChildren();
        return;
      }
      const what = count === 1 ? "1 row selected" : count.toLocaleString() + " rows selected";
      const parts = [el("strong", {className: "bcgrid-selection-count", text: what})];
      if (this.selection.all) {
        parts.push(text(" (every row the filter shows)"));
      } else if (this.total && count < this.total && this.pageBox && this.pageBox.checked) {
        const all = el("button", {type: "button", className: "button bcgrid-select-all",
                                  text: "Select all " + this.total.toLocaleString() + " matching"});
        all.addEventListener("click", () => this.selectAllMatching());
        parts.push(all);
      }
      const clear = el("button", {type: "button", className: "button bcgrid-clear",
                                  text: "Clear selection"});
      clear.addEventListener("click", () => this.clearSelection());
      parts.push(clear);
      this.config.actions.filter((a) => a.scope !== "row" && a.method === "post").forEach((a) => {
        const button = el("button", {type: "button", className: "button default bcgrid-bulk",
                                     "data-action": a.id, text: a.label});
        button.addEventListener("click", () => this.runAction(a, this.selectionPayload(), true));
        parts.push(button);
      });
      bar.replaceChildren(...parts);
      bar.hidden = false;
    }

    // ---- actions --------------------------------------------------------------------------

    async runAction(action, selection, bulk) {
      if (action.confirm && !window.confirm(action.confirm)) return;
      this._say(action.label + "…");
      try {
        const answer = await send(action.url, "POST", this.config.csrf_token,
                                  {selection: selection, params: this.params});
        this._say(answer.message || action.label + ": done.");
        this._emit("actionDone", {action: action, answer: answer});
        if (bulk) this.clearSelection();
        this.reload();
      } catch (error) {
        this._say(action.label + " failed: " + error.message);
      }
    }
  }

  function create(root, config, options) {
    return new BcGrid(root, config, options);
  }

  function fromElement(root, options) {
    const config = JSON.parse(document.getElementById(root.dataset.gridConfig).textContent);
    const grid = create(root, config, options);
    root.bcgrid = grid;
    return grid;
  }

  window.BcGrid = {create: create, fromElement: fromElement, registerFormatter: registerFormatter};
})();
