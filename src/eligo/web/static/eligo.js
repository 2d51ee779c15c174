// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";

  var WORDS = {
    inclusion: { met: "Yes", not_met: "No — rules out", unknown: "Not sure yet", not_applicable: "Does not apply" },
    exclusion: { met: "Yes — rules out", not_met: "Does not apply to your child", unknown: "Not sure yet", not_applicable: "Does not apply" }
  };
  var VERDICTS = {
    eligible: "Likely to qualify",
    possibly_eligible: "Might qualify",
    ineligible: "Probably does not qualify"
  };

  function walk(items, visit) {
    items.forEach(function (item) { visit(item); walk(item.children || [], visit); });
  }

  function render(form, data) {
    var box = document.getElementById("verdict");
    if (box) {
      var c = data.counts;
      box.textContent = "";
      var p = document.createElement("p");
      var badge = document.createElement("span");
      badge.className = "verdict verdict-" + data.verdict;
      badge.textContent = data.headline || VERDICTS[data.verdict] || data.verdict;
      p.appendChild(badge);
      box.appendChild(p);
      var counts = document.createElement("p");
      counts.textContent = data.known ? "Checked so far: " + data.known + "." :
        c.met + " met, " + c.not_met + " not met, " + c.unknown + " still open.";
      box.appendChild(counts);
      // Only the criteria that decide: those that rule the child out, then those that waiting or a
      // transfusion clears (the server-rendered page says the same).
      [["rules_out", "Why your child may not qualify", "reasons-against"],
       ["temporary", "Not yet — but this can change", "reasons-waiting"]].forEach(function (part) {
        var items = (data.deciding || []).filter(function (item) { return item.why === part[0]; });
        if (!items.length) { return; }
        var heading = document.createElement("h3");
        heading.textContent = part[1];
        box.appendChild(heading);
        var list = document.createElement("ul");
        list.className = part[2];
        items.forEach(function (item) {
          var li = document.createElement("li");
          var quote = document.createElement("q");
          quote.textContent = item.text.length > 200 ? item.text.slice(0, 197) + "..." : item.text;
          li.appendChild(quote);
          list.appendChild(li);
        });
        box.appendChild(list);
      });
    }
    walk(data.criteria, function (item) {
      var out = form.querySelector('[data-outcome="' + CSS.escape(item.id) + '"]');
      var li = document.getElementById("c-" + item.id);
      if (li) { li.classList.toggle("rules-out", item.rules_out); }
      if (!out) { return; }
      out.className = "outcome outcome-" + item.verdict + (item.set_aside ? " outcome-aside" : item.remedy ? " outcome-waiting" : "");
      out.textContent = "";
      var label = document.createElement("span");
      label.className = "label";
      label.textContent = item.label || (WORDS[item.section] || {})[item.verdict] || item.verdict;
      out.appendChild(label);
      if (item.evidence && !item.set_aside) { out.appendChild(document.createTextNode(" — " + item.evidence)); }
    });
  }

  function checkedAnswers(form) {
    var answers = {};
    form.querySelectorAll('input[type="radio"]:checked').forEach(function (input) {
      if (input.name.indexOf("a:") === 0) { answers[input.name.slice(2)] = input.value; }
    });
    return answers;
  }

  // A conditional criterion's follow-up is asked only after "Yes" to its condition ("Has your child
  // ever had HIV infection?"); any other answer hides it again.
  function showFollowUps(form, partId, value) {
    form.querySelectorAll("fieldset.follow-up").forEach(function (part) {
      if (part.getAttribute("data-follows") === partId) { part.hidden = value !== "yes"; }
    });
  }

  function enhancePrescreener(form) {
    var nct = form.getAttribute("data-nct");
    var csrf = form.getAttribute("data-csrf");
    // One request at a time, each carrying every checked answer: quick clicks can neither
    // overwrite each other on the server nor paint an older verdict over a newer one.
    var busy = false;
    var again = false;
    function send() {
      if (busy) { again = true; return; }
      busy = true;
      again = false;
      fetch("/api/trials/" + encodeURIComponent(nct) + "/answers", {
        method: "PUT",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
        body: JSON.stringify({ answers: checkedAnswers(form) })
      }).then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      }).then(function (data) {
        if (!again) { render(form, data); }
      }).catch(function () {
        // Fall back to the plain form: the "Save my answers" button still works.
      }).then(function () {
        busy = false;
        if (again) { send(); }
      });
    }
    form.addEventListener("change", function (event) {
      var input = event.target;
      if (!input || input.type !== "radio" || input.name.indexOf("a:") !== 0) { return; }
      showFollowUps(form, input.name.slice(2), input.value);
      send();
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form.prescreener").forEach(enhancePrescreener);
    document.querySelectorAll("a.print").forEach(function (link) {
      link.hidden = false;
      link.addEventListener("click", function (event) { event.preventDefault(); window.print(); });
    });
    // Printing opens every collapsed section (print CSS cannot), and closes again what was closed after.
    var closedForPrint = [];
    window.addEventListener("beforeprint", function () {
      closedForPrint = Array.prototype.filter.call(document.querySelectorAll("details"), function (d) { return !d.open; });
      closedForPrint.forEach(function (d) { d.open = true; });
    });
    window.addEventListener("afterprint", function () {
      closedForPrint.forEach(function (d) { d.open = false; });
      closedForPrint = [];
    });
    // Copy buttons (the share link): shown only where the script runs; the field stays selectable without it.
    document.querySelectorAll("button[data-copy]").forEach(function (button) {
      var field = document.getElementById(button.getAttribute("data-copy"));
      if (!field) { return; }
      button.hidden = false;
      button.addEventListener("click", function () {
        field.select();
        var done = function () { button.textContent = "Copied"; };
        if (navigator.clipboard && navigator.clipboard.writeText) {
          navigator.clipboard.writeText(field.value).then(done, function () { document.execCommand("copy"); done(); });
        } else { document.execCommand("copy"); done(); }
      });
    });
    var errors = document.getElementById("form-errors");
    if (errors) { errors.focus(); }
  });
})();
