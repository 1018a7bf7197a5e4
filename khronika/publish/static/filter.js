/* Khronika public archive: filter the person index in the browser.
   Reads window.KHRONIKA_INDEX (assets/index-data.js, the same data as
   downloads/index.json): {persons: [{slug, name, name_latin, aliases,
   facts: [[type, country, date], ...]}, ...]}. A person is shown when one of
   their facts matches every chosen filter (country, event type, year) and
   the name filter matches one of their names. The filters are kept in the
   address (#country=KZ&type=detained&year=2024), so a filtered list can be
   linked to. No network, no libraries: it works from file:// too. */
(function () {
  "use strict";
  var data = window.KHRONIKA_INDEX;
  var form = document.getElementById("filters");
  var table = document.getElementById("persons");
  if (!data || !form || !table) { return; }
  var fields = { name: form.elements.name, country: form.elements.country,
                 type: form.elements.type, year: form.elements.year };
  var shown = document.getElementById("shown");
  var rows = {};
  Array.prototype.forEach.call(table.querySelectorAll("tbody tr[data-id]"), function (tr) {
    rows[tr.getAttribute("data-id")] = tr;
  });

  function yearsOf(date) {
    if (!date) { return null; }
    var parts = String(date).split("/");
    var first = parseInt(parts[0].slice(0, 4), 10);
    var last = parseInt((parts[1] || parts[0]).slice(0, 4), 10);
    return isNaN(first) || isNaN(last) ? null : [first, last];
  }
  function fold(text) { return String(text || "").toLowerCase().replace(/ё/g, "е"); }

  var people = data.persons.map(function (p) {
    return {
      row: rows[p.slug],
      names: fold([p.name, p.name_latin].concat(p.aliases || []).join(" | ")),
      facts: p.facts.map(function (f) { return { type: f[0], country: f[1], years: yearsOf(f[2]) }; })
    };
  }).filter(function (p) { return p.row; });

  function factMatches(f, country, type, year) {
    if (country && f.country !== country) { return false; }
    if (type && f.type !== type) { return false; }
    if (year && !(f.years && f.years[0] <= year && year <= f.years[1])) { return false; }
    return true;
  }

  function apply() {
    var name = fold(fields.name.value.trim());
    var country = fields.country.value, type = fields.type.value;
    var year = fields.year.value ? parseInt(fields.year.value, 10) : 0;
    var count = 0;
    people.forEach(function (p) {
      var ok = (!name || p.names.indexOf(name) !== -1) &&
               (!country && !type && !year || p.facts.some(function (f) { return factMatches(f, country, type, year); }));
      p.row.hidden = !ok;
      if (ok) { count += 1; }
    });
    if (shown) {
      shown.textContent = (shown.getAttribute("data-template") || "{shown} / {total}")
        .replace("{shown}", String(count)).replace("{total}", String(people.length));
    }
    var state = [];
    ["country", "type", "year"].forEach(function (key) {
      if (fields[key].value) { state.push(key + "=" + encodeURIComponent(fields[key].value)); }
    });
    if (window.history && window.history.replaceState) {
      try { window.history.replaceState(null, "", state.length ? "#" + state.join("&") : window.location.pathname); }
      catch (e) { /* some browsers refuse replaceState on file:// */ }
    }
  }

  // Filters given in the address (a shared link).
  window.location.hash.replace(/^#/, "").split("&").forEach(function (pair) {
    var kv = pair.split("=");
    if (kv.length === 2 && fields[kv[0]] && kv[0] !== "name") {
      fields[kv[0]].value = decodeURIComponent(kv[1]);
    }
  });
  form.hidden = false;
  form.addEventListener("input", apply);
  form.addEventListener("change", apply);
  form.addEventListener("submit", function (event) { event.preventDefault(); apply(); });
  form.addEventListener("reset", function () { window.setTimeout(apply, 0); });
  apply();
}());
