/* The article page: the reader's font size, kept on this device and set before the page is
   drawn (this file is loaded in the head, not deferred); 复制链接. Without it the page reads
   the same at the middle size, and 复制链接 is a plain link. */
(function () {
  "use strict";
  var KEY = "newsroom:font-size";
  var SIZES = ["small", "medium", "large"];
  var root = document.documentElement;

  // Storage can be refused (private modes, some in-app browsers): the size is then the
  // page's own, and nothing fails.
  function load() {
    try {
      return window.localStorage.getItem(KEY);
    } catch (e) {
      return null;
    }
  }

  function save(size) {
    try {
      window.localStorage.setItem(KEY, size);
    } catch (e) {
      /* not kept: this page still shows it */
    }
  }

  function apply(size) {
    if (size === "medium") {
      root.removeAttribute("data-font-size");
    } else {
      root.setAttribute("data-font-size", size);
    }
  }

  // The control shows from the first paint (see site.css): nothing moves when it appears.
  root.classList.add("has-script");
  var stored = load();
  if (SIZES.indexOf(stored) !== -1) {
    apply(stored);
  }

  function fontSizeControl() {
    var group = document.querySelector(".font-size");
    if (!group) {
      return;
    }
    var buttons = group.querySelectorAll("button[data-font-size]");
    function show(size) {
      for (var i = 0; i < buttons.length; i++) {
        var pressed = buttons[i].getAttribute("data-font-size") === size;
        buttons[i].setAttribute("aria-pressed", pressed ? "true" : "false");
      }
    }
    show(root.getAttribute("data-font-size") || "medium");
    group.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-font-size]");
      if (!button) {
        return;
      }
      var size = button.getAttribute("data-font-size");
      apply(size);
      save(size);
      show(size);
    });
  }

  // Where the asynchronous clipboard is missing (a page served over plain HTTP, some in-app
  // browsers), the older way: select a text field's contents and copy them.
  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    return new Promise(function (resolve, reject) {
      var field = document.createElement("textarea");
      field.value = text;
      field.setAttribute("readonly", "");
      field.className = "visually-hidden";
      document.body.appendChild(field);
      field.select();
      var copied = false;
      try {
        copied = document.execCommand("copy");
      } catch (e) {
        copied = false;
      }
      document.body.removeChild(field);
      if (copied) {
        resolve();
      } else {
        reject(new Error("copy refused"));
      }
    });
  }

  function copyLink() {
    var link = document.querySelector("[data-copy-link]");
    if (!link) {
      return;
    }
    var status = link.parentNode.querySelector(".copy-status");
    var timer = null;
    function say(text) {
      status.textContent = text;
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        status.textContent = "";
      }, 4000);
    }
    link.addEventListener("click", function (event) {
      event.preventDefault();
      copyText(link.href).then(
        function () {
          say("已复制链接");
        },
        function () {
          say("无法自动复制，请长按链接复制");
        }
      );
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    fontSizeControl();
    copyLink();
  });
})();
