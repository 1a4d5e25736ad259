/* engagecycle workshop form: what ipywidgets cannot do on its own.
 *
 * - Moving to another dimension lands on its title, with focus there, so the room sees the
 *   new dimension from its start and a second Enter cannot skip one.
 * - The sticky bar says which item is in view ("Item 2 of 5") as the page scrolls.
 * - Button groups (levels, individual ratings) expose the chosen button with aria-pressed,
 *   take one Tab stop each (arrow keys move within), and number keys choose a level:
 *   0-4, N for N/A and ? for don't know, for the item that has focus.
 * - A conflict box that appears is scrolled into view.
 * Loaded once per page by the Voila template, or by the notebook in JupyterLab; it only
 * reads and clicks what the form already shows, so without it the form still works.
 */
(function () {
  "use strict";
  if (window.__ecWorkshopScript) {
    return;
  }
  window.__ecWorkshopScript = true;

  var LEVEL_KEYS = { "0": 0, "1": 1, "2": 2, "3": 3, "4": 4, n: 5, N: 5, "?": 6 };
  var RATING_KEYS = { "-": 0, "0": 1, "1": 2, "2": 3, "3": 4, "4": 5 };
  var MOVE_KEYS = ["ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown", "Home", "End"];
  var lastHeading = null;
  var lastDim = null;
  var conflictShown = false;
  var queued = false;

  function buttonsOf(group) {
    return Array.prototype.slice.call(group.querySelectorAll("button.widget-toggle-button"));
  }

  function stickyBottom() {
    var bar = document.querySelector(".ec-workshop .ec-sticky");
    return bar ? bar.getBoundingClientRect().bottom : 0;
  }

  function syncGroup(group) {
    var buttons = buttonsOf(group);
    if (!buttons.length) {
      return;
    }
    var active = -1;
    buttons.forEach(function (b, i) {
      if (b.classList.contains("mod-active")) {
        active = i;
      }
    });
    var focused = buttons.indexOf(document.activeElement);
    var stop = focused >= 0 ? focused : active >= 0 ? active : 0;
    buttons.forEach(function (b, i) {
      var pressed = i === active ? "true" : "false";
      if (b.getAttribute("aria-pressed") !== pressed) {
        b.setAttribute("aria-pressed", pressed);
      }
      var index = i === stop ? 0 : -1;
      if (b.tabIndex !== index) {
        b.tabIndex = index;
      }
    });
    var holder = buttons[0].parentElement;
    if (holder && holder.getAttribute("role") !== "group") {
      holder.setAttribute("role", "group");
      var label = group.querySelector("label");
      var name = label && label.textContent.trim();
      if (!name && group.classList.contains("ec-levelgroup")) {
        var item = group.closest(".ec-item");
        var id = item && item.querySelector(".ec-itemid");
        name = "Level" + (id ? " for " + id.textContent.split("·")[1].trim() : "");
      }
      holder.setAttribute("aria-label", name || "Choose one");
    }
  }

  function placeTitle(title) {
    title.style.scrollMarginTop = Math.ceil(stickyBottom() + 8) + "px";
    title.scrollIntoView({ block: "start" });
  }

  function checkDimension() {
    var heading = document.querySelector(".ec-workshop .ec-dimheading");
    if (!heading || heading === lastHeading) {
      return;
    }
    var first = lastHeading === null;
    lastHeading = heading;
    var dim = heading.getAttribute("data-dim");
    if (first || dim === lastDim) {
      lastDim = dim;
      return; // first load, or the same dimension redrawn after a reload: keep the place
    }
    lastDim = dim;
    var title = heading.closest(".ec-dimtitle") || heading;
    placeTitle(title);
    heading.focus({ preventScroll: true });
    // The old page leaves the DOM a moment later; keep the title at the top meanwhile.
    [120, 400].forEach(function (ms) {
      setTimeout(function () {
        if (document.activeElement === heading) {
          placeTitle(title);
        }
      }, ms);
    });
  }

  function updateWhere() {
    var where = document.querySelector(".ec-workshop .ec-where-item");
    if (!where) {
      return;
    }
    var items = document.querySelectorAll(".ec-workshop .ec-page .ec-item");
    if (!items.length) {
      return;
    }
    var line = stickyBottom() + 24;
    var current = 1;
    for (var i = 0; i < items.length; i++) {
      if (items[i].getBoundingClientRect().top <= line) {
        current = i + 1;
      }
    }
    var text = "Item " + current + " of " + items.length;
    if (where.textContent !== text) {
      where.textContent = text;
    }
  }

  function checkConflict() {
    var box = document.querySelector(".ec-workshop .ec-conflict");
    var visible = !!(box && box.offsetParent !== null);
    if (visible && !conflictShown) {
      box.style.scrollMarginTop = Math.ceil(stickyBottom() + 8) + "px";
      box.scrollIntoView({ block: "start" });
    }
    conflictShown = visible;
  }

  function update() {
    queued = false;
    document.querySelectorAll(".ec-workshop .widget-toggle-buttons").forEach(syncGroup);
    checkDimension();
    updateWhere();
    checkConflict();
  }

  function schedule() {
    if (!queued) {
      queued = true;
      window.requestAnimationFrame(update);
    }
  }

  function onKey(e) {
    var t = e.target;
    if (!(t instanceof Element) || !t.closest(".ec-workshop")) {
      return;
    }
    if (e.ctrlKey || e.metaKey || e.altKey) {
      return;
    }
    if (t.matches("input, textarea, select, [contenteditable='true']")) {
      return; // typing evidence: keys are letters, not shortcuts
    }
    var group = t.closest(".widget-toggle-buttons");
    if (group && MOVE_KEYS.indexOf(e.key) >= 0) {
      var buttons = buttonsOf(group);
      var at = buttons.indexOf(t);
      var next = at;
      if (e.key === "Home") {
        next = 0;
      } else if (e.key === "End") {
        next = buttons.length - 1;
      } else if (e.key === "ArrowLeft" || e.key === "ArrowUp") {
        next = (at - 1 + buttons.length) % buttons.length;
      } else {
        next = (at + 1) % buttons.length;
      }
      e.preventDefault();
      buttons[next].focus();
      syncGroup(group);
      return;
    }
    var item = t.closest(".ec-item");
    if (!item) {
      return;
    }
    var row = t.closest(".ec-rating-row");
    var target = null;
    if (row && Object.prototype.hasOwnProperty.call(RATING_KEYS, e.key)) {
      target = buttonsOf(row)[RATING_KEYS[e.key]];
    } else if (!row && Object.prototype.hasOwnProperty.call(LEVEL_KEYS, e.key)) {
      var levels = item.querySelector(".ec-levelgroup");
      target = levels && buttonsOf(levels)[LEVEL_KEYS[e.key]];
    }
    if (target) {
      e.preventDefault();
      target.click();
      target.focus();
    }
  }

  document.addEventListener("keydown", onKey);
  document.addEventListener("scroll", schedule, true);
  window.addEventListener("resize", schedule);
  new MutationObserver(schedule).observe(document.documentElement, {
    childList: true,
    subtree: true,
    attributes: true,
    attributeFilter: ["class", "style"],
  });
  schedule();
})();
