// Inside a partner's widget (recommender/web/embed.py): tell the host page, through the loader (/embed.js), the height of
// the content and which services were recommended. Never the answers. Messages go only to the parent window, only
// once it has said hello from one of the partner's registered origins (listed on <html data-partner-origins>).
(function () {
  "use strict";
  var root = document.documentElement;
  if (window.parent === window || !root.classList.contains("embedded")) { return; }
  var allowed = (root.getAttribute("data-partner-origins") || "").split(" ").filter(Boolean);
  var parentOrigin = null;
  var lastHeight = 0;
  var lastResults = "";

  function post(message) {
    if (parentOrigin) { window.parent.postMessage(message, parentOrigin); }
  }

  // The content's own height (the html box, not the viewport): resizing the frame cannot change it, so no loop.
  function sendHeight() {
    var height = Math.ceil(root.getBoundingClientRect().height);
    if (height !== lastHeight) {
      lastHeight = height;
      post({ type: "pathways:resize", height: height });
    }
  }

  // The recommended services' ids, once per list shown.
  function sendResults() {
    var list = document.getElementById("recommendations");
    var ids = list ? Array.prototype.map.call(list.querySelectorAll("[data-service-id]"), function (item) {
      return item.getAttribute("data-service-id");
    }) : [];
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
    if (event.detail && event.detail.target && event.detail.target.id === "main") { post({ type: "pathways:navigate" }); }
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
