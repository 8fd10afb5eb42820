/* Pramern's page behaviour, kept out of the templates: the Content-Security-Policy runs no inline
 * script or event-handler attribute. */
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    /* the language switch: choosing a language sends its form (a button stays for no-script) */
    const select = event.target;
    if (select instanceof HTMLSelectElement && select.hasAttribute("data-submit-on-change") && select.form) {
      select.form.submit();
    }
  });

  /* issue 11: the site menu on phones is a <details> disclosure (it works without script); Escape
   * closes it and gives the focus back to its button, and so does a click outside it. */
  function openMenus() {
    return document.querySelectorAll("details[data-menu][open]");
  }
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    openMenus().forEach(function (menu) {
      if (!window.matchMedia("(max-width: 40rem)").matches) return;
      menu.open = false;
      const summary = menu.querySelector("summary");
      if (summary) summary.focus();
    });
  });
  document.addEventListener("click", function (event) {
    openMenus().forEach(function (menu) {
      if (window.matchMedia("(max-width: 40rem)").matches && !menu.contains(event.target)) menu.open = false;
    });
  });

  /* issue 11: tables too wide for a phone become cards. Each cell gets its column's heading as
   * data-label (the stylesheet shows it before the value); a table that fits the screen stays a
   * table; tables that label their own cells (table.lines) or ask to stay tables
   * (data-keep-table, then scrolled with the keyboard too) are left alone. */
  const phone = window.matchMedia("(max-width: 40rem)");
  function headings(table) {
    let row = table.tHead ? table.tHead.rows[table.tHead.rows.length - 1] : null;
    if (!row) {
      const first = table.rows[0];
      if (!first || Array.from(first.cells).some(function (cell) { return cell.tagName !== "TH"; })) return null;
      row = first;
    }
    const labels = [];
    Array.from(row.cells).forEach(function (cell) {
      const text = cell.textContent.replace(/\s+/g, " ").trim();
      for (let i = 0; i < cell.colSpan; i += 1) labels.push(text);
    });
    return { row: row, labels: labels };
  }
  function labelTable(table) {
    const found = headings(table);
    Array.from(table.rows).forEach(function (row) {
      if (found === null || row === found.row || row.parentElement === table.tHead) return;
      let column = 0;
      Array.from(row.cells).forEach(function (cell) {
        const label = found.labels[column];
        if (label && !cell.hasAttribute("data-label") && !(cell.tagName === "TH" && column === 0)) {
          cell.setAttribute("data-label", label);
        }
        column += cell.colSpan;
      });
    });
  }
  function fit(table) {
    if (table.matches(".lines")) return;
    table.classList.remove("cards");
    if (!phone.matches) return;
    const overflows = table.scrollWidth > table.clientWidth + 1;
    if (table.matches("[data-keep-table]")) {
      if (overflows) table.setAttribute("tabindex", "0");
      return;
    }
    if (overflows) {
      labelTable(table);
      table.classList.add("cards");
    }
  }
  function fitTables(root) {
    const inside = root.closest("table");
    if (inside) fit(inside);
    root.querySelectorAll("table").forEach(fit);
  }
  fitTables(document.documentElement);
  if (document.fonts) document.fonts.ready.then(function () { fitTables(document.documentElement); });
  phone.addEventListener("change", function () { fitTables(document.documentElement); });
  document.addEventListener("htmx:load", function (event) {
    if (event.target instanceof Element) fitTables(event.target);
  });

  /* issue 12: a button that prints the page (the recovery codes) */
  document.addEventListener("click", function (event) {
    const button = event.target instanceof Element ? event.target.closest("[data-print]") : null;
    if (button) window.print();
  });
})();
