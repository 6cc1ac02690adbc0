// Keeps "X is editing this story" fresh while the form is open, and shows who else is in it.
(function () {
  "use strict";
  const box = document.getElementById("edit-session");
  if (!box) return;
  const url = box.dataset.heartbeatUrl;
  const interval = Number(box.dataset.interval || 40) * 1000;
  const csrf = (document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/) || [])[1] || "";

  function show(others) {
    box.textContent = "";
    if (!others.length) return;
    const item = document.createElement("li");
    item.className = "warning";
    item.textContent = others.join("、") + " 也打开了此稿件。保存前请与对方沟通，以免修改冲突。";
    box.appendChild(item);
  }

  function beat() {
    fetch(url, { method: "POST", headers: { "X-CSRFToken": csrf }, credentials: "same-origin" })
      .then((response) => (response.ok ? response.json() : null))
      .then((data) => data && show(data.others))
      .catch(() => {});
  }

  function closed() {
    const form = new FormData();
    form.append("csrfmiddlewaretoken", csrf);
    form.append("closed", "1");
    navigator.sendBeacon(url, form);
  }

  beat(); // opening the form is reported by the form itself: a GET never writes
  setInterval(beat, interval);
  window.addEventListener("pagehide", closed);
})();
