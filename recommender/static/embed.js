// Pathways widget loader (recommender/web/embed.py): an iframe where this script stands, sized to fit.
(function () {
	var script = document.currentScript, data = script && script.dataset, ready;
	if (!data || !data.partner) return;
	var origin = new URL(script.src).origin, query = new URLSearchParams();
	if (/^(fr|en)$/.test(data.lang)) query.set("lang", data.lang);
	if (/^#[0-9a-f]{6}$/i.test(data.accent)) query.set("accent", data.accent);
	var frame = document.createElement("iframe");
	frame.src = origin + "/embed/" + encodeURIComponent(data.partner) + "/" +
		(data.start == "results" ? "counsellor" : "") + "?" + query;
	frame.title = /^en/.test(data.lang || document.documentElement.lang) ?
		"Pathways: which guidance service can help you?" : "Pathways : quel service d’orientation peut vous aider ?";
	frame.style.cssText = "display:block;width:100%;height:640px;border:0";
	script.after(frame);
	function fire(name, detail) {
		script.dispatchEvent(new CustomEvent("pathways:" + name, { bubbles: true, detail: detail }));
	}
	// Only our frame, from our origin
	addEventListener("message", function (e) {
		var m = e.data, h;
		if (e.source != frame.contentWindow || e.origin != origin || !m) return;
		if (m.type == "pathways:ready" && !ready) {
			ready = 1;
			fire("ready", { partner: data.partner });
		} else if (m.type == "pathways:resize" && m.height > 0) {
			h = Math.ceil(m.height);
			if (frame.style.height != h + "px") {
				frame.style.height = h + "px";
				fire("resize", { height: h });
			}
		} else if (m.type == "pathways:results" && Array.isArray(m.services)) {
			fire("results", { services: m.services.map(String).sort() });
		} else if (m.type == "pathways:navigate" && frame.getBoundingClientRect().top < 0) {
			frame.scrollIntoView();
		}
	});
	// Greet each page: it answers a parent from the partner's origins only
	frame.addEventListener("load", function () {
		frame.contentWindow.postMessage({ type: "pathways:hello" }, origin);
	});
})();
