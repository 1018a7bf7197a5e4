// Progressive enhancement of the review and merge pages (review_pages.py).
// Every page works without it: the forms post and the search form submits.
// A file, not an inline script: the pages' CSP refuses inline scripts.
(function () {
  "use strict";

  // ------------------------------------------------------------ keyboard
  // j/k move between the items, c confirms, r rejects, e opens the edit
  // fields, x toggles the item's checkbox (the shortcuts listed on the page).
  var items = Array.prototype.slice.call(document.querySelectorAll("[data-review-item]"));
  var current = -1;

  function typing(target) {
    var tag = (target && target.tagName || "").toLowerCase();
    return tag === "input" || tag === "select" || tag === "textarea" || (target && target.isContentEditable);
  }

  function select(index) {
    if (!items.length) return;
    index = Math.max(0, Math.min(items.length - 1, index));
    if (current >= 0 && items[current]) items[current].classList.remove("current");
    current = index;
    items[current].classList.add("current");
    items[current].scrollIntoView({block: "nearest"});
  }

  function press(key) {
    if (current < 0) return;
    var button = items[current].querySelector("button[data-key='" + key + "']");
    if (button) button.click();
  }

  document.addEventListener("keydown", function (event) {
    if (!items.length || event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    var item = current >= 0 ? items[current] : null;
    switch (event.key) {
      case "j": select(current + 1); break;
      case "k": select(current - 1); break;
      case "c": press("c"); break;
      case "r": press("r"); break;
      case "e":
        if (!item) return;
        var details = item.querySelector("details.edit");
        if (details) {
          details.open = true;
          var field = details.querySelector("select, input");
          if (field) field.focus();
        }
        break;
      case "x":
        if (!item) return;
        var box = item.querySelector("input[type=checkbox]");
        if (box) box.checked = !box.checked;
        break;
      default: return;
    }
    event.preventDefault();
  });

  // ------------------------------------------------------------ search as you type
  // The merge target: the names found so far under the field, from the
  // JSON API, built as text nodes (a name is data, never markup).
  var field = document.getElementById("merge-q");
  var list = document.getElementById("merge-candidates");
  if (!field || !list || !window.fetch) return;
  var person = field.getAttribute("data-person");
  var timer = null, asked = 0;

  function show(found, serial) {
    if (serial !== asked) return;           // an older answer arriving late
    while (list.firstChild) list.removeChild(list.firstChild);
    found = found.filter(function (p) { return p.id !== person; });
    if (!found.length) {
      var none = document.createElement("li");
      none.className = "empty";
      none.textContent = field.getAttribute("data-none");
      list.appendChild(none);
      return;
    }
    found.forEach(function (p) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = "/persons/" + encodeURIComponent(person) + "/merge/" + encodeURIComponent(p.id);
      a.textContent = p.name;
      var small = document.createElement("small");
      small.textContent = " " + (p.name_latin || "");
      li.appendChild(a);
      li.appendChild(small);
      list.appendChild(li);
    });
  }

  field.addEventListener("input", function () {
    clearTimeout(timer);
    var q = field.value.trim();
    if (q.length < 2) return;
    timer = setTimeout(function () {
      var serial = ++asked;
      fetch("/api/persons?limit=10&q=" + encodeURIComponent(q), {credentials: "same-origin"})
        .then(function (response) { return response.ok ? response.json() : []; })
        .then(function (found) { show(found, serial); })
        .catch(function () { /* the search button still works */ });
    }, 200);
  });
})();
