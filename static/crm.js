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
