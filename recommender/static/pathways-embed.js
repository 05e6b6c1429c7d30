// Inside a partner's widget (recommender/web/embed.py): tell the host page, through the loader (/embed.js), the height of
// the content and which services were recommended. Never the answers, nor anything that reveals a sensitive one: the
// services named are only those the server lists on data-shareable (recommender/web/disclosed.py), sorted; and pages
// whose length follows the answers (check, results, counsellor: a disability adds services; the follow-up questions,
// which ones are asked follows sensitive answers) report one fixed height and scroll inside the frame, so that the
// frame's size cannot tell the number of cards, nor which question is shown. Messages go only to the
// parent window, only once it has said hello from one of the partner's registered origins (<html data-partner-origins>).
(function () {
  "use strict";
  var root = document.documentElement;
  if (window.parent === window || !root.classList.contains("embedded")) { return; }
  var allowed = (root.getAttribute("data-partner-origins") || "").split(" ").filter(Boolean);
  var parentOrigin = null;
  var lastHeight = 0;
  var lastResults = "";
  var FIXED_HEIGHT = 760;

  function post(message) {
    if (parentOrigin) { window.parent.postMessage(message, parentOrigin); }
  }

  function answerShaped() {
    return document.querySelector("#recommendations, #counsellor-results, .summary-list, .follow-up-step") !== null;
  }

  // Which follow-up questions are asked, and how many, follows the answers (a recognised disability can add one):
  // their pages are not announced to the host page, so that it cannot count them.
  function followUp() {
    return document.querySelector(".follow-up-step") !== null;
  }

  // The content's own height (the html box, not the viewport): resizing the frame cannot change it, so no loop.
  function sendHeight() {
    var fixed = answerShaped();
    root.classList.toggle("fixed-height", fixed);
    var height = fixed ? FIXED_HEIGHT : Math.ceil(root.getBoundingClientRect().height);
    if (height !== lastHeight) {
      lastHeight = height;
      post({ type: "pathways:resize", height: height });
    }
  }

  // The services the server allows the host page to learn of, once per list shown.
  function sendResults() {
    var list = document.getElementById("recommendations");
    var ids = list ? (list.getAttribute("data-shareable") || "").split(" ").filter(Boolean) : [];
    var key = ids.join(" ");
    if (key !== lastResults) {
      lastResults = key;
      if (ids.length) { post({ type: "pathways:results", services: ids }); }
    }
  }

  window.addEventListener("message", function (event) {
    if (event.source !== window.parent || allowed.indexOf(event.origin) < 0) { return; }
    if (!event.data || event.data.type !== "pathways:hello") { return; }
    parentOrigin = event.origin;
    root.classList.add("sized");
    lastHeight = 0;
    lastResults = "";
    post({ type: "pathways:ready" });
    sendHeight();
    sendResults();
  });

  new ResizeObserver(sendHeight).observe(root);
  document.addEventListener("htmx:afterSettle", function (event) {
    sendResults();
    sendHeight();
    if (event.detail && event.detail.target && event.detail.target.id === "main" && !followUp()) { post({ type: "pathways:navigate" }); }
  });

  // Other sites usually refuse to be framed: their links open in a new tab.
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[href]") : null;
    if (link && link.origin !== window.location.origin) {
      link.target = "_blank";
      link.rel = "noopener noreferrer";
    }
  }, true);
})();
