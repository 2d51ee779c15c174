// The profile editor, progressively: "Add another row" adds a blank row in place, and a lab row's unit
// list and result label follow the test chosen. Without this file the same buttons re-render the form.
(function () {
  "use strict";

  function nextIndex(rows) {
    var highest = -1;
    rows.querySelectorAll("[data-row]").forEach(function (row) {
      highest = Math.max(highest, parseInt(row.getAttribute("data-row"), 10));
    });
    return highest + 1;
  }

  function addRow(group) {
    var rows = document.querySelector('[data-rows="' + group + '"]');
    var template = document.querySelector('template[data-row-template="' + group + '"]');
    if (!rows || !template) { return false; }
    var index = nextIndex(rows);
    var html = template.innerHTML.split("__i__").join(String(index)).split("__n__").join(String(index + 1));
    var holder = document.createElement("div");
    holder.innerHTML = html;
    var row = holder.firstElementChild;
    rows.appendChild(row);
    wireLab(row);
    var first = row.querySelector("input, select, textarea");
    if (first) { first.focus(); }
    return true;
  }

  function wireLab(row) {
    var test = row.querySelector('select[name$="_test"]');
    var unit = row.querySelector("select.unit");
    var value = row.querySelector('input[name$="_value"]');
    if (!test || !unit) { return; }
    var label = value ? document.querySelector('label[for="' + value.id + '"]') : null;
    var fallback = label ? label.textContent : "";
    // Showing the chosen test's units never changes the unit on its own; only choosing another test does,
    // and then the same unit under that test is kept when it lists it.
    function follow(changed) {
      var chosen = test.value;
      unit.querySelectorAll("optgroup").forEach(function (group) {
        group.hidden = Boolean(chosen) && group.getAttribute("data-test") !== chosen;
      });
      var selected = unit.selectedOptions[0];
      if (changed && chosen && selected && selected.parentElement.tagName === "OPTGROUP" &&
          selected.parentElement.getAttribute("data-test") !== chosen) {
        var options = unit.querySelectorAll('optgroup[data-test="' + chosen + '"] option');
        var same = Array.prototype.filter.call(options, function (option) { return option.value === selected.value; });
        if (same.length) { same[0].selected = true; } else if (options.length) { options[0].selected = true; }
      }
      if (label) { label.textContent = chosen ? test.selectedOptions[0].textContent : fallback; }
    }
    test.addEventListener("change", function () { follow(true); });
    follow(false);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("button.add-row[data-add]").forEach(function (button) {
      button.addEventListener("click", function (event) {
        if (addRow(button.getAttribute("data-add"))) { event.preventDefault(); }
      });
    });
    document.querySelectorAll('[data-rows="lab"] [data-row]').forEach(wireLab);
  });
})();
