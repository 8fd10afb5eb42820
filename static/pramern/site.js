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

  /* issue 11: tables become cards on phones. Each cell gets its column's heading as data-label
   * (the stylesheet shows it before the value); tables that label their own cells (table.lines)
   * or ask to stay tables (data-keep-table) are left alone. */
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
    if (table.matches(".lines, [data-keep-table]")) return;
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
    table.classList.add("cards");
  }
  function makeCards(root) {
    const inside = root.closest("table");
    if (inside) labelTable(inside);
    root.querySelectorAll("table").forEach(labelTable);
  }
  makeCards(document.documentElement);
  document.addEventListener("htmx:load", function (event) {
    if (event.target instanceof Element) makeCards(event.target);
  });
})();
