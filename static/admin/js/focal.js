// The photo library: a click on the picture sets its focal point (the centre every crop
// keeps), shown as a ring; the two number fields below hold it and stay editable.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const box = document.querySelector(".newsroom-focal");
  const x = document.getElementById("id_focal_x");
  const y = document.getElementById("id_focal_y");
  if (!box || !x || !y) return;
  const img = box.querySelector("img");
  const ring = document.createElement("span");
  ring.className = "newsroom-focal-ring";
  ring.setAttribute("aria-hidden", "true");
  box.appendChild(ring);
  const show = () => {
    ring.style.left = `${parseFloat(x.value) * 100}%`;
    ring.style.top = `${parseFloat(y.value) * 100}%`;
  };
  img.addEventListener("click", (event) => {
    const rect = img.getBoundingClientRect();
    x.value = ((event.clientX - rect.left) / rect.width).toFixed(3);
    y.value = ((event.clientY - rect.top) / rect.height).toFixed(3);
    show();
  });
  x.addEventListener("input", show);
  y.addEventListener("input", show);
  show();
});
