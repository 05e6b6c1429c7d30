// The demo partner's own script: it listens to the widget's events as any partner page can, and lists them
// (resizes on one line that it updates). Loaded before the snippet, not async, so that no event is missed;
// the tests read window.pathwaysEvents.
(function () {
  "use strict";
  window.pathwaysEvents = [];
  var resizeLine = null;
  ["pathways:ready", "pathways:resize", "pathways:results"].forEach(function (name) {
    document.addEventListener(name, function (event) {
      window.pathwaysEvents.push({ type: name, detail: event.detail });
      var line = name === "pathways:resize" && resizeLine ? resizeLine : document.createElement("li");
      line.textContent = name + " " + JSON.stringify(event.detail);
      document.getElementById("widget-events").appendChild(line);
      if (name === "pathways:resize") { resizeLine = line; }
    });
  });
})();
