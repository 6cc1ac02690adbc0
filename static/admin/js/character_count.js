// 字数 beside the body, kept current as the text is typed: every character but spaces, line
// breaks and Markdown's marks (a link counts its words), as articles/markup.py counts it.
(function () {
  "use strict";
  function count(text) {
    const plain = text
      .replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1")
      .replace(/^\s*(?:[-+]|\d+\.)\s/gm, "")
      .replace(/[#*_>`|~]/g, "");
    return Array.from(plain).filter((c) => !/\s/.test(c)).length;
  }
  document.addEventListener("DOMContentLoaded", function () {
    const body = document.getElementById("id_body");
    const shown = document.querySelector(".field-character_count .readonly");
    if (!body || !shown) return;
    const update = () => { shown.textContent = String(count(body.value)); };
    body.addEventListener("input", update);
    update();
  });
})();
