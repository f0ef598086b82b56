// Phones: label every cell of a wide table with its column's header, so site.css can show rows as blocks.
(function () {
  "use strict";
  function label(root) {
    root.querySelectorAll(".md-typeset table:not([class])").forEach(function (table) {
      var headers = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
        return th.textContent.trim();
      });
      if (headers.length < 2) return;
      table.setAttribute("data-irc-stack", "");
      if (headers.length >= 6) table.setAttribute("data-irc-wide", "");
      table.querySelectorAll("tbody tr").forEach(function (row) {
        Array.prototype.forEach.call(row.children, function (cell, i) {
          if (headers[i]) cell.setAttribute("data-label", headers[i]);
        });
      });
    });
  }
  // Long names in tables (`persistence.auto_aof_rewrite_min_size`) may break after a dot, underscore, slash or
  // hyphen, never inside a word.
  function breakable(root) {
    root.querySelectorAll(".md-typeset table code").forEach(function (code) {
      if (code.children.length || code.textContent.length < 14) return;
      var parts = code.textContent.split(/(?<=[._\/,-])/);
      if (parts.length < 2) return;
      code.textContent = "";
      parts.forEach(function (part, i) {
        if (i) code.appendChild(document.createElement("wbr"));
        code.appendChild(document.createTextNode(part));
      });
    });
  }
  function run() {
    label(document);
    breakable(document);
  }
  if (typeof window.document$ !== "undefined" && window.document$.subscribe) {
    window.document$.subscribe(run);
  } else {
    document.addEventListener("DOMContentLoaded", run);
  }
})();
