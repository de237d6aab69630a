// Keyboard shortcuts and the live owner lookup. Elements name their key with data-key:
// a button is clicked, a field is focused, a link is followed. Keys typed in a field go to the field.
(function () {
  "use strict";
  function typing(el) {
    return el && (el.tagName === "INPUT" || el.tagName === "TEXTAREA" || el.tagName === "SELECT");
  }
  var rows = Array.prototype.slice.call(document.querySelectorAll("table.queue tbody tr"));
  var selected = -1;
  function select(i) {
    if (!rows.length) { return; }
    if (selected >= 0) { rows[selected].classList.remove("selected"); }
    selected = Math.max(0, Math.min(rows.length - 1, i));
    rows[selected].classList.add("selected");
    var button = rows[selected].querySelector("button, a");
    if (button) { button.focus(); }
  }
  document.addEventListener("keydown", function (ev) {
    if (ev.ctrlKey || ev.metaKey || ev.altKey) { return; }
    if (typing(ev.target)) {
      if (ev.key === "Escape") { ev.target.blur(); }
      return;
    }
    if (ev.key === "j") { select(selected + 1); ev.preventDefault(); return; }
    if (ev.key === "k") { select(selected - 1); ev.preventDefault(); return; }
    if (ev.key === "z") {
      var zoom = document.getElementById("zoom");
      if (zoom) { zoom.value = Number(zoom.value) >= Number(zoom.max) ? zoom.min : Number(zoom.value) + 1; zoom.dispatchEvent(new Event("input")); }
      return;
    }
    var target = document.querySelector('[data-key="' + ev.key + '"]');
    if (!target) { return; }
    ev.preventDefault();
    if (target.tagName === "INPUT") { target.focus(); } else { target.click(); }
  });
  var zoom = document.getElementById("zoom");
  var crop = document.getElementById("plate-crop");
  if (zoom && crop) {
    var apply = function () { crop.style.width = (Number(zoom.value) * 100) + "%"; };
    zoom.addEventListener("input", apply);
    apply();
  }
  var plate = document.getElementById("plate");
  var out = document.getElementById("lookup");
  if (plate && out) {
    var timer = null;
    plate.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var url = plate.dataset.lookup + "?plate=" + encodeURIComponent(plate.value) +
          "&vehicle_class=" + encodeURIComponent(plate.dataset.class || "");
        fetch(url, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (data) {
          if (!data.candidates.length) { out.textContent = plate.value.length < 4 ? "" : "no registered owner"; return; }
          out.textContent = data.candidates.map(function (c) {
            return c.registration + (c.cost ? " (cost " + c.cost + ")" : " (exact)") + ": " +
              (c.name || "") + ", " + (c.vehicle_class || "") + " " + (c.maker_model || "");
          }).join(" | ");
        });
      }, 200);
    });
  }
}());
