// The story's body, as Markdown: a toolbar (小标题, 加粗, 链接, 引用) that works on the
// selection and keeps the browser's undo; pasted newspaper copy made into paragraphs as the
// server makes it; and a preview of what readers will get, rendered by the server (so it
// is the public page's sanitised HTML, never a guess made here).
(function () {
  "use strict";

  // -- Pasted copy: articles/markup.py's normalise_body, line for line. ------------------
  // Keep the two the same: the browser tests run both on the same samples.

  // Python's whitespace (str.strip, re's \s), which is not quite JavaScript's \s.
  const SPACE = "\\t\\n\\x0b\\x0c\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a" +
    "\\u2028\\u2029\\u202f\\u205f\\u3000";
  const KINDS = [
    ["heading", new RegExp("^#{1,6}[" + SPACE + "]", "u")],
    ["quote", /^>/u],
    ["list", new RegExp("^(?:[-*+]|\\p{Nd}+\\.)[" + SPACE + "]", "u")],
    ["table", /^\|/u],
    ["rule", new RegExp("^(?:-{3,}|\\*{3,})[" + SPACE + "]*$", "u")],
  ];
  const JOINED = new Set(["quote", "list", "table"]);
  const BLANK = new RegExp("^[" + SPACE + "]*$", "u");
  const INDENT = /^[\u3000 \t]+/u;

  function kind(line) {
    if (BLANK.test(line)) return "";
    if ((line[0] === " " || line[0] === "\t") && !line.startsWith("\u3000")) {
      return "continued";
    }
    for (const [name, pattern] of KINDS) {
      if (pattern.test(line)) return name;
    }
    return "plain";
  }

  function normalise(text) {
    if (!text) return text;
    const out = [];
    let previous = "";
    for (let line of text.split("\n")) {
      const indentedParagraph = kind(line) === "continued" &&
        kind(line.replace(INDENT, "")) === "plain" &&
        (previous === "plain" || previous === "heading" || previous === "");
      if (line.startsWith("\u3000") || indentedParagraph) line = line.replace(INDENT, "");
      const current = kind(line);
      if (current && previous && current !== "continued" &&
          !(current === previous && JOINED.has(current))) {
        out.push("");
      }
      out.push(line);
      if (current !== "continued") previous = current;
    }
    return out.join("\n");
  }

  // Pasted text that looks like a newspaper's (paragraphs indented with 全角空格, or one
  // line break between paragraphs) comes in as the server would store it.
  function pastedCopy(text) {
    text = text.replace(/\r\n?/g, "\n");
    if (!text.includes("\n") && !text.startsWith("\u3000")) return null;
    const normalised = normalise(text);
    return normalised === text ? null : normalised;
  }

  // -- Editing the text: undoable where the browser allows it. ---------------------------

  function replaceRange(area, start, end, text, selectStart, selectEnd) {
    area.focus();
    area.setSelectionRange(start, end);
    const before = area.value;
    let done = false;
    try {
      // Goes through the browser's own editing, so Ctrl+Z undoes it.
      done = document.execCommand(text ? "insertText" : "delete", false, text);
    } catch (error) {
      done = false;
    }
    if (!done || (area.value === before && text !== before.slice(start, end))) {
      area.setRangeText(text, start, end, "end");
      area.dispatchEvent(new Event("input", { bubbles: true }));
    }
    area.setSelectionRange(selectStart, selectEnd === undefined ? selectStart : selectEnd);
  }

  // The whole lines the selection touches, as [from, to) (a selection ending just after a
  // line break stops at that line).
  function lineBounds(value, start, end) {
    const from = start === 0 ? 0 : value.lastIndexOf("\n", start - 1) + 1;
    const last = end > start && value[end - 1] === "\n" ? end - 1 : end;
    const to = value.indexOf("\n", last);
    return [from, to === -1 ? value.length : to];
  }

  const HEADING = /^#{1,6}[ \t]+/;
  const EDGE_SPACE = /^([ \t\u3000]*)([\s\S]*?)([ \t\u3000]*)$/;
  // A line's block mark (subhead, quote, list item) stays outside inline marks.
  const BLOCK_MARK = /^((?:#{1,6}[ \t]+|>[ \t]?|(?:[-*+]|\d+\.)[ \t]+)?)([\s\S]*)$/;

  function subhead(area) {
    const { value, selectionStart: start, selectionEnd: end } = area;
    const [from, to] = lineBounds(value, start, end);
    const selected = value.slice(start, end);
    if (selected.trim() && !selected.includes("\n") && (start > from || end < to)) {
      // Words inside a paragraph: they become a subhead between its two halves.
      const before = value.slice(from, start).replace(/[ \t\u3000]+$/, "");
      const after = value.slice(end, to).replace(/^[ \t\u3000]+/, "");
      const head = "### " + selected.trim();
      const headAt = from + (before ? before.length + 2 : 0);
      const text = (before ? before + "\n\n" : "") + head + (after ? "\n\n" + after : "");
      replaceRange(area, from, to, text, headAt + 4, headAt + head.length);
      return;
    }
    const lines = value.slice(from, to).split("\n");
    const filled = lines.filter((line) => line.trim());
    if (!filled.length) {
      replaceRange(area, from, to, "### ", from + 4);
      return;
    }
    const remove = filled.every((line) => HEADING.test(line));
    const text = lines.map((line) => {
      if (!line.trim()) return line;
      const bare = line.replace(HEADING, "");
      return remove ? bare : "### " + bare.replace(INDENT, "");
    }).join("\n");
    if (start === end) replaceRange(area, from, to, text, from + text.length);
    else replaceRange(area, from, to, text, from, from + text.length);
  }

  function bold(area) {
    const { value, selectionStart: start, selectionEnd: end } = area;
    const selected = value.slice(start, end);
    if (start >= 2 && value.slice(start - 2, start) === "**" &&
        value.slice(end, end + 2) === "**") {
      replaceRange(area, start - 2, end + 2, selected, start - 2, end - 2);  // bold no more
      return;
    }
    if (!selected.trim()) {
      replaceRange(area, end, end, "****", end + 2);
      return;
    }
    const lines = selected.split("\n");
    const marked = (line) => /^\*\*[\s\S]+\*\*$/.test(line.replace(BLOCK_MARK, "$2").trim());
    const filled = lines.filter((line) => line.trim());
    const remove = filled.length > 0 && filled.every(marked);
    // Each paragraph on its own (Markdown's marks do not cross paragraphs), spaces outside
    // the marks (Markdown does not bold "** 文字 **").
    const text = lines.map((line) => {
      const [, mark, rest] = BLOCK_MARK.exec(line);
      const [, lead, words, trail] = EDGE_SPACE.exec(rest);
      if (!words) return line;
      const inner = remove ? words.slice(2, -2) : "**" + words + "**";
      return mark + lead + inner + trail;
    }).join("\n");
    if (lines.length === 1 && !remove) {
      const [, mark, rest] = BLOCK_MARK.exec(selected);
      const at = start + mark.length + EDGE_SPACE.exec(rest)[1].length + 2;
      replaceRange(area, start, end, text, at, at + EDGE_SPACE.exec(rest)[2].length);
    } else {
      replaceRange(area, start, end, text, start, start + text.length);
    }
  }

  const URL_UNSAFE = { " ": "%20", "(": "%28", ")": "%29", "<": "%3C", ">": "%3E" };

  // The address typed into the prompt, as the link's target; null when it cannot be one.
  function address(typed) {
    let url = typed.trim();
    if (!url || /^https?:\/\/$/i.test(url)) return "";
    if (!/^(?:https?:\/\/|mailto:)/i.test(url)) {
      if (/^[a-z][a-z0-9+.-]*:(?!\d)/i.test(url)) return null;  // javascript:, file:, …
      url = (/^[^\s/@]+@[^\s/@]+$/.test(url) ? "mailto:" : "https://") + url;
    }
    return url.replace(/[ ()<>]/g, (char) => URL_UNSAFE[char]);
  }

  function link(area) {
    const { value, selectionStart: start, selectionEnd: end } = area;
    const selected = value.slice(start, end);
    if (selected.includes("\n")) {
      window.alert("链接文字不能跨段落，请只选中一段里的文字。");
      area.focus();
      return;
    }
    const typed = window.prompt("链接地址（以 https:// 或 http:// 开头）：", "https://");
    area.focus();
    if (typed === null) return;
    const url = address(typed);
    if (url === null) {
      window.alert("只能链接到 http、https 或 mailto 地址。");
      area.focus();
      return;
    }
    if (!url) return;
    const [, lead, words, trail] = EDGE_SPACE.exec(selected);
    const label = words ? words.replace(/[[\]]/g, "\\$&") : "链接文字";
    const text = lead + "[" + label + "](" + url + ")" + trail;
    if (words) replaceRange(area, start, end, text, start + text.length);
    else replaceRange(area, start, end, text, start + 1, start + 1 + label.length);
  }

  function quote(area) {
    const { value, selectionStart: start, selectionEnd: end } = area;
    const [from, to] = lineBounds(value, start, end);
    const lines = value.slice(from, to).split("\n");
    const filled = lines.map((line, index) => (line.trim() ? index : -1))
      .filter((index) => index >= 0);
    if (!filled.length) {
      replaceRange(area, from, to, "> ", from + 2);
      return;
    }
    const first = filled[0];
    const last = filled[filled.length - 1];
    const remove = filled.every((index) => lines[index].startsWith(">"));
    const text = lines.map((line, index) => {
      if (remove) return line.replace(/^> ?/, "");
      if (index < first || index > last) return line;
      // A blank line inside the selection keeps the quote one block (">").
      return line.trim() ? "> " + line.replace(INDENT, "") : ">";
    }).join("\n");
    if (start === end) replaceRange(area, from, to, text, from + text.length);
    else replaceRange(area, from, to, text, from, from + text.length);
  }

  // -- The editor's markup. ----------------------------------------------------------------

  const MAC = /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);
  const KEY = MAC ? "⌘" : "Ctrl+";
  // Each button: what it does (its name for screen readers begins with its label) and the
  // Markdown it writes (its tooltip).
  const TOOLS = [
    { id: "subhead", action: subhead, label: "小标题", name: "小标题：所在段落设为小标题",
      hint: "### 小标题" },
    { id: "bold", action: bold, label: "加粗", name: "加粗：选中的文字加粗",
      hint: "**加粗**", key: "B" },
    { id: "link", action: link, label: "链接", name: "链接：给选中的文字加链接",
      hint: "[文字](https://…)", key: "K" },
    { id: "quote", action: quote, label: "引用", name: "引用：所在段落设为引用",
      hint: "> 引用" },
  ];

  function element(tag, attributes, text) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      node.setAttribute(name, value);
    }
    if (text) node.textContent = text;
    return node;
  }

  function build(area) {
    const editor = element("div", { class: "body-editor", "data-view": "edit" });
    const tabs = element("div", { class: "body-editor-tabs", role: "tablist",
                                  "aria-label": "正文：编辑或预览" });
    const editTab = element("button", { type: "button", role: "tab", id: "body-editor-tab-edit",
                                        "aria-controls": "body-editor-edit" }, "编辑");
    const previewTab = element("button", { type: "button", role: "tab",
                                           id: "body-editor-tab-preview",
                                           "aria-controls": "body-editor-preview" }, "预览");
    tabs.append(editTab, previewTab);

    const panes = element("div", { class: "body-editor-panes" });
    const edit = element("div", { class: "body-editor-edit", id: "body-editor-edit" });
    const toolbar = element("div", { class: "body-editor-toolbar", role: "toolbar",
                                     "aria-label": "正文格式", "aria-controls": area.id });
    const buttons = TOOLS.map((tool) => {
      const button = element("button", { type: "button", class: "body-editor-tool",
                                         "data-tool": tool.id, "aria-label": tool.name },
                             tool.label);
      button.title = tool.hint;
      if (tool.key) {
        button.setAttribute("aria-keyshortcuts", "Control+" + tool.key + " Meta+" + tool.key);
        button.title += "（" + KEY + tool.key + "）";
      }
      button.addEventListener("click", () => tool.action(area));
      toolbar.append(button);
      return button;
    });
    const toggle = element("button", { type: "button", class: "body-editor-toggle",
                                       "aria-pressed": "true",
                                       "aria-controls": "body-editor-preview",
                                       title: "在正文旁显示读者看到的排版" }, "预览");
    toolbar.append(toggle);

    const preview = element("section", { class: "body-editor-preview",
                                         id: "body-editor-preview",
                                         "aria-labelledby": "body-editor-preview-title" });
    const head = element("div", { class: "body-editor-preview-head" });
    head.append(
      element("h3", { id: "body-editor-preview-title" }, "预览"),
      element("span", { class: "body-editor-note" }, "读者看到的排版"),
      element("span", { class: "body-editor-status", role: "status" }),
    );
    const page = element("div", { class: "body-preview", lang: "zh-CN" });
    const story = element("div", { class: "story-body" });
    const empty = element("p", { class: "body-editor-empty" }, "正文为空。输入或粘贴正文后，这里显示读者看到的样子。");
    page.append(story, empty);
    preview.append(head, page);

    area.parentNode.insertBefore(editor, area);
    edit.append(toolbar, area);
    panes.append(edit, preview);
    editor.append(tabs, panes);
    return { editor, tabs, editTab, previewTab, edit, toolbar, buttons: [...buttons, toggle],
             toggle, preview, story, empty,
             status: head.querySelector(".body-editor-status") };
  }

  // A toolbar is one stop for the Tab key; the arrow keys move between its buttons.
  // Returns what to call when the layout hides a button: the stop moves to a shown one.
  function roving(buttons) {
    let current = 0;
    const focusable = () => buttons.filter((button) => button.offsetParent !== null);
    const mark = (button) => {
      for (const other of buttons) other.tabIndex = other === button ? 0 : -1;
    };
    mark(buttons[0]);
    for (const button of buttons) {
      button.addEventListener("focus", () => { current = buttons.indexOf(button); mark(button); });
      button.addEventListener("keydown", (event) => {
        const shown = focusable();
        let at = shown.indexOf(buttons[current]);
        if (event.key === "ArrowRight") at = (at + 1) % shown.length;
        else if (event.key === "ArrowLeft") at = (at - 1 + shown.length) % shown.length;
        else if (event.key === "Home") at = 0;
        else if (event.key === "End") at = shown.length - 1;
        else return;
        event.preventDefault();
        shown[at].focus();
      });
    }
    return () => {
      if (buttons[current].offsetParent === null) {
        current = 0;
        mark(buttons[0]);
      }
    };
  }

  // -- The preview: the server renders it, a moment after the typing stops. --------------

  const WIDE = window.matchMedia("(min-width: 1200px)");
  const DELAY = 500;

  function start(area, previewUrl) {
    const ui = build(area);
    const keepStop = roving(ui.buttons);
    const form = area.form;
    const tokenField = form && form.querySelector("input[name=csrfmiddlewaretoken]");
    let shown = "edit";  // the tab on a narrow screen
    let beside = true;   // the side pane on a wide one
    try {
      beside = window.localStorage.getItem("body-editor-preview") !== "off";
    } catch (error) { /* storage refused: the pane is shown */ }
    let timer = null;
    let request = null;
    let rendered = null;  // the text the preview shows

    const visible = () => (WIDE.matches ? beside : shown === "preview");

    function layout() {
      ui.editor.dataset.view = shown;
      ui.editor.dataset.preview = beside ? "on" : "off";
      ui.toggle.setAttribute("aria-pressed", String(beside));
      const tabbed = !WIDE.matches;  // a phone's tabs; beside each other on a wide screen
      for (const [tab, pane, name] of [[ui.editTab, ui.edit, "edit"],
                                       [ui.previewTab, ui.preview, "preview"]]) {
        tab.setAttribute("aria-selected", String(shown === name));
        tab.tabIndex = shown === name ? 0 : -1;
        if (tabbed) pane.setAttribute("role", "tabpanel");
        else pane.removeAttribute("role");
      }
      if (tabbed) ui.edit.setAttribute("aria-labelledby", ui.editTab.id);
      else ui.edit.removeAttribute("aria-labelledby");
      ui.preview.setAttribute("aria-labelledby",
                              tabbed ? ui.previewTab.id : "body-editor-preview-title");
      // Beside the text the pane scrolls on its own: the keyboard can scroll it too.
      if (tabbed) ui.preview.removeAttribute("tabindex");
      else ui.preview.tabIndex = 0;
      keepStop();
      if (visible()) refresh();
    }

    function say(text, kind) {
      ui.status.textContent = text;
      ui.status.dataset.kind = kind || "";
    }

    async function refresh() {
      clearTimeout(timer);
      if (request) {  // an answer for older text
        request.abort();
        request = null;
        ui.preview.removeAttribute("aria-busy");
      }
      const text = area.value;
      if (!visible() || text === rendered) return;
      if (!text.trim()) {
        rendered = text;
        ui.story.replaceChildren();
        ui.empty.hidden = false;
        say("");
        return;
      }
      const mine = (request = new AbortController());
      const data = new FormData();
      data.append("body", text);
      if (tokenField) data.append("csrfmiddlewaretoken", tokenField.value);
      ui.preview.setAttribute("aria-busy", "true");
      try {
        const response = await fetch(previewUrl, {
          method: "POST", body: data, credentials: "same-origin", signal: mine.signal,
          headers: { Accept: "application/json",
                     "X-CSRFToken": tokenField ? tokenField.value : "" },
        });
        const json = (response.headers.get("Content-Type") || "").includes("json")
          ? await response.json() : null;
        if (mine !== request) return;
        if (response.redirected) {  // to the login page
          say("登录已失效，无法预览。请在新窗口登录后继续（本页的修改仍在）。", "error");
        } else if (!json) {
          say("预览失败（" + response.status + "），请稍后再试。本页的修改仍在。", "error");
        } else if (!response.ok) {
          say(json.error || "预览失败。", "error");
        } else {
          rendered = text;
          ui.story.innerHTML = json.html;  // the server's sanitised HTML, as readers get it
          for (const anchor of ui.story.querySelectorAll("a[href]")) {
            anchor.target = "_blank";  // a link tried out never leaves the unsaved form
          }
          ui.empty.hidden = true;
          say("");
        }
      } catch (error) {
        if (error.name !== "AbortError") say("预览暂时无法更新，请检查网络。", "error");
      } finally {
        if (mine === request) {
          request = null;
          ui.preview.removeAttribute("aria-busy");
        }
      }
    }

    function later() {
      clearTimeout(timer);
      if (visible()) timer = setTimeout(refresh, DELAY);
    }

    function show(name) {
      shown = name;
      layout();
    }

    area.addEventListener("input", later);
    area.addEventListener("paste", (event) => {
      const data = event.clipboardData;
      const copy = data && pastedCopy(data.getData("text/plain"));
      if (copy === null || copy === undefined) return;
      event.preventDefault();
      const { selectionStart: from, selectionEnd: to } = area;
      replaceRange(area, from, to, copy, from + copy.length);
    });
    area.addEventListener("keydown", (event) => {
      if (event.isComposing || event.altKey || event.shiftKey) return;
      if (!(event.ctrlKey || event.metaKey)) return;
      const key = event.key.toLowerCase();
      if (key === "b") { event.preventDefault(); bold(area); }
      else if (key === "k") { event.preventDefault(); link(area); }
    });
    // Keep the preview's place in step with the text's.
    area.addEventListener("scroll", () => {
      const range = area.scrollHeight - area.clientHeight;
      const pane = ui.preview;
      if (range > 0 && WIDE.matches) {
        pane.scrollTop = (area.scrollTop / range) * (pane.scrollHeight - pane.clientHeight);
      }
    }, { passive: true });
    // A required body left empty while the preview tab is shown: back to the text.
    area.addEventListener("invalid", () => show("edit"));

    ui.editTab.addEventListener("click", () => show("edit"));
    ui.previewTab.addEventListener("click", () => show("preview"));
    ui.tabs.addEventListener("keydown", (event) => {
      if (!["ArrowLeft", "ArrowRight", "Home", "End"].includes(event.key)) return;
      event.preventDefault();
      const next = event.key === "Home" ? "edit" : event.key === "End" ? "preview"
        : shown === "edit" ? "preview" : "edit";
      show(next);
      (next === "edit" ? ui.editTab : ui.previewTab).focus();
    });
    ui.toggle.addEventListener("click", () => {
      beside = !beside;
      try {
        window.localStorage.setItem("body-editor-preview", beside ? "on" : "off");
      } catch (error) { /* not kept: fine */ }
      layout();
    });
    WIDE.addEventListener("change", layout);
    layout();
  }

  document.addEventListener("DOMContentLoaded", function () {
    const area = document.getElementById("id_body");
    const config = document.getElementById("body-editor-config");
    if (!area || !config || area.readOnly || area.disabled) return;
    start(area, JSON.parse(config.textContent).previewUrl);
  });

  // The browser tests compare this port with the server's normalise_body.
  window.NewsroomBodyEditor = { normalise: normalise, pastedCopy: pastedCopy };
})();
