(function () {
  "use strict";
  // Progressive enhancement: turn the headers of table.sortable into buttons that sort the rows.
  // Without this script the table is complete and readable, in its original order.
  function key(cell) {
    var raw = cell.getAttribute("data-sort");
    if (raw === null) { raw = cell.textContent.trim(); }
    var n = parseFloat(raw);
    return isNaN(n) ? raw.toLowerCase() : n;
  }
  function compare(x, y) {
    if (typeof x === typeof y) { return x < y ? -1 : (x > y ? 1 : 0); }
    return typeof x === "number" ? -1 : 1;
  }
  function sort(table, column, header, status) {
    var ascending = header.getAttribute("aria-sort") !== "ascending";
    var heads = table.tHead.rows[0].cells;
    for (var i = 0; i < heads.length; i++) { heads[i].removeAttribute("aria-sort"); }
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var r = compare(key(a.cells[column]), key(b.cells[column]));
      return ascending ? r : -r;
    });
    rows.forEach(function (row) { body.appendChild(row); });
    if (status) {
      status.textContent = header.textContent.trim() + ": " +
        table.getAttribute(ascending ? "data-ascending" : "data-descending");
    }
  }
  var tables = document.querySelectorAll("table.sortable");
  Array.prototype.forEach.call(tables, function (table) {
    if (!table.tHead || !table.tBodies.length) { return; }
    var status = document.getElementById(table.getAttribute("data-status") || "");
    var heads = table.tHead.rows[0].cells;
    Array.prototype.forEach.call(heads, function (header, column) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      button.title = table.getAttribute("data-hint") || "";
      while (header.firstChild) { button.appendChild(header.firstChild); }
      header.appendChild(button);
      button.addEventListener("click", function () { sort(table, column, header, status); });
    });
  });
})();
