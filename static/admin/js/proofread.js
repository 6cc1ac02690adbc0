// 校对 beside the story's text: the findings for the title, subtitle and body, checked again
// a moment after typing stops (desk/proofing.py answers), and each finding a link that
// selects its place in the field. Hints only: nothing here stops a save or a step.
(function () {
  "use strict";
  const FIELDS = ["title", "subtitle", "body"];
  const DELAY = 600;
  // What a textarea's text is laid out by, copied to the hidden copy that finds a line.
  const LAYOUT = [
    "fontFamily", "fontSize", "fontWeight", "fontStyle", "lineHeight", "letterSpacing",
    "wordSpacing", "textIndent", "tabSize", "wordBreak", "overflowWrap", "whiteSpace",
  ];

  function make(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function item(finding) {
    const li = make("li", "proofreading-" + finding.code);
    const link = make("a", "proofreading-finding", finding.field_label + "：" + finding.message);
    link.href = "#id_" + finding.field;
    link.dataset.field = finding.field;
    link.dataset.start = finding.start;
    link.dataset.end = finding.end;
    const excerpt = make("q", "proofreading-excerpt");
    excerpt.append(finding.before, make("mark", "", finding.excerpt), finding.after);
    li.append(link, " ", excerpt);
    if (finding.suggestion) {
      li.append(" ", make("span", "proofreading-suggestion", "建议：" + finding.suggestion));
    }
    return li;
  }

  function statusText(data) {
    if (!data.count) return "未发现问题";
    const cut = data.shown < data.count ? "，列出前 " + data.shown + " 条" : "";
    return "共 " + data.count + " 条提示" + cut + "。";
  }

  function render(box, data) {
    box.querySelector(".proofreading-heading").textContent = data.heading;
    const status = box.querySelector(".proofreading-status");
    const text = statusText(data);
    if (status.textContent !== text) status.textContent = text;  // announced when it changes
    box.querySelector(".proofreading-list").replaceChildren(...data.findings.map(item));
  }

  // A textarea scrolls to its caret only as one types: find the line of ``start`` in a
  // hidden copy laid out the same way, and scroll the field to it.
  function scrollTo(field, start) {
    if (field.tagName !== "TEXTAREA") return;
    const style = getComputedStyle(field);
    const copy = make("div");
    for (const name of LAYOUT) copy.style[name] = style[name];
    const inner = field.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    Object.assign(copy.style, {
      position: "absolute", visibility: "hidden", top: "0", left: "-9999px",
      width: inner + "px", whiteSpace: "pre-wrap",
    });
    copy.textContent = field.value.slice(0, start);
    const marker = make("span", "", "\u200b");
    copy.append(marker);
    document.body.append(copy);
    const top = marker.offsetTop;
    copy.remove();
    field.scrollTop = Math.max(0, top - field.clientHeight / 3);
  }

  function select(link) {
    const field = document.getElementById("id_" + link.dataset.field);
    if (!field) return;
    const start = Number(link.dataset.start);
    const end = Number(link.dataset.end);
    field.scrollIntoView({ block: "center" });
    field.focus({ preventScroll: true });
    field.setSelectionRange(start, end);
    scrollTo(field, start);
  }

  function token() {
    const input = document.querySelector(
      "#article_form input[name=csrfmiddlewaretoken], input[name=csrfmiddlewaretoken]"
    );
    return input ? input.value : "";
  }

  document.addEventListener("DOMContentLoaded", function () {
    const box = document.getElementById("proofreading");
    if (!box || !box.dataset.url) return;
    let timer = null;
    let sent = 0;
    let pending = null;

    async function check() {
      const body = new URLSearchParams();
      for (const name of FIELDS) {
        const field = document.getElementById("id_" + name);
        body.append(name, field ? field.value : "");
      }
      const mine = ++sent;
      if (pending) pending.abort();  // an answer for older text is of no use
      pending = new AbortController();
      box.setAttribute("aria-busy", "true");
      try {
        const response = await fetch(box.dataset.url, {
          method: "POST", body, credentials: "same-origin", signal: pending.signal,
          headers: { "X-CSRFToken": token(), "X-Requested-With": "XMLHttpRequest" },
        });
        if (!response.ok) throw new Error(String(response.status));
        const data = await response.json();
        if (mine === sent) render(box, data);
      } catch (error) {
        if (error.name !== "AbortError" && mine === sent) {
          box.querySelector(".proofreading-status").textContent =
            "校对提示暂时无法更新（下面是上次的结果），稍后会再试。";
        }
      } finally {
        if (mine === sent) box.removeAttribute("aria-busy");
      }
    }

    for (const name of FIELDS) {
      const field = document.getElementById("id_" + name);
      if (!field) continue;
      field.addEventListener("input", function () {
        clearTimeout(timer);
        timer = setTimeout(check, DELAY);
      });
    }
    box.addEventListener("click", function (event) {
      const link = event.target.closest(".proofreading-finding");
      if (!link) return;
      event.preventDefault();
      select(link);
    });
  });
})();
