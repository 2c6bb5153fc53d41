/* The messenger inside its iframe: Home, Messages and Help, talking to the messenger API with the
   contact's headers. It listens only to the page that framed it (the origin the server checked) and
   speaks only to it. Live updates come from one function (connectStream); without the stream it
   polls the open conversation. No framework, no build step. */
(function () {
  "use strict";
  var d = document, w = window;
  var config = JSON.parse(d.getElementById("messenger-config").textContent);
  var S = config.strings, lang = config.lang, origin = config.origin;
  if (config.color) d.documentElement.style.setProperty("--accent", config.color);
  var view = d.getElementById("view"), titleEl = d.getElementById("view-title");
  var announcer = d.getElementById("announcer"), tabBadge = d.getElementById("tab-badge");
  var identity = null, contact = null, current = { tab: "home" }, visible = false;
  var openConversation = null, pollTimer = null, stream = null, liveState = "", typingTimer = null, lastTypingSent = 0;
  var unreadByConversation = {}, seenParts = {}, blobUrls = {};
  var booted = false, pageUrl = null, waiting = [], outbound = {};

  // Words and times ------------------------------------------------------------------------------
  function t(name, values) {
    return (S[name] || name).replace(/%\((\w+)\)s/g, function (_, k) { return values && k in values ? values[k] : ""; });
  }
  function timeOf(iso) {
    return new Intl.DateTimeFormat(lang, { hour: "numeric", minute: "2-digit" }).format(new Date(iso));
  }
  function whenOf(iso) {
    var at = new Date(iso), now = new Date();
    var sameDay = at.toDateString() === now.toDateString();
    var options = sameDay ? { hour: "numeric", minute: "2-digit" }
      : { month: "short", day: "numeric", hour: "numeric", minute: "2-digit" };
    return new Intl.DateTimeFormat(lang, options).format(at);
  }
  function backAt(iso) {
    var at = new Date(iso), now = new Date();
    var days = Math.round((new Date(at.toDateString()) - new Date(now.toDateString())) / 86400000);
    var time = timeOf(iso);
    if (days <= 0) return t("back_today", { time: time });
    if (days === 1) return t("back_tomorrow", { time: time });
    return t("back_on", { day: new Intl.DateTimeFormat(lang, { weekday: "long" }).format(at), time: time });
  }

  // DOM ------------------------------------------------------------------------------------------
  function el(tag, attrs, children) {
    var node = d.createElement(tag);
    for (var k in attrs || {}) {
      if (k === "text") node.textContent = attrs[k];
      else if (k === "class") node.className = attrs[k];
      else if (k.slice(0, 2) === "on") node.addEventListener(k.slice(2), attrs[k]);
      else if (attrs[k] != null && attrs[k] !== false) node.setAttribute(k, attrs[k] === true ? "" : attrs[k]);
    }
    (children || []).forEach(function (c) { if (c) node.appendChild(typeof c === "string" ? d.createTextNode(c) : c); });
    return node;
  }
  function show(title, nodes, focusTitle) {
    titleEl.textContent = title;
    view.innerHTML = "";
    nodes.forEach(function (n) { if (n) view.appendChild(n); });
    view.setAttribute("aria-busy", "false");
    view.scrollTop = 0;
    if (focusTitle && visible) titleEl.focus();
  }
  function announce(text) { announcer.textContent = ""; setTimeout(function () { announcer.textContent = text; }, 50); }
  function errorNote(message) { return el("p", { class: "error", role: "alert", text: message || S.error }); }

  // The API --------------------------------------------------------------------------------------
  function headers(extra) {
    var h = { "X-Workspace": config.workspace };
    if (identity.user_id) { h["X-User-Id"] = identity.user_id; h["X-User-Hash"] = identity.user_hash || ""; }
    else h["X-Visitor-Id"] = identity.visitor_id;
    for (var k in extra || {}) h[k] = extra[k];
    return h;
  }
  // A call that meets a busy server (a 5xx, such as 503 while the database is busy) or a
  // dropped connection is tried again, up to four times with growing pauses, under one
  // Idempotency-Key, so a retried send is never written twice.
  var RETRY_STATUSES = [500, 502, 503, 504];
  function newKey() {
    return w.crypto && w.crypto.randomUUID ? w.crypto.randomUUID() : String(Math.random()).slice(2) + Date.now();
  }
  function pause(ms) { return new Promise(function (resolve) { setTimeout(resolve, ms); }); }
  function api(method, path, body, raw) {
    var extra = body && !raw ? { "Content-Type": "application/json" } : {};
    if (method !== "GET") extra["Idempotency-Key"] = newKey();
    function attempt(n) {
      var options = { method: method, headers: headers(extra) };
      if (body) options.body = raw ? body : JSON.stringify(body);
      var again = function () { return pause(400 * Math.pow(2, n)).then(function () { return attempt(n + 1); }); };
      return fetch(config.api + path, options).then(function (response) {
        if (RETRY_STATUSES.indexOf(response.status) >= 0 && n < 3) return again();
        if (response.status === 204) return null;
        return response.json().catch(function () { return {}; }).then(function (data) {
          if (!response.ok) { var e = new Error(data.detail || S.error); e.status = response.status; throw e; }
          return data;
        });
      }, function (error) {
        if (n < 3) return again();
        throw error;
      });
    }
    return attempt(0);
  }
  function quietly(promise) { return promise.catch(function () { return null; }); }

  // The host page --------------------------------------------------------------------------------
  function toParent(message) { w.parent.postMessage(message, origin); }
  function reportUnread() {
    var n = 0;
    for (var id in unreadByConversation) n += unreadByConversation[id];
    tabBadge.hidden = !n;
    tabBadge.textContent = n ? t("unread", { n: n }) : "";
    toParent({ type: "unread", count: n });
  }
  w.addEventListener("message", function (event) {
    if (event.source !== w.parent || event.origin !== origin) return;
    var data = event.data || {};
    if (data.type === "boot") boot(data);
    else if (data.type === "show") {
      visible = true;
      if (openConversation) { unreadByConversation[openConversation] = 0; reportUnread(); markSeen(openConversation); }
      if (current.tab === "outbound") outboundSeen(outbound[current.argument]);
      focusFirst();
    }
    else if (data.type === "hide") visible = false;
    else if (data.type === "update" && identity) quietly(api("PATCH", "/contact", { attributes: data.attributes || {} }));
    else if (data.type === "track" && identity) {
      // An event may start a proactive message, delivered by the worker: asked for again shortly.
      quietly(api("POST", "/events", { name: data.name, data: data.data || {} })).then(function () {
        [2000, 6000].forEach(function (ms) { setTimeout(function () { if (pageUrl) refreshOutbound(pageUrl); }, ms); });
      });
    }
    else if (data.type === "page") onPage(String(data.url || "").slice(0, 2000));
    else if (data.type === "drawn") outboundSeen(outbound[data.id]);
    else if (data.type === "dismiss" && outbound[data.id]) { quietly(api("POST", "/outbound/" + data.id + "/dismiss", {})); delete outbound[data.id]; }
  });
  function focusFirst() {
    var target = view.querySelector("textarea, input, button, a[href]") || titleEl;
    target.focus();
  }
  d.getElementById("close").addEventListener("click", function () { toParent({ type: "close" }); });
  d.addEventListener("keydown", function (event) { if (event.key === "Escape") toParent({ type: "close" }); });
  Array.prototype.forEach.call(d.querySelectorAll("[data-tab]"), function (button) {
    button.addEventListener("click", function () { go(button.getAttribute("data-tab")); });
  });

  function boot(data) {
    identity = { visitor_id: data.visitor_id, user_id: data.user_id, user_hash: data.user_hash };
    var details = {};
    if (data.name != null) details.name = data.name;
    if (data.email != null) details.email = data.email;
    if (data.attributes && Object.keys(data.attributes).length) details.attributes = data.attributes;
    var first = Object.keys(details).length ? api("PATCH", "/contact", details) : Promise.resolve(null);
    first.catch(function () { return null; }).then(function () {
      booted = true; go("home"); connectStream(); refreshUnread();
      if (pageUrl) onPage(pageUrl);
    });
  }

  function go(tab, argument) {
    current = { tab: tab, argument: argument };
    openConversation = null;
    Array.prototype.forEach.call(d.querySelectorAll("[data-tab]"), function (b) {
      if (b.getAttribute("data-tab") === tab) b.setAttribute("aria-current", "page"); else b.removeAttribute("aria-current");
    });
    view.setAttribute("aria-busy", "true");
    if (tab === "home") return home();
    if (tab === "messages") return conversations();
    if (tab === "conversation") return conversation(argument);
    if (tab === "help") return help(argument);
    if (tab === "outbound") return proactive(argument);
  }

  // Home -----------------------------------------------------------------------------------------
  function home() {
    api("GET", "/home").then(function (h) {
      contact = { name: h.contact_name, email: h.contact_email, kind: h.contact_kind };
      if (current.tab !== "home") return; // another view opened meanwhile (a proactive chat)
      var faces = el("ul", { class: "faces", "aria-label": S.team }, h.faces.map(function (f) {
        return el("li", { class: "face", title: f.name }, [el("span", { "aria-hidden": "true", text: f.initials }), el("span", { class: "visually-hidden", text: f.name })]);
      }));
      var expectation = h.open_now ? S.reply_soon : (h.back_at ? backAt(h.back_at) : S.back_later);
      var nodes = [
        el("section", { class: "hero" }, [
          faces,
          el("h2", { text: contact.name ? t("greeting_named", { name: contact.name.split(" ")[0] }) : (config.greeting || S.greeting) }),
          el("p", { text: S.ask_us }),
          el("p", { class: "expectation", text: expectation })
        ]),
        el("button", { type: "button", class: "primary wide", onclick: function () { go("conversation", null); } }, [S.send_message])
      ];
      if (h.latest_conversation) {
        var c = h.latest_conversation;
        nodes.push(el("section", { class: "card" }, [
          el("h3", { text: S.latest }),
          conversationRow(c)
        ]));
      }
      nodes.push(el("section", { class: "card", id: "news", hidden: true }));
      if (h.help_center) nodes.push(searchCard());
      if (h.session) {
        nodes.push(el("section", { class: "card" }, [
          el("h3", { text: S.book_session }),
          el("p", { text: t("book_minutes", { name: h.session.name, minutes: h.session.length_minutes }) }),
          el("a", { class: "button", href: h.session.url, target: "_blank", rel: "noopener" }, [S.book_session])
        ]));
      }
      show(h.workspace_name, nodes, false);
      drawNews();
    }).catch(function (e) { show(S.home, [errorNote(e.message)]); });
  }
  function searchCard(query) {
    var input = el("input", { type: "search", name: "q", "aria-label": S.search_help, placeholder: S.search_help, value: query || "", maxlength: "200" });
    return el("form", { class: "card search", role: "search", onsubmit: function (event) {
      event.preventDefault();
      if (input.value.trim()) go("help", { q: input.value.trim() });
    } }, [input, el("button", { type: "submit" }, [S.search])]);
  }

  // Messages -------------------------------------------------------------------------------------
  function conversationRow(c) {
    var unread = unreadByConversation[c.id] || 0;
    return el("button", { type: "button", class: "row" + (unread ? " unread" : ""), onclick: function () { go("conversation", c.id); } }, [
      el("span", { class: "row-text", text: c.last_part_preview || c.subject || "…" }),
      el("span", { class: "row-meta", text: whenOf(c.created_at) + (c.state === "closed" ? " · " + S.closed : "") + (unread ? " · " + t("unread", { n: unread }) : "") })
    ]);
  }
  function conversations() {
    api("GET", "/conversations?limit=30").then(function (page) {
      page.items.forEach(function (c) { if (c.unread_count != null) unreadByConversation[c.id] = c.unread_count; });
      reportUnread();
      var list = page.items.length ? el("div", { class: "list" }, page.items.map(conversationRow)) : el("p", { class: "muted", text: S.no_conversations });
      show(S.messages, [list, el("button", { type: "button", class: "primary wide", onclick: function () { go("conversation", null); } }, [S.new_conversation])], true);
    }).catch(function (e) { show(S.messages, [errorNote(e.message)]); });
  }
  function refreshUnread() {
    quietly(api("GET", "/conversations?limit=30")).then(function (page) {
      if (!page) return;
      page.items.forEach(function (c) { if (c.unread_count != null) unreadByConversation[c.id] = c.unread_count; });
      reportUnread();
    });
  }

  function partNode(part) {
    var who = part.author === "contact" ? S.you : (part.author === "bot" ? S.bot : (part.author_name || S.team));
    var body = el("div", { class: "bubble-body" });
    body.innerHTML = part.html; // sanitised by the server (nh3): no script, handler or style survives
    // The teammates' link to a file sent here; the messenger shows the file itself below.
    Array.prototype.forEach.call(body.querySelectorAll("a[href*='/messenger/files/']"), function (a) {
      var before = a.previousSibling;
      if (before && before.nodeType === 3) before.textContent = before.textContent.replace(/📎\s*$/, "");
      a.remove();
    });
    var files = (part.attachments || []).map(attachmentNode);
    var node = el("li", { class: "bubble " + part.author, "data-part": part.id }, [
      el("span", { class: "bubble-who", text: who }),
      body
    ].concat(files).concat([el("time", { class: "bubble-time", datetime: part.created_at, text: whenOf(part.created_at) })]));
    if (part.buttons && part.buttons.length && openConversation) {
      var id = openConversation;
      node.appendChild(el("div", { class: "bot-buttons" }, part.buttons.map(function (b) {
        return el("button", { type: "button", onclick: function () {
          api("POST", "/conversations/" + id + "/bot-feedback", { helped: b === "helped" })
            .then(function () { go("conversation", id); }).catch(function (e) { node.appendChild(errorNote(e.message)); });
        } }, [b === "helped" ? S.helped : S.talk_to_person]);
      })));
    }
    return node;
  }
  function attachmentNode(file) {
    var link = el("a", { class: "file", href: "#", text: "📎 " + file.name + " (" + Math.max(1, Math.round(file.size / 1024)) + " KB)" });
    function fetchBlob() {
      if (blobUrls[file.id]) return Promise.resolve(blobUrls[file.id]);
      return fetch(config.api + "/attachments/" + file.id, { headers: headers() }).then(function (r) {
        if (!r.ok) throw new Error(S.error);
        return r.blob();
      }).then(function (blob) { blobUrls[file.id] = URL.createObjectURL(blob); return blobUrls[file.id]; });
    }
    var type = file.content_type || file.type || "";
    if (type.indexOf("image/") === 0) {
      var image = el("img", { class: "file-image", alt: file.name });
      fetchBlob().then(function (url) { image.src = url; }).catch(function () { /* the link still works */ });
      link.textContent = "";
      link.appendChild(image);
    }
    link.addEventListener("click", function (event) {
      event.preventDefault();
      fetchBlob().then(function (url) {
        var a = el("a", { href: url, download: file.name });
        d.body.appendChild(a); a.click(); a.remove();
      });
    });
    return link;
  }

  function conversation(id) {
    openConversation = id;
    var load = id ? api("GET", "/conversations/" + id) : Promise.resolve({ id: null, parts: [], state: "open", rating: null });
    load.then(function (c) {
      if (current.tab !== "conversation" || current.argument !== id) return;
      var log = el("ol", { class: "parts", role: "log", "aria-live": "polite", "aria-label": S.messages },
        c.parts.map(partNode));
      c.parts.forEach(function (p) { seenParts[p.id] = true; });
      var typing = el("p", { class: "typing", id: "typing", "aria-live": "polite" });
      var nodes = [el("button", { type: "button", class: "link", onclick: function () { go("messages"); } }, ["← " + S.back]), log, typing];
      if (c.state === "closed") nodes.push(closedNode(c));
      nodes.push(composer(c));
      if (contact && contact.kind === "lead" && !contact.email && c.parts.some(function (p) { return p.author === "contact"; })) nodes.push(emailAsk());
      show(c.subject || S.messages, nodes, true);
      log.lastElementChild && log.lastElementChild.scrollIntoView({ block: "end" });
      if (id) { unreadByConversation[id] = 0; reportUnread(); markSeen(id); }
      startPolling();
    }).catch(function (e) { show(S.messages, [errorNote(e.status === 404 ? e.message : S.error)]); });
  }
  function closedNode(c) {
    var box = el("section", { class: "card rating" }, [el("p", { text: S.closed })]);
    if (c.rating) { box.appendChild(el("p", { text: S.thanks_rating })); return box; }
    var remark = el("input", { type: "text", "aria-label": S.remark, placeholder: S.remark, maxlength: "1000" });
    box.appendChild(el("h3", { text: S.rate }));
    box.appendChild(el("div", { class: "stars" }, [1, 2, 3, 4, 5].map(function (n) {
      return el("button", { type: "button", "aria-label": t("rate_star", { n: n }), onclick: function () {
        api("POST", "/conversations/" + c.id + "/rating", { rating: n, remark: remark.value })
          .then(function () { box.innerHTML = ""; box.appendChild(el("p", { role: "status", text: S.thanks_rating })); })
          .catch(function (e) { box.appendChild(errorNote(e.message)); });
      } }, ["★"]);
    })));
    box.appendChild(remark);
    return box;
  }
  function composer(c) {
    var text = el("textarea", { name: "body", rows: "2", "aria-label": S.write, placeholder: S.write, maxlength: "10000" });
    var file = el("input", { type: "file", id: "file", class: "visually-hidden", accept: "image/png,image/jpeg,image/gif,image/webp,.pdf,.txt,.csv,.log,.json,.zip,.docx,.xlsx" });
    var status = el("p", { class: "composer-status", role: "status" });
    var form = el("form", { class: "composer" }, [
      c.id ? el("label", { class: "icon-button attach", for: "file", title: S.attach }, [clipIcon(), el("span", { class: "visually-hidden", text: S.attach })]) : null,
      c.id ? file : null,
      text,
      el("button", { type: "submit", class: "primary" }, [S.send]),
      status
    ]);
    text.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); form.requestSubmit(); }
    });
    text.addEventListener("input", function () {
      if (c.id && Date.now() - lastTypingSent > 3000) { lastTypingSent = Date.now(); quietly(api("POST", "/conversations/" + c.id + "/typing", {})); }
    });
    file.addEventListener("change", function () {
      if (!file.files.length) return;
      var data = new FormData();
      data.append("file", file.files[0]);
      status.textContent = S.loading;
      api("POST", "/conversations/" + c.id + "/attachments", data, true).then(function (part) {
        status.textContent = ""; file.value = ""; appendPart(c.id, part);
      }).catch(function (e) { status.textContent = ""; status.appendChild(errorNote(e.message)); file.value = ""; });
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var body = text.value.trim();
      if (!body) return;
      status.textContent = "";
      var send = c.id ? api("POST", "/conversations/" + c.id + "/replies", { body: body })
        : api("POST", "/conversations", { body: body });
      send.then(function (result) {
        text.value = "";
        if (!c.id) { go("conversation", result.id); return; }
        appendPart(c.id, result);
        text.focus();
        if (contact && contact.kind === "lead" && !contact.email && !d.getElementById("email-ask")) view.appendChild(emailAsk());
      }).catch(function (e) { status.appendChild(errorNote(e.message)); });
    });
    return form;
  }
  function clipIcon() {
    var icon = el("span", { "aria-hidden": "true" });
    icon.innerHTML = '<svg width="22" height="22" viewBox="0 0 24 24"><path fill="none" stroke="currentColor" stroke-width="2" ' +
      'stroke-linecap="round" d="M21 11.5l-8.5 8.5a5 5 0 0 1-7-7L14 4.5a3.3 3.3 0 0 1 4.7 4.7L10.2 17.7a1.7 1.7 0 0 1-2.4-2.4L15.5 7.6"/></svg>';
    return icon;
  }
  function emailAsk() {
    var input = el("input", { type: "email", name: "email", required: true, autocomplete: "email", "aria-label": S.email_placeholder, placeholder: S.email_placeholder });
    var form = el("form", { class: "card email-ask", id: "email-ask" }, [el("label", { text: S.email_ask }), input, el("button", { type: "submit" }, [S.email_save])]);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      api("PATCH", "/contact", { email: input.value.trim() }).then(function (saved) {
        contact.email = saved.email;
        form.innerHTML = "";
        form.appendChild(el("p", { role: "status", text: t("email_saved", { email: saved.email }) }));
      }).catch(function (e) { form.appendChild(errorNote(e.message)); });
    });
    return form;
  }
  function appendPart(conversationId, part) {
    if (openConversation !== conversationId || seenParts[part.id]) return false;
    var log = view.querySelector(".parts");
    if (!log) return false;
    seenParts[part.id] = true;
    var node = partNode(part);
    log.appendChild(node);
    node.scrollIntoView({ block: "end" });
    if (part.author !== "contact") {
      announce(t("new_reply", { name: part.author_name || S.team }));
      setTyping(null);
      if (visible) markSeen(conversationId);
    }
    return true;
  }
  function setTyping(name) {
    var node = d.getElementById("typing");
    if (!node) return;
    clearTimeout(typingTimer);
    node.textContent = name ? t("typing", { name: name }) : "";
    if (name) typingTimer = setTimeout(function () { node.textContent = ""; }, 6000);
  }
  function markSeen(id) { quietly(api("POST", "/conversations/" + id + "/seen", {})); }

  // Live: one function. The stream when the server offers it; otherwise the open conversation is
  // fetched again every few seconds.
  function connectStream() {
    if (stream || !w.ConciergeLive) return;
    function token() { return api("POST", "/stream-token", {}).then(function (answer) { return answer.url; }); }
    quietly(token()).then(function (url) {
      if (!url || stream) return;
      stream = w.ConciergeLive.connect(url, onLiveEvent, {
        key: "messenger:" + config.workspace + ":" + (identity.user_id || identity.visitor_id),
        refreshUrl: token,
        onState: function (state) { liveState = state; d.documentElement.setAttribute("data-live", state); }
      });
    });
  }
  function onLiveEvent(name, data) {
    if (name === "part.created") {
      var part = data.part;
      part.author = part.author || part.author_kind;
      part.html = part.html || part.body_html || "";
      var appended = appendPart(data.conversation_id, part);
      if (part.author !== "contact" && (!appended || !visible)) {
        unreadByConversation[data.conversation_id] = (unreadByConversation[data.conversation_id] || 0) + 1;
        reportUnread();
      }
    } else if (name === "typing" && data.conversation_id === openConversation && data.who === "teammate") {
      setTyping(data.name || S.someone);
    } else if (name === "conversation.updated" && data.conversation_id === openConversation) {
      go("conversation", openConversation);
    }
  }
  function startPolling() {
    if (pollTimer) return;
    pollTimer = setInterval(function () {
      if (liveState === "open" || liveState === "follower" || !openConversation || d.hidden) return;
      var id = openConversation;
      quietly(api("GET", "/conversations/" + id)).then(function (c) {
        if (!c || openConversation !== id) return;
        c.parts.forEach(function (p) { appendPart(id, p); });
      });
    }, 4000);
  }

  // Proactive messages ---------------------------------------------------------------------------
  // The loader says which page the customer is on; the messages for it come back: banners and
  // tooltips are drawn by the loader on the page, chats and posts shown here. A message waiting for
  // some seconds on the page is asked for when they have passed, if the customer is still there.
  function onPage(url) {
    pageUrl = url;
    waiting.forEach(clearTimeout);
    waiting = [];
    if (!booted) return;
    quietly(api("GET", "/outbound?" + new URLSearchParams({ url: url, lang: lang }))).then(function (answer) {
      if (!answer || pageUrl !== url) return;
      answer.messages.forEach(present);
      d.documentElement.setAttribute("data-outbound", "shown");
      answer.waiting.forEach(function (trigger) {
        waiting.push(setTimeout(function () {
          if (pageUrl !== url) return;
          quietly(api("POST", "/outbound/page-triggers/" + trigger.message_id, { url: url, lang: lang }))
            .then(function (answer) { if (answer && answer.message) present(answer.message); });
        }, trigger.after_seconds * 1000));
      });
    });
  }
  function refreshOutbound(url) {
    quietly(api("GET", "/outbound?" + new URLSearchParams({ url: url, lang: lang }))).then(function (answer) {
      if (answer && pageUrl === url) answer.messages.forEach(present);
    });
  }
  function present(m) {
    var known = outbound[m.id];
    outbound[m.id] = m;
    if (m.content_type === "banner") {
      toParent({ type: "banner", id: m.id, html: m.body_html, label: m.title || S.from_team, close: S.dismiss });
    } else if (m.content_type === "tooltip_group") {
      toParent({ type: "tips", id: m.id, tips: m.tooltips, label: m.title || S.from_team, next: S.next, done: S.done, close: S.dismiss });
    } else {
      drawNews();
      if (!m.opened && !known && (!visible || current.tab === "home")) { go("outbound", m.id); toParent({ type: "open" }); }
    }
  }
  function outboundSeen(m) {
    if (!m || m.opened || !visible && (m.content_type === "chat" || m.content_type === "post")) return;
    m.opened = true;
    quietly(api("POST", "/outbound/" + m.id + "/seen", {}));
  }
  function drawNews() {
    var box = d.getElementById("news");
    if (!box) return;
    var items = Object.keys(outbound).map(function (id) { return outbound[id]; })
      .filter(function (m) { return m.content_type === "chat" || m.content_type === "post"; })
      .sort(function (a, b) { return a.sent_at < b.sent_at ? 1 : -1; });
    box.innerHTML = "";
    box.hidden = !items.length;
    if (!items.length) return;
    box.appendChild(el("h3", { text: S.from_team }));
    box.appendChild(el("div", { class: "list" }, items.map(function (m) {
      return el("button", { type: "button", class: "row" + (m.opened ? "" : " unread"), onclick: function () { go("outbound", m.id); } }, [
        el("span", { class: "row-text", text: m.title || m.preview }),
        el("span", { class: "row-meta", text: (m.sender ? m.sender.name + " · " : "") + whenOf(m.sent_at) })
      ]);
    })));
  }
  function proactive(id) {
    var m = outbound[id];
    if (!m) return go("home");
    var body = el("div", { class: "bubble-body" });
    body.innerHTML = m.body_html; // rendered from Markdown and sanitised by the server
    Array.prototype.forEach.call(body.querySelectorAll("a[href]"), function (link) { link.target = "_blank"; link.rel = "noopener"; });
    var from = m.sender ? el("p", { class: "sender" }, [el("span", { class: "face", "aria-hidden": "true", text: m.sender.initials }), m.sender.name]) : null;
    var content = m.content_type === "post"
      ? el("article", { class: "post" }, [from, m.title ? el("h2", { text: m.title }) : null, body])
      : el("div", { class: "proactive" }, [from, el("div", { class: "bubble teammate" }, [body])]);
    var nodes = [el("button", { type: "button", class: "link", onclick: function () { go("home"); } }, ["← " + S.back]), content, reactions(m)];
    if (m.content_type === "chat") nodes.push(m.conversation_id
      ? el("button", { type: "button", class: "primary wide", onclick: function () { go("conversation", m.conversation_id); } }, [S.open_conversation])
      : chatReply(m));
    show(m.content_type === "chat" && m.sender ? m.sender.name : S.from_team, nodes, true);
    outboundSeen(m);
  }
  function reactions(m) {
    var row = el("div", { class: "reactions", role: "group", "aria-label": S.react });
    m.emojis.forEach(function (emoji) {
      row.appendChild(el("button", { type: "button", "aria-pressed": m.reaction === emoji ? "true" : "false",
        "aria-label": t("react_with", { emoji: emoji }), onclick: function () {
          api("POST", "/outbound/" + m.id + "/react", { emoji: emoji }).then(function (answer) {
            m.reaction = answer.reaction;
            Array.prototype.forEach.call(row.children, function (b) { b.setAttribute("aria-pressed", b.textContent === m.reaction ? "true" : "false"); });
          }).catch(function (e) { row.appendChild(errorNote(e.message)); });
        } }, [emoji]));
    });
    return row;
  }
  function chatReply(m) {
    var text = el("textarea", { name: "body", rows: "2", "aria-label": S.write, placeholder: S.write, maxlength: "10000" });
    var form = el("form", { class: "composer" }, [text, el("button", { type: "submit", class: "primary" }, [S.send])]);
    text.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); form.requestSubmit(); }
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (!text.value.trim()) return;
      api("POST", "/outbound/" + m.id + "/reply", { body: text.value.trim() }).then(function (c) {
        m.conversation_id = c.id;
        go("conversation", c.id);
      }).catch(function (e) { form.appendChild(errorNote(e.message)); });
    });
    return form;
  }

  // Help -----------------------------------------------------------------------------------------
  function help(argument) {
    if (argument && argument.slug) return article(argument.slug);
    var query = argument && argument.q;
    var nodes = [searchCard(query)];
    var request = query ? api("GET", "/help/search?" + new URLSearchParams({ q: query, lang: lang }))
      .then(function (r) { return r.articles; })
      : api("GET", "/help/popular?" + new URLSearchParams({ lang: lang }));
    request.then(function (articles) {
      if (!query) nodes.push(el("h2", { class: "section-title", text: S.popular }));
      nodes.push(articles.length ? el("div", { class: "list" }, articles.map(function (a) {
        return el("button", { type: "button", class: "row", onclick: function () { go("help", { slug: a.slug }); } }, [
          el("span", { class: "row-text", text: a.title }), a.summary ? el("span", { class: "row-meta", text: a.summary }) : null
        ]);
      })) : el("p", { class: "muted", text: S.no_articles }));
      show(S.help, nodes, !!query);
    }).catch(function (e) { show(S.help, [searchCard(query), errorNote(e.message)]); });
  }
  function article(slug) {
    api("GET", "/help/articles/" + encodeURIComponent(slug) + "?" + new URLSearchParams({ lang: lang })).then(function (a) {
      var body = el("article", { class: "article" });
      body.innerHTML = a.body_html; // rendered and sanitised by the help center when written
      Array.prototype.forEach.call(body.querySelectorAll("a[href]"), function (link) { link.target = "_blank"; link.rel = "noopener"; });
      show(a.title, [el("button", { type: "button", class: "link", onclick: function () { go("help"); } }, ["← " + S.back]), body], true);
    }).catch(function (e) { show(S.help, [errorNote(e.message)]); });
  }

  toParent({ type: "ready" });
})();
