/* starchart: small progressive enhancements. Every page works without this file. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  /* Tabs: a list of in-page links becomes an ARIA tablist (arrow keys, Home/End). */
  function enhanceTabs(root) {
    var links = Array.prototype.slice.call(root.querySelectorAll(".tabs a[href^='#']"));
    if (!links.length) return;
    var list = document.createElement("div");
    list.className = "tabs";
    list.setAttribute("role", "tablist");
    list.setAttribute("aria-label", root.getAttribute("data-tabs") || "Lists");
    var tabs = links.map(function (link) {
      var id = link.getAttribute("href").slice(1);
      var panel = document.getElementById(id);
      var tab = document.createElement("button");
      tab.type = "button";
      tab.id = "tab-" + id;
      tab.textContent = link.textContent;
      tab.setAttribute("role", "tab");
      tab.setAttribute("aria-controls", id);
      tab.dataset.panel = id;
      if (panel) {
        panel.setAttribute("role", "tabpanel");
        panel.setAttribute("aria-labelledby", tab.id);
        panel.tabIndex = 0;
        var heading = panel.querySelector("h2");
        if (heading) heading.classList.add("visually-hidden");
      }
      list.appendChild(tab);
      return tab;
    });
    root.querySelector(".tabs").replaceWith(list);

    function select(tab, focus) {
      tabs.forEach(function (t) {
        var on = t === tab;
        t.setAttribute("aria-selected", on ? "true" : "false");
        t.tabIndex = on ? 0 : -1;
        var panel = document.getElementById(t.dataset.panel);
        if (panel) panel.hidden = !on;
      });
      if (focus) tab.focus();
    }
    list.addEventListener("click", function (e) {
      var tab = e.target.closest("[role=tab]");
      if (!tab) return;
      select(tab, false);
      history.replaceState(null, "", "#" + tab.dataset.panel);
    });
    list.addEventListener("keydown", function (e) {
      var i = tabs.indexOf(document.activeElement);
      if (i < 0) return;
      var next = null;
      if (e.key === "ArrowRight") next = tabs[(i + 1) % tabs.length];
      else if (e.key === "ArrowLeft") next = tabs[(i - 1 + tabs.length) % tabs.length];
      else if (e.key === "Home") next = tabs[0];
      else if (e.key === "End") next = tabs[tabs.length - 1];
      if (next) {
        e.preventDefault();
        select(next, true);
        history.replaceState(null, "", "#" + next.dataset.panel);
      }
    });
    var wanted = location.hash.slice(1);
    var first = tabs.filter(function (t) { return t.dataset.panel === wanted; })[0] || tabs[0];
    select(first, false);
  }
  Array.prototype.forEach.call(document.querySelectorAll("[data-tabs]"), enhanceTabs);

  /* Map slider: re-shade the spread map week by week from the data embedded in the page. */
  var data = document.getElementById("spread-data");
  var map = document.getElementById("spread-map");
  var slider = document.getElementById("spread-slider");
  if (data && map && slider) {
    var spread = JSON.parse(data.textContent);
    var shapes = Array.prototype.slice.call(map.querySelectorAll("[data-iso2]"));
    var original = shapes.map(function (el) { return el.getAttribute("class"); });
    var out = document.getElementById("spread-output");
    var allButton = document.getElementById("spread-all");
    var last = spread.labels.length;  /* the slider's last stop: all weeks together */
    function shade(i) {
      if (i < 0 || i >= last) {
        shapes.forEach(function (el, k) { el.setAttribute("class", original[k]); });
        out.textContent = out.dataset.all;
        slider.value = String(last);
        slider.setAttribute("aria-valuetext", "All weeks");
        return;
      }
      slider.setAttribute("aria-valuetext", spread.labels[i]);
      var top = new Set(spread.top10[i]), one = new Set(spread.at1[i]);
      shapes.forEach(function (el) {
        var c = el.getAttribute("data-iso2");
        var st = one.has(c) ? "at1" : top.has(c) ? "top10" : "list";
        el.setAttribute("class", (el.tagName.toLowerCase() === "circle" ? "dot " : "") + "st-" + st);
      });
      out.textContent = spread.labels[i] + ": Top 10 in " + spread.top10[i].length +
        (spread.top10[i].length === 1 ? " country" : " countries") + ", #1 in " + spread.at1[i].length;
    }
    slider.closest(".slider").hidden = false;
    slider.addEventListener("input", function () { shade(Number(slider.value)); });
    if (allButton) allButton.addEventListener("click", function () { shade(-1); });
  }
})();
