// Small page helpers; the pages work without them.
(function () {
  "use strict";

  // "Back" goes back in the history when there is one, else its link (the overview) is followed.
  document.addEventListener("click", function (event) {
    var back = event.target.closest("[data-back]");
    if (back && window.history.length > 1 && document.referrer.indexOf(window.location.origin) === 0) {
      event.preventDefault();
      window.history.back();
    }
  });

  // Mail HTML sits in sandboxed iframes (no scripts inside): size each to its content.
  function fit(frame) {
    var doc = frame.contentDocument;
    if (doc && doc.documentElement) {
      frame.style.height = doc.documentElement.scrollHeight + 2 + "px";
    }
  }

  function fitAll(root) {
    root.querySelectorAll("iframe.mail-frame").forEach(function (frame) {
      fit(frame);
      frame.addEventListener("load", function () { fit(frame); });
    });
  }

  document.addEventListener("DOMContentLoaded", function () { fitAll(document); });
  document.addEventListener("toggle", function (event) {
    if (event.target.tagName === "DETAILS") { fitAll(event.target); }
  }, true);
})();

// Thread page: canned replies and the collision warning.
(function () {
  "use strict";

  // A chosen canned reply, filled in by the server for this thread, goes in at the cursor.
  document.addEventListener("change", function (event) {
    var select = event.target.closest("select[data-canned-into]");
    if (!select || !select.value) { return; }
    var field = document.getElementById(select.dataset.cannedInto);
    fetch(select.value, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error(response.status); }
        return response.text();
      })
      .then(function (text) {
        field.setRangeText(text, field.selectionStart, field.selectionEnd, "end");
        field.focus();
        field.dispatchEvent(new Event("input", { bubbles: true }));
      })
      .finally(function () { select.value = ""; });
  });

  // The presence poll tells the server whether this user is writing: the reply has text,
  // or was typed in since the last poll. The first keystroke polls at once.
  var typedSincePoll = false;
  var saidReplying = false;

  function poller() { return document.querySelector("[data-presence-of]"); }

  document.addEventListener("input", function (event) {
    var poll = poller();
    if (!poll || event.target.id !== poll.dataset.presenceOf) { return; }
    typedSincePoll = true;
    if (!saidReplying && window.htmx) { window.htmx.trigger(poll, "typing-started"); }
  });

  document.addEventListener("htmx:configRequest", function (event) {
    var poll = event.detail.elt;
    if (!poll.matches("[data-presence-of]")) { return; }
    var field = document.getElementById(poll.dataset.presenceOf);
    saidReplying = typedSincePoll || Boolean(field && field.value.trim());
    typedSincePoll = false;
    event.detail.parameters.replying = saidReplying ? "1" : "0";
  });

  // Leaving the page ends the presence at once instead of after it times out.
  window.addEventListener("pagehide", function () {
    var poll = poller();
    if (!poll || !navigator.sendBeacon) { return; }
    var data = new FormData();
    data.append("leaving", "1");
    data.append("csrfmiddlewaretoken", poll.dataset.csrf);
    navigator.sendBeacon(poll.getAttribute("hx-post"), data);
  });
})();

// Lists: the header box ticks every row of the page; "all matching the filter" stands for every row.
(function () {
  "use strict";

  document.addEventListener("change", function (event) {
    var box = event.target;
    if (box.matches("[data-select-page]")) {
      document.querySelectorAll('input[name="pick"][form="bulk"]').forEach(function (row) { row.checked = box.checked; });
    } else if (box.matches("[data-bulk-all]")) {
      document.querySelectorAll('input[name="pick"][form="bulk"], [data-select-page]').forEach(function (row) {
        row.checked = box.checked;
        row.disabled = box.checked;
      });
    }
  });
})();

// Live pages: the poll (threads/_live_poll.html) sends what it last saw; when something changed the chips
// and panels come out of band and an open list reloads its rows in place, keeping the ticked rows, the
// row chosen with j/k, the scroll position and anything typed into the filter (it is not replaced).
(function () {
  "use strict";

  document.addEventListener("htmx:configRequest", function (event) {
    var poll = event.detail.elt;
    if (poll.id !== "live-poll") { return; }
    event.detail.parameters.since = poll.dataset.version;
    event.detail.parameters.loaded = poll.dataset.loaded;
    if (document.getElementById("pok-panels")) { event.detail.parameters.panels = "1"; }
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var poll = event.detail.elt;
    var version = event.detail.xhr && event.detail.xhr.getResponseHeader("X-Live-Version");
    if (poll.id === "live-poll" && version) { poll.dataset.version = version; }
  });

  function keep(list) {
    var current = list.querySelector("tr.kb-current td.col-subject a");
    return {
      picked: Array.prototype.map.call(list.querySelectorAll('input[name="pick"]:checked'), function (box) { return box.value; }),
      current: current ? current.getAttribute("href") : null,
    };
  }

  function restore(list, kept) {
    var all = document.querySelector("[data-bulk-all]");
    list.querySelectorAll('input[name="pick"]').forEach(function (box) {
      box.checked = kept.picked.indexOf(box.value) >= 0 || Boolean(all && all.checked);
      box.disabled = Boolean(all && all.checked);
    });
    if (kept.current) {
      var link = list.querySelector('td.col-subject a[href="' + kept.current + '"]');
      if (link) { link.closest("tr").classList.add("kb-current"); }
    }
  }

  document.addEventListener("crm-list-changed", function () {
    var list = document.getElementById("thread-list");
    if (!list) { return; }
    fetch(window.location.href, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok || response.redirected) { throw new Error(response.status); }
        return response.text();
      })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("thread-list");
        var now = document.getElementById("thread-list");
        if (!fresh || !now) { return; }
        var kept = keep(now);
        var x = window.scrollX, y = window.scrollY;
        now.replaceWith(fresh);
        restore(fresh, kept);
        window.scrollTo(x, y);
      })
      .catch(function () { /* the next change tries again */ });
  });
})();

