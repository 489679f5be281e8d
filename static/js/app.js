/*
 * Seller Center — small page behaviours. No framework, no bundler.
 * Load after htmx.min.js (both with `defer`), e.g.:
 *   <script src="/static/js/htmx.min.js" defer></script>
 *   <script src="/static/js/app.js" defer></script>
 * Every handler is delegated from `document`, so it also works for content swapped in by htmx,
 * and the file works on pages without htmx.
 */
(function () {
  "use strict";

  // (a) htmx 2 response handling. Entries are tried in order; `code` is a regular expression
  // matched against the status code. Validation errors (422) and other 4xx responses carry
  // server-rendered markup (form with messages, "not found" panel...), so they are swapped.
  // 5xx are not swapped and are flagged as errors (fires htmx:responseError).
  if (window.htmx && window.htmx.config) {
    window.htmx.config.responseHandling = [
      { code: "204", swap: false },
      { code: "[23]..", swap: true },
      { code: "422", swap: true, error: false },
      { code: "4..", swap: true, error: false },
      { code: "5..", swap: false, error: true },
      { code: "...", swap: false }
    ];
  }

  // The CSRF token belongs to the session, and a login starts a new session with a new
  // token. A boosted navigation swaps the body's content but keeps the <body> element with
  // its hx-headers, so the header htmx sends is taken from the page's forms, which every
  // swap renders afresh.
  document.addEventListener("htmx:configRequest", function (evt) {
    var field = document.querySelector('input[name="_csrf"]');
    if (field && field.value) {
      evt.detail.headers["X-CSRF-Token"] = field.value;
    }
  });

  // A boosted navigation swaps the body only; the new page may be in another language
  // (a login into an account that prefers it), so its <html lang> is carried over for
  // screen readers.
  document.addEventListener("htmx:beforeSwap", function (evt) {
    var xhr = evt.detail.xhr;
    if (!evt.detail.boosted || !xhr || typeof xhr.responseText !== "string") {
      return;
    }
    var m = /<html[^>]*\slang="([A-Za-z-]+)"/.exec(xhr.responseText.slice(0, 2000));
    if (m) {
      document.documentElement.lang = m[1];
    }
  });

  // When a request fails (5xx or network error), reveal an optional error banner if the page has one:
  //   <div id="htmx-error" class="hidden" role="alert">…</div>
  function showRequestError() {
    var banner = document.getElementById("htmx-error");
    if (banner) {
      banner.classList.remove("hidden");
      banner.hidden = false;
    }
  }
  document.addEventListener("htmx:responseError", showRequestError);
  document.addEventListener("htmx:sendError", showRequestError);

  function closest(el, selector) {
    if (!el || el.nodeType !== 1) {
      el = el && el.parentElement;
    }
    return el && el.closest ? el.closest(selector) : null;
  }

  function submitForm(form) {
    if (typeof form.requestSubmit === "function") {
      form.requestSubmit(); // fires "submit", so htmx and data-confirm see it
    } else {
      form.submit();
    }
  }

  // (b) Language switcher: <select data-locale-switch> submits its form on change, coming
  // back to the address the browser shows now (htmx may have pushed filters into it since
  // the page was rendered).
  document.addEventListener("change", function (evt) {
    var select = closest(evt.target, "select[data-locale-switch]");
    if (!select) return;
    var form = select.form || closest(select, "form");
    if (!form) return;
    var next = form.querySelector("input[data-locale-next]");
    if (next) next.value = window.location.pathname + window.location.search;
    submitForm(form);
  });

  // (c) Confirmation: <form data-confirm="…"> (or a submit button with data-confirm) asks first.
  // Listens in the capture phase so a "no" stops the submit before htmx or the browser sees it.
  document.addEventListener(
    "submit",
    function (evt) {
      var form = evt.target;
      if (!form || form.nodeName !== "FORM") return;
      var submitter = evt.submitter;
      var message =
        (submitter && submitter.getAttribute && submitter.getAttribute("data-confirm")) ||
        form.getAttribute("data-confirm");
      if (!message) return;
      if (!window.confirm(message)) {
        evt.preventDefault();
        evt.stopPropagation();
        evt.stopImmediatePropagation();
      }
    },
    true
  );

  document.addEventListener("click", function (evt) {
    // (d) Dismiss: [data-dismiss] removes its closest [data-dismissable].
    var dismiss = closest(evt.target, "[data-dismiss]");
    if (dismiss) {
      var box = closest(dismiss, "[data-dismissable]");
      if (box) {
        evt.preventDefault();
        box.remove();
      }
      return;
    }

    // (e) Mobile side navigation: [data-nav-toggle] toggles "hidden" on #sidenav.
    var toggle = closest(evt.target, "[data-nav-toggle]");
    if (toggle) {
      var nav = document.getElementById("sidenav");
      if (!nav) return;
      evt.preventDefault();
      var hidden = nav.classList.toggle("hidden");
      toggle.setAttribute("aria-expanded", hidden ? "false" : "true");
    }
  });

  // (f) Countdown: <span data-countdown="2026-11-24T01:30:00Z"> shows the time left as
  // mm:ss (h:mm:ss past an hour), every second; the server-rendered text stays without JS.
  function pad(n) {
    return n < 10 ? "0" + n : String(n);
  }
  function tickCountdowns() {
    var els = document.querySelectorAll("[data-countdown]");
    for (var i = 0; i < els.length; i++) {
      var end = Date.parse(els[i].getAttribute("data-countdown"));
      if (isNaN(end)) continue;
      var s = Math.max(0, Math.floor((end - Date.now()) / 1000));
      var h = Math.floor(s / 3600);
      var m = Math.floor((s % 3600) / 60);
      var text = (h > 0 ? h + ":" + pad(m) : String(m)) + ":" + pad(s % 60);
      if (els[i].textContent !== text) els[i].textContent = text;
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", tickCountdowns);
  } else {
    tickCountdowns();
  }
  window.setInterval(tickCountdowns, 1000);

  // (g) Spec rows: a spec shows the price fields of its billing mode only. The server
  // renders them so; this follows the choice as the merchant changes it (before any is
  // chosen, every field shows).
  document.addEventListener("change", function (evt) {
    var select = closest(evt.target, "select[data-spec-billing]");
    if (!select) return;
    var row = closest(select, "[data-spec-row]");
    if (!row) return;
    var fields = row.querySelectorAll("[data-billing-field]");
    for (var i = 0; i < fields.length; i++) {
      var mode = fields[i].getAttribute("data-billing-field");
      fields[i].hidden = select.value !== "" && select.value !== mode;
    }
  });

  // (h) Rich text: <textarea data-richtext> becomes a Trix editor writing into a hidden
  // input of the same name; the server sanitizes what arrives as before. Without
  // JavaScript (or before Trix loads) the textarea is the form. The toolbar's titles come
  // from the page (data-richtext-lang, from the catalogs); its buttons are reachable with
  // Tab, and the editor is named by the textarea's label. Files cannot be attached.
  var trixState = null;
  function loadTrix(done) {
    if (window.Trix) return done();
    if (trixState) return trixState.push(done);
    trixState = [done];
    var css = document.createElement("link");
    css.rel = "stylesheet";
    css.href = "/static/css/trix.css";
    document.head.appendChild(css);
    var script = document.createElement("script");
    script.src = "/static/js/trix.umd.min.js";
    script.onload = function () {
      var waiting = trixState;
      trixState = null;
      for (var i = 0; i < waiting.length; i++) waiting[i]();
    };
    document.head.appendChild(script);
  }
  function enhanceRichText(root) {
    var areas = (root || document).querySelectorAll("textarea[data-richtext]:not([data-enhanced])");
    if (!areas.length) return;
    loadTrix(function () {
      for (var i = 0; i < areas.length; i++) enhanceOne(areas[i]);
    });
  }
  function enhanceOne(area) {
    if (area.getAttribute("data-enhanced") || !area.isConnected) return;
    area.setAttribute("data-enhanced", "true");
    try {
      var lang = JSON.parse(area.getAttribute("data-richtext-lang") || "{}");
      for (var k in lang) window.Trix.config.lang[k] = lang[k];
    } catch (e) {
      /* the default titles stay */
    }
    var input = document.createElement("input");
    input.type = "hidden";
    input.name = area.name;
    input.id = area.id + "-rich";
    input.value = area.value;
    var editor = document.createElement("trix-editor");
    editor.setAttribute("input", input.id);
    editor.className = "trix-content input min-h-48";
    var label = document.querySelector('label[for="' + area.id + '"]');
    if (label) editor.setAttribute("aria-label", label.textContent.replace(/\s*\*\s*$/, "").trim());
    if (area.getAttribute("aria-describedby")) editor.setAttribute("aria-describedby", area.getAttribute("aria-describedby"));
    if (area.getAttribute("aria-invalid")) editor.setAttribute("aria-invalid", area.getAttribute("aria-invalid"));
    editor.setAttribute("data-testid", "richtext-editor");
    function reachableToolbar() {
      var toolbar = editor.toolbarElement;
      if (!toolbar) return;
      var buttons = toolbar.querySelectorAll("button[tabindex='-1']");
      for (var j = 0; j < buttons.length; j++) buttons[j].removeAttribute("tabindex");
    }
    editor.addEventListener("trix-initialize", reachableToolbar);
    area.removeAttribute("name");
    area.hidden = true;
    area.parentNode.insertBefore(input, area);
    area.parentNode.insertBefore(editor, area);
    reachableToolbar(); // initialized already when connecting did it at once
  }
  // Trix's toolbar acts on mousedown; Enter and Space on a focused button do the same.
  document.addEventListener("keydown", function (evt) {
    if (evt.key !== "Enter" && evt.key !== " ") return;
    var btn = closest(evt.target, "trix-toolbar button");
    if (!btn) return;
    evt.preventDefault();
    btn.dispatchEvent(new MouseEvent("mousedown", { bubbles: true, cancelable: true }));
  });
  document.addEventListener("trix-file-accept", function (evt) {
    evt.preventDefault();
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () {
      enhanceRichText(document);
    });
  } else {
    enhanceRichText(document);
  }
  document.addEventListener("htmx:load", function (evt) {
    enhanceRichText(evt.target);
  });
})();
