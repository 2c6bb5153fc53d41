/* The teammates' pages, live (docs/live.md): new conversations and replies appear in the inbox (its
 * list re-fetched through the inbox's own HTMX fragment), a conversation changed by someone else
 * moves, unread counts in the list and the tab title, who is typing and who is viewing the open
 * conversation, and notifications as toasts and browser notifications. Needs stream.js. */
(function () {
  "use strict";
  var config = document.getElementById("live-config");
  if (!config || !window.ConciergeLive) return;
  var me = Number(config.dataset.teammateId);
  var myName = config.dataset.teammateName;
  var base = config.dataset.stream.replace(/stream$/, "");
  var unreadKey = "concierge-unread:" + config.dataset.workspace + ":" + me;
  var baseTitle = document.title;
  var typingTimer = null;
  var lastTypingSent = 0;
  var listTimer = null;

  function csrf() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function post(url, fields) {
    var body = new URLSearchParams(fields || {});
    return fetch(url, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "X-CSRFToken": csrf() }
    });
  }

  function openId() {
    var article = document.querySelector("#detail-pane .conversation[data-conversation-id]");
    return article ? Number(article.dataset.conversationId) : null;
  }

  // Unread: conversations a customer wrote in since this teammate last had them open (all tabs).
  function unread() {
    try { return JSON.parse(localStorage.getItem(unreadKey) || "[]"); } catch (e) { return []; }
  }
  function saveUnread(ids) {
    try { localStorage.setItem(unreadKey, JSON.stringify(ids.slice(-200))); } catch (e) { /* private mode */ }
    showUnread();
  }
  function markUnread(id) {
    if (id === openId() && document.visibilityState === "visible") return;
    var ids = unread();
    if (ids.indexOf(id) < 0) { ids.push(id); saveUnread(ids); } else { showUnread(); }
  }
  function markRead(id) {
    var ids = unread();
    var at = ids.indexOf(id);
    if (at >= 0) { ids.splice(at, 1); saveUnread(ids); }
  }
  function showUnread() {
    var ids = unread();
    document.title = (ids.length ? "(" + ids.length + ") " : "") + baseTitle.replace(/^\(\d+\) /, "");
    document.querySelectorAll(".conversation-row").forEach(function (row) {
      var id = Number(row.id.replace("conversation-row-", ""));
      var isUnread = ids.indexOf(id) >= 0;
      row.classList.toggle("is-unread", isUnread);
      row.dataset.unread = isUnread ? "true" : "false";
    });
    var count = document.getElementById("live-unread-count");
    var header = document.querySelector("#conversation-list .pane-header");
    if (header && !count) {
      count = document.createElement("span");
      count.id = "live-unread-count";
      count.className = "badge badge-unread";
      header.appendChild(count);
    }
    if (count) {
      count.hidden = !ids.length;
      count.textContent = ids.length + " unread";
    }
  }

  function refreshList() {
    var list = document.getElementById("conversation-list");
    if (!list || !window.htmx) return;
    clearTimeout(listTimer);
    listTimer = setTimeout(function () {
      if (list.contains(document.activeElement) && document.activeElement.matches("input, select, textarea")) {
        refreshList(); // the teammate is filtering: wait until they are done
        return;
      }
      window.htmx.ajax("GET", config.dataset.inbox + window.location.search, {
        target: "#conversation-list", swap: "innerHTML"
      });
    }, 250);
  }

  function refreshOpenConversation() {
    var id = openId();
    if (!id) return;
    fetch(config.dataset.inbox + id + "/" + window.location.search, {
      credentials: "same-origin", headers: { "HX-Request": "true", "HX-Target": "detail-pane" }
    }).then(function (response) {
      return response.ok ? response.text() : null;
    }).then(function (html) {
      if (!html || openId() !== id) return;
      var fresh = new DOMParser().parseFromString(html, "text/html");
      ["timeline", "conversation-header"].forEach(function (name) {
        var now = document.getElementById(name);
        var next = fresh.getElementById(name);
        if (now && next) {
          now.replaceWith(next);
          if (window.htmx) window.htmx.process(next);
        }
      });
      var timeline = document.getElementById("timeline");
      if (timeline) timeline.lastElementChild && timeline.lastElementChild.scrollIntoView({ block: "nearest" });
    });
  }

  function showTyping(data) {
    var note = document.getElementById("live-typing");
    if (!note || data.conversation_id !== openId()) return;
    if (data.who === "teammate" && data.name === myName) return;
    note.textContent = (data.name || (data.who === "contact" ? "The customer" : "A teammate")) + " is typing…";
    note.hidden = false;
    clearTimeout(typingTimer);
    var lasts = Math.max(1000, Math.min(10000, new Date(data.until) - new Date()));
    typingTimer = setTimeout(function () { note.hidden = true; }, isNaN(lasts) ? 6000 : lasts);
  }

  function showViewing(data) {
    var note = document.getElementById("live-viewing");
    if (!note || data.conversation_id !== openId()) return;
    var others = (data.teammates || []).filter(function (t) { return t.id !== me; });
    note.hidden = !others.length;
    note.textContent = others.map(function (t) { return t.name; }).join(", ") +
      (others.length === 1 ? " is viewing" : " are viewing");
  }

  function toast(data) {
    var box = document.getElementById("live-toasts");
    if (!box) return;
    var item = document.createElement("div");
    item.className = "live-toast";
    var link = document.createElement("a");
    link.href = data.url;
    var title = document.createElement("strong");
    title.textContent = data.title;
    link.appendChild(title);
    item.appendChild(link);
    if (data.body) {
      var body = document.createElement("p");
      body.textContent = data.body;
      item.appendChild(body);
    }
    var close = document.createElement("button");
    close.type = "button";
    close.className = "live-toast-close";
    close.setAttribute("aria-label", "Dismiss");
    close.textContent = "×";
    close.addEventListener("click", function () { item.remove(); });
    item.appendChild(close);
    box.appendChild(item);
    setTimeout(function () { item.remove(); }, 10000);
  }

  function notify(data, meta) {
    var seen = false;
    if (data.in_page !== false) {
      toast(data);
      seen = document.visibilityState === "visible";
    }
    if (data.browser && meta.leader && "Notification" in window && Notification.permission === "granted" &&
        document.visibilityState !== "visible") {
      var shown = new Notification(data.title, { body: data.body || "", tag: "concierge-" + data.id });
      shown.onclick = function () { window.focus(); window.location.href = data.url; };
    }
    if (seen && meta.leader) post(base + "notifications/" + data.id + "/seen");
  }

  function onEvent(kind, data, meta) {
    var id = data.conversation_id;
    if (kind === "conversation.created") {
      markUnread(id);
      refreshList();
    } else if (kind === "part.created") {
      var part = data.part || {};
      if (part.author_kind === "contact") markUnread(id);
      if (part.author_teammate_id !== me) {
        if (id === openId()) refreshOpenConversation();
        refreshList();
      }
      if (id === openId() && part.author_kind === "contact") {
        var note = document.getElementById("live-typing");
        if (note) note.hidden = true;
      }
    } else if (kind === "conversation.updated") {
      if (data.teammate_id !== me) {
        if (id === openId()) refreshOpenConversation();
        refreshList();
      }
    } else if (kind === "typing") {
      showTyping(data);
    } else if (kind === "viewing") {
      showViewing(data);
    } else if (kind === "notification") {
      notify(data, meta);
    }
  }

  function heartbeat() {
    var id = openId();
    if (!id || document.visibilityState !== "visible") return;
    markRead(id);
    post(config.dataset.viewing, { conversation_id: id }).then(function (response) {
      return response.ok ? response.json() : null;
    }).then(function (data) { if (data) showViewing(data); }, function () {});
  }

  var lastOpen = null;
  function onPageChanged() {
    var id = openId();
    if (id !== lastOpen) {
      lastOpen = id;
      heartbeat();
    }
    showUnread();
  }

  document.addEventListener("input", function (event) {
    if (!event.target || event.target.id !== "composer-body") return;
    var id = openId();
    var now = Date.now();
    if (!id || now - lastTypingSent < 2500) return;
    lastTypingSent = now;
    post(config.dataset.typing, { conversation_id: id });
  });
  document.addEventListener("htmx:afterSettle", onPageChanged);
  document.addEventListener("visibilitychange", heartbeat);
  setInterval(heartbeat, 20000);

  var allow = document.getElementById("allow-browser-notifications");
  if (allow && "Notification" in window && Notification.permission === "default") {
    allow.hidden = false;
    allow.addEventListener("click", function () {
      Notification.requestPermission().then(function () { allow.hidden = true; });
    });
  }

  window.ConciergeInbox = { live: window.ConciergeLive.connect(config.dataset.stream, onEvent) };
  onPageChanged();
})();
