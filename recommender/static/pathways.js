// The little the pages need beyond htmx. No inline script anywhere (strict Content-Security-Policy): this file is
// loaded with `defer`, and everything here is an enhancement; the pages work without it.
(function () {
  "use strict";

  // Print and copy buttons, shown only when JavaScript can run them (without it, the print page and the link remain).
  function revealButtons(root) {
    root.querySelectorAll("[data-print], [data-copy]").forEach(function (button) { button.hidden = false; });
  }

  // Copy the link held by the field the button names, and say so in the page's status line.
  function copyLink(button) {
    var field = document.getElementById(button.getAttribute("data-copy"));
    var status = document.getElementById("copy-status");
    function say(attribute) { if (status) { status.textContent = status.getAttribute(attribute); } }
    function fallback() {
      field.select();
      try { say(document.execCommand("copy") ? "data-copied" : "data-copy-failed"); } catch (error) { say("data-copy-failed"); }
    }
    if (!field) { return; }
    if (navigator.clipboard && window.isSecureContext) {
      // A whole address: the field holds a path when the site's public address is not configured.
      navigator.clipboard.writeText(new URL(field.value, document.baseURI).href).then(function () { say("data-copied"); }, fallback);
    } else {
      fallback();
    }
  }

  document.addEventListener("click", function (event) {
    var target = event.target.closest ? event.target : null;
    if (!target) { return; }
    if (target.closest("[data-print]")) {
      window.print();
      return;
    }
    var copy = target.closest("[data-copy]");
    if (copy) {
      copyLink(copy);
      return;
    }
    // An error summary's link puts the cursor in the field, not only the field on screen.
    var link = target.closest(".error-summary a[href^='#']");
    var field = link && document.getElementById(link.getAttribute("href").slice(1));
    if (field) {
      event.preventDefault();
      field.focus();
      field.scrollIntoView({ block: "center" });
    }
  });
  // The browser's back button shows each question as it was answered: just before a step is sent, its address is
  // updated to carry the answer given (the answers live in the URL, never in storage).
  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = event.detail.elt;
    if (form instanceof HTMLFormElement && form.classList.contains("step-form")) {
      var answers = new URLSearchParams(new FormData(form)).toString();
      history.replaceState(history.state, "", window.location.pathname + "?" + answers);
    }
  });
  document.addEventListener("DOMContentLoaded", function () { revealButtons(document); });
  document.addEventListener("htmx:load", function (event) { revealButtons(event.detail.elt); });
})();
