// Saved replies in the composer: typing "/" at the start of a word opens a menu of saved replies that
// searches as you type (arrows move, Enter inserts, Escape closes: an ARIA listbox the reply box
// controls). The chosen reply's text, filled in for the customer in their language, replaces the
// "/query"; its id goes with the form so sending runs its actions (a macro). Suggestions' "Insert"
// buttons do the same. Loaded with each conversation; set up once per page.
(function () {
  "use strict";
  if (window.conciergeSavedReplies) return;
  window.conciergeSavedReplies = true;

  var MAX_QUERY = 40;
  var state = { open: false, start: -1, active: -1, timer: null, asked: 0 };

  function box() { return document.getElementById("composer-body"); }
  function menu() { return document.getElementById("saved-reply-menu"); }
  function wrap() { return document.getElementById("saved-reply-slash"); }
  function options() { var m = menu(); return m ? Array.prototype.slice.call(m.querySelectorAll("[role=option]")) : []; }

  function prepare(textarea) {
    if (!textarea || textarea.dataset.slashReady) return;
    textarea.dataset.slashReady = "1";
    textarea.setAttribute("aria-autocomplete", "list");
    textarea.setAttribute("aria-controls", "saved-reply-menu");
    textarea.setAttribute("aria-expanded", "false");
    textarea.setAttribute("aria-describedby", ((textarea.getAttribute("aria-describedby") || "") + " composer-slash-hint").trim());
    var hint = document.createElement("span");
    hint.id = "composer-slash-hint";
    hint.className = "visually-hidden";
    hint.textContent = "Type / to insert a saved reply.";
    textarea.parentNode.insertBefore(hint, textarea.nextSibling);
  }

  // The "/query" before the caret: the slash begins the text or follows a space or line break.
  function slashQuery(textarea) {
    var caret = textarea.selectionStart;
    if (caret !== textarea.selectionEnd) return null;
    var before = textarea.value.slice(0, caret);
    var at = before.lastIndexOf("/");
    if (at < 0 || (at > 0 && !/\s/.test(before.charAt(at - 1)))) return null;
    var query = before.slice(at + 1);
    if (query.length > MAX_QUERY || /[\n\/]/.test(query) || /^\s/.test(query)) return null;
    return { start: at, query: query };
  }

  function setActive(index) {
    var items = options();
    var textarea = box();
    state.active = items.length ? (index + items.length) % items.length : -1;
    items.forEach(function (item, i) {
      item.setAttribute("aria-selected", i === state.active ? "true" : "false");
      if (i === state.active) item.scrollIntoView({ block: "nearest" });
    });
    if (textarea) {
      if (state.active >= 0) textarea.setAttribute("aria-activedescendant", items[state.active].id);
      else textarea.removeAttribute("aria-activedescendant");
    }
  }

  function close() {
    var m = menu(), textarea = box();
    state.open = false;
    state.start = -1;
    state.asked += 1; // an answer still on its way is not shown
    if (m) { m.hidden = true; m.innerHTML = ""; }
    if (textarea) { textarea.setAttribute("aria-expanded", "false"); textarea.removeAttribute("aria-activedescendant"); }
  }

  function search(query) {
    var w = wrap();
    if (!w) return;
    var asked = ++state.asked;
    fetch(w.dataset.menuUrl + "?q=" + encodeURIComponent(query), { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (response) { return response.ok ? response.text() : ""; })
      .then(function (html) {
        if (asked !== state.asked || state.start < 0) return;
        var m = menu(), textarea = box();
        m.innerHTML = html;
        m.hidden = false;
        state.open = true;
        textarea.setAttribute("aria-expanded", "true");
        setActive(0);
      })
      .catch(function () { close(); });
  }

  function insert(replyId, replaceFrom) {
    var w = wrap(), textarea = box();
    if (!w || !textarea) return;
    var url = w.dataset.insertUrl.replace(/\/0\/$/, "/" + encodeURIComponent(replyId) + "/");
    var from = replaceFrom, to = textarea.selectionStart;
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { if (!response.ok) throw new Error("not found"); return response.json(); })
      .then(function (reply) {
        if (from < 0) { from = textarea.selectionStart; to = textarea.selectionEnd; }
        var value = textarea.value;
        textarea.value = value.slice(0, from) + reply.text + value.slice(to);
        var caret = from + reply.text.length;
        textarea.focus();
        textarea.setSelectionRange(caret, caret);
        document.getElementById("composer-saved-reply").value = String(reply.id);
        var note = document.getElementById("saved-reply-note");
        var text = document.getElementById("saved-reply-note-text");
        if (reply.actions > 0) {
          text.textContent = "Sending runs the actions of “" + reply.title + "”.";
          note.hidden = false;
        } else {
          note.hidden = true;
        }
        textarea.dispatchEvent(new Event("input", { bubbles: true })); // the coach reads it too
      })
      .catch(function () {});
  }

  function choose(item) {
    if (!item) return;
    var from = state.start;
    close();
    insert(item.dataset.replyId, from);
  }

  document.addEventListener("focusin", function (event) {
    if (event.target.id === "composer-body") prepare(event.target);
  });

  document.addEventListener("input", function (event) {
    var textarea = event.target;
    if (textarea.id !== "composer-body" || !wrap()) return;
    prepare(textarea);
    var found = slashQuery(textarea);
    if (!found) { if (state.open || state.start >= 0) close(); return; }
    state.start = found.start;
    clearTimeout(state.timer);
    state.timer = setTimeout(function () { search(found.query); }, 120);
  });

  document.addEventListener("keydown", function (event) {
    if (event.target.id !== "composer-body" || !state.open) return;
    if (event.key === "ArrowDown") { event.preventDefault(); setActive(state.active + 1); }
    else if (event.key === "ArrowUp") { event.preventDefault(); setActive(state.active - 1); }
    else if (event.key === "Enter" && !event.ctrlKey && !event.metaKey && !event.shiftKey) {
      var items = options();
      if (state.active >= 0 && items[state.active]) {
        event.preventDefault();
        event.stopPropagation();
        choose(items[state.active]);
      }
    } else if (event.key === "Escape") { event.preventDefault(); close(); }
  }, true);

  document.addEventListener("mousedown", function (event) {
    var item = event.target.closest && event.target.closest("#saved-reply-menu [role=option]");
    if (item) { event.preventDefault(); choose(item); }
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest(".suggestion-insert");
    if (button) { event.preventDefault(); insert(button.dataset.replyId, -1); return; }
    if (event.target.id === "saved-reply-forget") {
      document.getElementById("composer-saved-reply").value = "";
      document.getElementById("saved-reply-note").hidden = true;
    }
  });

  document.addEventListener("focusout", function (event) {
    if (event.target.id === "composer-body" && state.open) setTimeout(close, 150);
  });
})();
