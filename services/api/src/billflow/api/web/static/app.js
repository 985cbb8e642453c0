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

// Direct uploads: a file bigger than the API takes (4 MB: what a Lambda behind API Gateway can
// receive) goes straight to storage, up to 10 MB. The page asks for a pre-signed form, then
// submits the file to it; storage sends the browser back to the expense. Smaller files keep the
// plain post, whose answer (the content check) comes back at once beside the field.
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  document.querySelectorAll("form[data-direct-upload]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      var input = form.querySelector("input[type=file]");
      var file = input && input.files && input.files[0];
      var inline = Number(form.getAttribute("data-inline-limit") || "0");
      if (!file || !file.type || !window.fetch || file.size <= inline) { return; } // the plain post
      event.preventDefault();
      var ask = new FormData();
      var token = form.querySelector("input[name=_csrf_token]");
      if (token) { ask.append("_csrf_token", token.value); }
      var note = form.querySelector("input[name=note]");
      ask.append("filename", file.name);
      ask.append("content_type", file.type);
      ask.append("size", String(file.size));
      if (note && note.value) { ask.append("note", note.value); }
      fetch(form.getAttribute("data-direct-upload"), { method: "POST", body: ask, credentials: "same-origin" })
        .then(function (response) { return response.json().then(function (body) { return [response.ok, body]; }); })
        .then(function (answer) {
          if (!answer[0]) { form.submit(); return; } // let the API say what is wrong, in the page
          var upload = document.createElement("form");
          upload.method = "post";
          upload.enctype = "multipart/form-data";
          upload.action = answer[1].url;
          upload.hidden = true;
          Object.keys(answer[1].fields).forEach(function (name) {
            var field = document.createElement("input");
            field.type = "hidden";
            field.name = name;
            field.value = answer[1].fields[name];
            upload.appendChild(field);
          });
          input.name = "file"; // storage takes the file last, after every field of the policy
          upload.appendChild(input);
          document.body.appendChild(upload);
          upload.submit();
        })
        .catch(function () { form.submit(); });
    });
  });
});
