// Keyboard shortcuts (the help overlay, "?", lists them). A key typed into a field is the field's:
// only Ctrl+Enter (send) and the arrow keys of the customer search act there.
(function () {
  "use strict";

  var ROWS = "table.thread-table tbody tr";
  var ROW_LINK = "td.col-subject a";

  function inField(target) {
    return Boolean(target.closest && target.closest("input, textarea, select, [contenteditable]"));
  }

  function rows() {
    return Array.prototype.filter.call(document.querySelectorAll(ROWS), function (row) {
      return row.querySelector(ROW_LINK);
    });
  }

  function currentRow() { return document.querySelector(ROWS + ".kb-current"); }

  function move(step) {
    var all = rows();
    if (!all.length) { return false; }
    var index = all.indexOf(currentRow());
    var next = all[Math.max(0, Math.min(all.length - 1, index < 0 ? 0 : index + step))];
    all.forEach(function (row) { row.classList.remove("kb-current"); row.removeAttribute("aria-current"); });
    next.classList.add("kb-current");
    next.setAttribute("aria-current", "true");
    next.scrollIntoView({ block: "nearest" });
    return true;
  }

  function openCurrent() {
    var row = currentRow();
    if (!row) { return false; }
    row.querySelector(ROW_LINK).click();
    return true;
  }

  function replyBox(mode) {
    var form = document.querySelector("form[data-reply-form]");
    if (!form) { return false; }
    form.dataset.mode = mode;
    form.querySelectorAll("[data-mode-button]").forEach(function (button) {
      button.classList.toggle("kb-default", button.dataset.modeButton === mode);
    });
    var text = form.querySelector("textarea");
    text.scrollIntoView({ block: "center" });
    text.focus();
    return true;
  }

  function setStatus(status) {
    var form = document.querySelector("form[data-status-form]");
    if (!form) { return false; }
    form.querySelector("select[name=status]").value = status;
    form.requestSubmit();
    return true;
  }

  function focusSearch() {
    var field = document.querySelector("[data-search-focus]") || document.querySelector("main input[type=search]");
    if (!field) { return false; }
    field.focus();
    field.select();
    return true;
  }

  function toggleHelp() {
    var help = document.getElementById("keys-help");
    if (!help) { return false; }
    if (help.open) { help.close(); } else { help.showModal(); }
    return true;
  }

  // Ctrl+Enter in a form with a default action: the reply box sends with the button of its mode
  // ("r": its first button, "n": the note); any other form is submitted with its first button.
  function send(event) {
    var form = event.target.form;
    if (!form) { return false; }
    var mode = form.dataset.mode;
    var button = (mode && form.querySelector('[data-mode-button="' + mode + '"]')) ||
      form.querySelector("button[type=submit], button:not([type])");
    if (!button) { return false; }
    form.requestSubmit(button);
    return true;
  }

  var SHORTCUTS = {
    j: function () { return move(1); },
    k: function () { return move(-1); },
    o: openCurrent,
    r: function () { return replyBox("reply"); },
    n: function () { return replyBox("note"); },
    a: function () { return setStatus("archived"); },
    w: function () { return setStatus("waiting"); },
    "/": focusSearch,
    "?": toggleHelp,
  };

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.isComposing) { return; }
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      if (inField(event.target) && send(event)) { event.preventDefault(); }
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey || inField(event.target)) { return; }
    if (document.querySelector("dialog[open]") && event.key !== "?") { return; }
    var action = SHORTCUTS[event.key];
    // Enter on a link or button is theirs; on the page it opens the chosen row.
    if (event.key === "Enter" && !event.target.closest("a, button, summary")) { action = openCurrent; }
    if (action && action()) { event.preventDefault(); }
  });

  // The customer search and the new thread's recipient look-up: arrow keys walk the results (and back
  // up into the field), Enter in the field takes the first result when there are results.
  var LOOKUPS = { "customer-search-q": "customer-search-results", "id_recipient": "recipient-results" };

  function results(field) {
    var box = document.getElementById(LOOKUPS[field.id]);
    return box ? Array.prototype.slice.call(box.querySelectorAll(".search-results a, .search-results button")) : [];
  }

  function lookupField(target) {
    if (LOOKUPS[target.id]) { return target; }
    var box = target.closest && target.closest("#customer-search-results, #recipient-results");
    if (!box) { return null; }
    return document.getElementById(Object.keys(LOOKUPS).filter(function (id) { return LOOKUPS[id] === box.id; })[0]);
  }

  document.addEventListener("keydown", function (event) {
    var field = lookupField(event.target);
    if (!field) { return; }
    var list = results(field);
    var index = list.indexOf(event.target);
    var inField = event.target === field;
    if (!list.length || (!inField && index < 0)) { return; }
    if (event.key === "ArrowDown") {
      list[Math.min(list.length - 1, index + 1)].focus();
    } else if (event.key === "ArrowUp" && index >= 0) {
      (index === 0 ? field : list[index - 1]).focus();
    } else if (event.key === "Enter" && inField) {
      list[0].click();
    } else {
      return;
    }
    event.preventDefault();
  });
})();
