// The story list: the 筛选 button applies the filters (a choice made with the arrow keys
// does not reload the page under the keyboard), and leaves the empty ones out of the
// address; the header's box ticks the whole page, and the bar says how many are ticked.
"use strict";
(function () {
  const filters = document.querySelector(".story-filters");
  if (filters) {
    filters.addEventListener("submit", () => {
      filters.querySelectorAll("select, input").forEach((field) => {
        if (field.name && !field.value) field.disabled = true;
      });
    });
    // Back from the next page, the fields are usable again.
    window.addEventListener("pageshow", () => {
      filters.querySelectorAll("[disabled]").forEach((field) => { field.disabled = false; });
    });
  }
  const toggle = document.getElementById("action-toggle");
  const boxes = Array.from(document.querySelectorAll("#result_list .action-select"));
  const counter = document.querySelector(".actions .action-counter");
  function count() {
    const ticked = boxes.filter((box) => box.checked).length;
    if (counter) counter.textContent = ticked ? `已选 ${ticked} 篇` : "";
    if (toggle) {
      toggle.checked = ticked > 0 && ticked === boxes.length;
      toggle.indeterminate = ticked > 0 && ticked < boxes.length;
    }
    boxes.forEach((box) => box.closest("tr").classList.toggle("selected", box.checked));
  }
  if (toggle) {
    toggle.addEventListener("change", () => {
      boxes.forEach((box) => { box.checked = toggle.checked; });
      count();
    });
  }
  boxes.forEach((box) => box.addEventListener("change", count));
  count();
})();
