// zhengce serve: the page's only script. Everything works without it; it adds keys
// (`/` focuses the search box; on a document, `n` and `p` step to the next and previous
// hit) and the "copy citation" buttons.
(function () {
  "use strict";
  var box = document.getElementById("q");
  var hits = Array.prototype.slice.call(document.querySelectorAll("article.text p.hit"));
  var current = -1;

  function typing(e) {
    var t = e.target;
    return t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT" || t.isContentEditable);
  }

  function show(i) {
    if (!hits.length) return;
    i = (i + hits.length) % hits.length;
    if (current >= 0 && hits[current]) hits[current].classList.remove("current");
    current = i;
    var p = hits[i];
    p.classList.add("current");
    p.scrollIntoView({ block: "center" });
    if (history.replaceState) history.replaceState(null, "", "#" + p.id);
    var at = document.getElementById("hit-at");
    if (at) at.textContent = String(i + 1);
  }

  // The hit the URL points at (or the first after it) is the current one.
  function start() {
    var id = location.hash.slice(1);
    if (!id) return;
    var target = document.getElementById(id);
    if (!target) return;
    var n = parseInt(id.slice(1), 10);
    for (var i = 0; i < hits.length; i++) {
      if (parseInt(hits[i].id.slice(1), 10) >= n) { current = i; hits[i].classList.add("current"); break; }
    }
  }

  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key === "Escape" && typing(e)) { e.target.blur(); return; }
    if (typing(e)) return;
    if (e.key === "/" && box) { e.preventDefault(); box.focus(); box.select(); }
    else if (e.key === "n") { e.preventDefault(); show(current + 1); }
    else if (e.key === "p") { e.preventDefault(); show(current < 0 ? hits.length - 1 : current - 1); }
  });

  function toast(text) {
    var t = document.createElement("div");
    t.className = "toast";
    t.textContent = text;
    document.body.appendChild(t);
    setTimeout(function () { t.remove(); }, 1600);
  }

  function copy(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    var area = document.createElement("textarea");
    area.value = text;
    document.body.appendChild(area);
    area.select();
    try { document.execCommand("copy"); } finally { area.remove(); }
    return Promise.resolve();
  }

  var title = document.querySelector(".doc-head h1");
  var where = document.querySelector(".doc-head");
  Array.prototype.forEach.call(document.querySelectorAll("button.cite"), function (b) {
    b.hidden = false;
    b.addEventListener("click", function () {
      var p = b.closest("p.para");
      var text = p.querySelector(".t").textContent;
      var heading = title ? title.textContent : "";
      if (p.dataset.sec) heading += " › " + p.dataset.sec;
      var cite = heading + "\n" + text + "\n（" + (where ? where.dataset.path : "") + ":" + p.dataset.lines + "）";
      copy(cite).then(function () { toast("citation copied"); }, function () { toast("could not copy"); });
    });
  });

  start();
})();
