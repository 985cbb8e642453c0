// The workday grid: arrow keys move between days, and the week and month totals follow the typing.
// Everything works without this script; it only makes the grid quicker to use.
(function () {
  "use strict";
  function number(text) {
    var value = parseFloat(String(text).replace(/,/g, ""));
    return isFinite(value) && value > 0 ? value : 0;
  }
  function format(value) {
    return (Math.round(value * 100) / 100).toLocaleString("en", { maximumFractionDigits: 2 });
  }
  function totals(grid) {
    var month = 0;
    grid.querySelectorAll("tbody tr").forEach(function (row) {
      var week = 0;
      row.querySelectorAll("input").forEach(function (input) { week += number(input.value); });
      month += week;
      var cell = row.querySelector("[data-week-total]");
      if (cell) { cell.textContent = format(week); }
    });
    var total = document.getElementById("month-total");
    if (total) { total.textContent = format(month); }
  }
  function move(grid, input, key) {
    var inputs = Array.prototype.slice.call(grid.querySelectorAll("input"));
    var index = inputs.indexOf(input);
    var cell = input.closest("td");
    var row = cell.parentElement;
    var column = Array.prototype.indexOf.call(row.children, cell);
    var target = null;
    if (key === "ArrowRight") { target = inputs[index + 1]; }
    if (key === "ArrowLeft") { target = inputs[index - 1]; }
    if (key === "ArrowDown" || key === "ArrowUp") {
      var other = key === "ArrowDown" ? row.nextElementSibling : row.previousElementSibling;
      while (other && !target) {
        var candidate = other.children[column] && other.children[column].querySelector("input");
        if (candidate) { target = candidate; }
        other = key === "ArrowDown" ? other.nextElementSibling : other.previousElementSibling;
      }
    }
    if (target) { target.focus(); target.select(); return true; }
    return false;
  }
  document.addEventListener("DOMContentLoaded", function () {
    var grid = document.getElementById("workday-grid");
    if (!grid) { return; }
    grid.addEventListener("input", function () { totals(grid); });
    grid.addEventListener("keydown", function (event) {
      if (event.target.tagName !== "INPUT" || event.altKey || event.ctrlKey || event.metaKey) { return; }
      var input = event.target;
      var sideways = event.key === "ArrowLeft" || event.key === "ArrowRight";
      // Left and right move the caret inside a value first, and leave the cell at its ends.
      if (sideways && input.value && input.selectionStart !== input.selectionEnd) { /* a selection: leave it */ }
      else if (event.key === "ArrowLeft" && input.selectionStart > 0) { return; }
      else if (event.key === "ArrowRight" && input.selectionEnd < input.value.length) { return; }
      if (["ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown"].indexOf(event.key) >= 0 && move(grid, input, event.key)) {
        event.preventDefault();
      }
    });
  });
})();

// The expense drop zone: a file dropped on it fills the file input (which works alone without this).
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  document.querySelectorAll("[data-dropzone]").forEach(function (zone) {
    var input = zone.querySelector("input[type=file]");
    ["dragenter", "dragover"].forEach(function (name) {
      zone.addEventListener(name, function (event) { event.preventDefault(); zone.classList.add("over"); });
    });
    ["dragleave", "drop"].forEach(function (name) {
      zone.addEventListener(name, function () { zone.classList.remove("over"); });
    });
    zone.addEventListener("drop", function (event) {
      event.preventDefault();
      if (input && event.dataTransfer && event.dataTransfer.files.length) { input.files = event.dataTransfer.files; }
    });
  });
});
