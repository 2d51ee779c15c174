// Private notes, progressive enhancement only: without this file the "Add a note" form still works.
// Selecting words inside one passage of the trial page shows an "Add a note" button; pressing it fills
// the form with the words, where they are (field and offsets) and a little context, and focuses the note box.
(function () {
  "use strict";

  var CONTEXT = 32;

  // The number of characters of `element`'s text before (container, offset).
  function offsetIn(element, container, offset) {
    var range = document.createRange();
    range.selectNodeContents(element);
    range.setEnd(container, offset);
    return range.toString().length;
  }

  function passageOf(node) {
    var element = node.nodeType === Node.ELEMENT_NODE ? node : node.parentElement;
    return element ? element.closest(".annotatable") : null;
  }

  // What the current selection is, if it lies inside one passage: else null.
  function selected() {
    var selection = window.getSelection();
    if (!selection || selection.rangeCount === 0 || selection.isCollapsed) { return null; }
    var range = selection.getRangeAt(0);
    var passage = passageOf(range.startContainer);
    if (!passage || passage !== passageOf(range.endContainer)) { return null; }
    var text = passage.textContent;
    var start = offsetIn(passage, range.startContainer, range.startOffset);
    var end = offsetIn(passage, range.endContainer, range.endOffset);
    while (start < end && /\s/.test(text.charAt(start))) { start += 1; }
    while (end > start && /\s/.test(text.charAt(end - 1))) { end -= 1; }
    if (start >= end) { return null; }
    var base = parseInt(passage.getAttribute("data-note-start"), 10) || 0;
    return {
      passage: passage,
      range: range,
      field: passage.getAttribute("data-note-field"),
      quote: text.slice(start, end),
      prefix: text.slice(Math.max(0, start - CONTEXT), start),
      suffix: text.slice(end, end + CONTEXT),
      start: base + start,
      end: base + end
    };
  }

  function setField(form, name, value) {
    var input = form.elements.namedItem(name);
    if (input) { input.value = value; }
  }

  function enhance(form) {
    var quoteBox = form.elements.namedItem("quote");
    var bodyBox = form.elements.namedItem("body");
    var button = document.createElement("button");
    button.type = "button";
    button.className = "note-add";
    button.textContent = "Add a note";
    button.hidden = true;
    var pending = null;
    var hint = document.getElementById("note-select-hint");
    if (hint) { hint.hidden = false; }

    function hide() {
      button.hidden = true;
      pending = null;
    }

    function show(found) {
      pending = found;
      // Next to the passage in reading order, so that Tab reaches it from the selected words; kept out of
      // headings and legends, whose text names what they label.
      var holder = found.passage.closest("fieldset, p, h3, li, div") || found.passage;
      holder.after(button);
      button.hidden = false;
      var rect = found.range.getBoundingClientRect();
      var parent = (button.offsetParent || document.body).getBoundingClientRect();
      button.style.top = (rect.bottom - parent.top + 6) + "px";
      button.style.left = Math.max(0, rect.left - parent.left) + "px";
    }

    function update(event) {
      if (event && event.target === button) { return; }
      var found = selected();
      if (found) { show(found); } else { hide(); }
    }

    button.addEventListener("click", function () {
      if (!pending) { return; }
      quoteBox.value = pending.quote;
      setField(form, "field", pending.field);
      setField(form, "start", String(pending.start));
      setField(form, "end", String(pending.end));
      setField(form, "prefix", pending.prefix);
      setField(form, "suffix", pending.suffix);
      hide();
      form.scrollIntoView({ block: "center" });
      bodyBox.focus();
    });

    // Typing in the quote box means the words no longer come from a selection: the server finds them.
    quoteBox.addEventListener("input", function () {
      setField(form, "start", "");
      setField(form, "end", "");
      setField(form, "prefix", "");
      setField(form, "suffix", "");
    });

    document.addEventListener("mouseup", function (event) { window.setTimeout(function () { update(event); }, 0); });
    document.addEventListener("keyup", function (event) {
      if (event.key === "Escape") { hide(); return; }
      if (event.shiftKey || event.key === "Shift") { update(event); }
    });
    document.addEventListener("touchend", function (event) { window.setTimeout(function () { update(event); }, 0); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("note-form");
    if (form && document.querySelector(".annotatable")) { enhance(form); }
  });
})();