// An htmx request whose session expired was sent to the login page: the whole page goes there (and comes
// back here after logging in) instead of a login form inside a results box.
document.addEventListener("htmx:beforeSwap", function (event) {
  "use strict";
  var xhr = event.detail.xhr;
  var login = document.body.dataset.loginUrl;
  if (!login || !xhr || !xhr.responseURL) { return; }
  if (new URL(xhr.responseURL).pathname === login) {
    event.detail.shouldSwap = false;
    window.location.assign(login + "?next=" + encodeURIComponent(window.location.pathname + window.location.search));
  }
});

// New thread: a customer chosen from the recipient look-up fills the address in.
(function () {
  "use strict";

  document.addEventListener("click", function (event) {
    var choice = event.target.closest("[data-fill-recipient]");
    if (!choice) { return; }
    var box = choice.closest("#recipient-results");
    var field = document.getElementById("id_recipient");
    field.value = choice.dataset.fillRecipient;
    box.innerHTML = "";
    var next = document.getElementById("id_subject") || field;
    next.focus();
  });
})();

// Browser notifications for owners: the live poll (threads/_live_poll.html) asks for the user's threads a
// customer answered since the last one it saw, and each becomes a notification that opens the thread.
// The browser's permission is asked for only from the small prompt (never on load), and the answer is
// remembered for the user (crm.views.browser_notifications) so that the prompt is not shown again.
(function () {
  "use strict";

  var NOTIFIED_KEY = "crm-notified-until";  // shared by the tabs: one notification per answer, not one per tab

  function poll() { return document.getElementById("live-poll"); }
  function supported() { return "Notification" in window; }
  function active() {
    var live = poll();
    return Boolean(live && live.dataset.notify === "on" && supported() && Notification.permission === "granted");
  }

  function csrfToken() {
    try { return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || ""; } catch (error) { return ""; }
  }

  function remember(url, choice) {
    var data = new FormData();
    data.append("choice", choice);
    return fetch(url, { method: "POST", body: data, credentials: "same-origin", headers: { "X-CSRFToken": csrfToken() } });
  }

  // The prompt shows after the page has been open for one poll, while the user has not answered it (or said
  // yes in another browser), and never where the browser already blocks notifications.
  function maybeShowPrompt() {
    var prompt = document.getElementById("notify-prompt");
    if (!prompt || !prompt.hidden || prompt.dataset.answered || !supported() || Notification.permission === "denied") { return; }
    var choice = prompt.dataset.choice;
    if (choice === "" || (choice === "on" && Notification.permission === "default")) { prompt.hidden = false; }
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-notify-choice]");
    if (!button) { return; }
    var prompt = button.closest("#notify-prompt");
    prompt.hidden = true;
    prompt.dataset.answered = "1";
    var choose = function (choice) {
      remember(prompt.dataset.chooseUrl, choice);
      var live = poll();
      if (live) { live.dataset.notify = choice; }
    };
    if (button.dataset.notifyChoice === "on") {
      Notification.requestPermission().then(function (permission) { choose(permission === "granted" ? "on" : "off"); });
    } else {
      choose("off");
    }
  });

  // The preferences page: choosing "on" asks the browser at once (a click, so the browser allows the question).
  document.addEventListener("change", function (event) {
    var select = event.target;
    if (select.name !== "browser_notifications" || select.value !== "on" || !supported()) { return; }
    if (Notification.permission === "default") { Notification.requestPermission(); }
  });
  document.addEventListener("DOMContentLoaded", function () {
    var denied = document.querySelector("[data-notify-denied]");
    if (denied && supported() && Notification.permission === "denied") { denied.hidden = false; }
  });

  document.addEventListener("htmx:configRequest", function (event) {
    var live = event.detail.elt;
    if (live.id !== "live-poll" || !active()) { return; }
    var seen = parseFloat(window.localStorage.getItem(NOTIFIED_KEY) || "0");
    var after = Math.max(parseFloat(live.dataset.answeredAfter || "0"), seen);
    event.detail.parameters.answered_after = after.toFixed(6);
  });

  function show(item) {
    var notification = new Notification(item.dataset.title, { body: item.dataset.body, tag: "crm-" + item.dataset.tag });
    notification.addEventListener("click", function () {
      window.focus();
      window.location.assign(item.dataset.url);
      notification.close();
    });
  }

  document.addEventListener("htmx:afterRequest", function (event) {
    var live = event.detail.elt;
    if (live.id !== "live-poll") { return; }
    maybeShowPrompt();
    var answered = document.getElementById("live-answered");
    if (!answered || !active()) { return; }
    var after = Math.max(parseFloat(live.dataset.answeredAfter || "0"), parseFloat(window.localStorage.getItem(NOTIFIED_KEY) || "0"));
    var newest = after;
    Array.prototype.forEach.call(answered.querySelectorAll("li[data-at]"), function (item) {
      var at = parseFloat(item.dataset.at);
      if (at > after) {
        show(item);
        newest = Math.max(newest, at);
      }
    });
    live.dataset.answeredAfter = newest.toFixed(6);
    window.localStorage.setItem(NOTIFIED_KEY, newest.toFixed(6));
    answered.replaceChildren();
  });
})();
