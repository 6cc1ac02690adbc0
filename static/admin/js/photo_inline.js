// A story's photos: choosing a picture from the library (the 图片 autocomplete) shows its
// thumbnail at once and fills the caption, credit and alt text the desk left empty.
"use strict";
window.addEventListener("load", () => {
  const $ = window.django && window.django.jQuery;
  if (!$) return;
  $(document).on("change", ".inline-related select[name$='-image']", async (event) => {
    const select = event.target;
    const row = select.closest(".inline-related");
    if (!select.value || !row) return;
    const base = select.dataset.cardUrl;
    if (!base) return;
    const url = new URL(`${base}${encodeURIComponent(select.value)}/card/`, window.location.href);
    const response = await fetch(url, { credentials: "same-origin" });
    if (!response.ok) return;
    const card = await response.json();
    const preview = row.querySelector(".field-preview .readonly");
    if (preview) {
      const img = document.createElement("img");
      img.src = card.thumb;
      img.alt = card.alt_text || card.caption || "";
      img.width = 120;
      img.height = 90;
      img.className = "newsroom-thumb";
      preview.replaceChildren(img);
    }
    for (const name of ["caption", "credit", "alt_text"]) {
      const field = row.querySelector(`[name$='-${name}']`);
      if (field && !field.value.trim() && card[name]) field.value = card[name];
    }
  });
});
