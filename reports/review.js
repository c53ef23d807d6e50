(function () {
  "use strict";
  var RANK = { info: 0, warning: 1, error: 2 };

  function each(root, sel, fn) {
    Array.prototype.forEach.call(root.querySelectorAll(sel), fn);
  }

  function applyFilters(doc) {
    var want = {};
    each(doc, "input[data-filter]", function (cb) {
      want[cb.getAttribute("data-filter") + ":" + cb.value] = cb.checked;
    });
    var visible = {};
    var shown = 0;
    each(doc, "li.card", function (card) {
      var on = want["sev:" + card.getAttribute("data-sev")] !== false &&
        want["cat:" + card.getAttribute("data-cat")] !== false &&
        (card.getAttribute("data-sup") !== "1" || want["sup:1"] === true);
      card.hidden = !on;
      if (on) {
        visible[card.getAttribute("data-f")] = card.getAttribute("data-sev");
        shown += 1;
      }
    });
    each(doc, "mark[data-f]", function (m) {
      var best = null;
      m.getAttribute("data-f").split(" ").forEach(function (f) {
        var sev = visible[f];
        if (sev && (best === null || RANK[sev] > RANK[best])) { best = sev; }
      });
      m.classList.toggle("off", best === null);
      ["error", "warning", "info"].forEach(function (s) {
        m.classList.toggle("sev-" + s, best === s);
      });
    });
    var count = doc.querySelector("[data-role=shown-count]");
    if (count) { count.textContent = String(shown); }
  }

  function activate(f) {
    each(document, ".active", function (el) { el.classList.remove("active"); });
    if (!f) { return; }
    each(document, "mark[data-f~='" + f + "']", function (m) { m.classList.add("active"); });
    var card = document.getElementById("card-" + f);
    if (card) {
      card.classList.add("active");
      var panel = card.closest(".panel");
      if (panel) {
        var filters = panel.querySelector(".filters");
        var cover = (filters ? filters.offsetHeight : 0) + 12;
        if (card.offsetTop < panel.scrollTop + cover || card.offsetTop + card.offsetHeight > panel.scrollTop + panel.clientHeight) {
          panel.scrollTop = Math.max(0, card.offsetTop - cover);
        }
      }
    }
  }

  function fromHash() {
    var h = decodeURIComponent(location.hash.slice(1));
    var m = /^(?:finding|card)-(\d+)/.exec(h);
    activate(m ? m[1] : null);
  }

  each(document, "section.doc", function (doc) {
    each(doc, "input[data-filter]", function (cb) {
      cb.addEventListener("change", function () { applyFilters(doc); });
    });
    applyFilters(doc);
  });
  document.addEventListener("click", function (ev) {
    var a = ev.target.closest("a[data-go]");
    if (a) { activate(a.getAttribute("data-go")); }
  });
  window.addEventListener("hashchange", fromHash);
  fromHash();
  document.documentElement.setAttribute("data-ready", "1");
})();
