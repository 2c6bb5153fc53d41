/* Concierge's messenger loader: draws the launcher and its unread badge on the host page and opens
   the messenger in an iframe served by Concierge. Commands (docs/messenger.md):
   Concierge('boot', {user_id, user_hash, name, email, ...attributes}), 'show', 'hide', 'shutdown',
   'update', {attributes}, 'track', name, {data}, 'onUnreadCount', fn.
   The frame and the loader talk with postMessage, each only to the other's origin. The loader tells
   the frame the page's address (and when it changes); the frame answers with the proactive messages
   drawn on the page itself: banners and tooltips (their HTML sanitised by Concierge). */
(function () {
  "use strict";
  var w = window, d = document;
  if (w.__conciergeMessenger) return;
  var script = d.currentScript || d.querySelector("script[data-workspace][src*='messenger.js']");
  var slug = script && script.getAttribute("data-workspace");
  if (!slug) { if (w.console) console.warn("Concierge: the script needs data-workspace"); return; }
  var base = new URL(script.src, d.baseURI).origin;
  var key = "concierge.visitor." + slug;
  var root, button, badge, box, frame, ready = false, opened = false, booted = false;
  var outbox = [], listeners = [], unread = 0, phone = w.matchMedia("(max-width: 480px)");
  var href = "", drawn = {}, moves = [], color = script.getAttribute("data-color") || "#3451b2";
  w.__conciergeMessenger = true;

  function load(k) { try { return w.localStorage.getItem(k); } catch (e) { return null; } }
  function store(k, v) {
    try { if (v == null) w.localStorage.removeItem(k); else w.localStorage.setItem(k, v); } catch (e) { /* private mode */ }
  }
  function visitorId() {
    var id = load(key);
    if (!id || !/^[\x21-\x7e]{1,190}$/.test(id)) {
      var bytes = new Uint8Array(16);
      (w.crypto || w.msCrypto).getRandomValues(bytes);
      id = "v_" + Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
      store(key, id);
    }
    return id;
  }
  function css(el, rules) { for (var k in rules) el.style[k] = rules[k]; return el; }
  function layout() {
    if (!box) return;
    if (phone.matches) {
      css(box, { inset: "0", right: "0", bottom: "0", width: "100%", height: "100%", borderRadius: "0" });
    } else {
      css(box, { inset: "auto", right: "20px", bottom: "90px", width: "380px",
        height: "min(640px, calc(100vh - 110px))", borderRadius: "14px" });
    }
    css(button, { display: opened && phone.matches ? "none" : "flex" });
  }
  function build() {
    if (root) return;
    root = d.createElement("div");
    root.setAttribute("data-concierge", "");
    button = css(d.createElement("button"), {
      position: "fixed", right: "20px", bottom: "20px", width: "56px", height: "56px", borderRadius: "50%",
      border: "0", background: color, color: "#fff", cursor: "pointer", zIndex: "2147483000",
      boxShadow: "0 4px 14px rgba(0,0,0,.25)", alignItems: "center", justifyContent: "center", padding: "0"
    });
    button.type = "button";
    button.setAttribute("aria-label", "Open the messenger");
    button.setAttribute("aria-expanded", "false");
    button.innerHTML = '<svg width="28" height="28" viewBox="0 0 24 24" aria-hidden="true" focusable="false">' +
      '<path fill="currentColor" d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z"/></svg>';
    badge = css(d.createElement("span"), {
      position: "absolute", top: "-4px", right: "-4px", minWidth: "20px", height: "20px", borderRadius: "10px",
      background: "#d6336c", color: "#fff", font: "bold 12px/20px system-ui, sans-serif", textAlign: "center",
      padding: "0 5px", boxSizing: "border-box", display: "none"
    });
    badge.setAttribute("data-concierge-badge", "");
    button.appendChild(badge);
    button.addEventListener("click", function () { setOpen(!opened); });
    box = css(d.createElement("div"), {
      position: "fixed", zIndex: "2147483001", overflow: "hidden", background: "#fff", display: "none",
      boxShadow: "0 8px 30px rgba(0,0,0,.25)"
    });
    frame = css(d.createElement("iframe"), { border: "0", width: "100%", height: "100%", display: "block" });
    frame.title = "Messenger";
    frame.setAttribute("data-concierge-frame", "");
    var lang = (d.documentElement.lang || navigator.language || "en").slice(0, 35);
    frame.src = base + "/messenger/" + encodeURIComponent(slug) + "/frame/?origin=" +
      encodeURIComponent(w.location.origin) + "&lang=" + encodeURIComponent(lang);
    box.appendChild(frame);
    root.appendChild(box);
    root.appendChild(button);
    (d.body || d.documentElement).appendChild(root);
    if (phone.addEventListener) phone.addEventListener("change", layout);
    layout();
  }
  function post(message) {
    if (ready && frame) frame.contentWindow.postMessage(message, base); else outbox.push(message);
  }
  function setOpen(value) {
    if (!root) return;
    opened = value;
    box.style.display = value ? "block" : "none";
    button.setAttribute("aria-expanded", value ? "true" : "false");
    button.setAttribute("aria-label", value ? "Close the messenger" : "Open the messenger");
    layout();
    post({ type: value ? "show" : "hide" });
    if (!value) button.focus();
  }
  function setUnread(n) {
    unread = n > 0 ? n : 0;
    if (badge) {
      badge.textContent = unread > 99 ? "99+" : String(unread);
      badge.style.display = unread ? "block" : "none";
    }
    for (var i = 0; i < listeners.length; i++) { try { listeners[i](unread); } catch (e) { /* theirs */ } }
  }
  function attributesOf(options) {
    var rest = {};
    for (var k in options) {
      if (["user_id", "user_hash", "name", "email", "attributes"].indexOf(k) < 0) rest[k] = options[k];
    }
    for (var a in options.attributes || {}) rest[a] = options.attributes[a];
    return rest;
  }
  // Proactive messages on the host page ----------------------------------------------------------
  function watchPage() {
    if (href !== w.location.href) { href = w.location.href; post({ type: "page", url: href }); }
  }
  function closer(label, fn) {
    var x = css(d.createElement("button"), { background: "none", border: "0", color: "inherit", font: "22px/1 system-ui,sans-serif",
      cursor: "pointer", minWidth: "40px", minHeight: "40px" });
    x.type = "button"; x.textContent = "\u00d7"; x.setAttribute("aria-label", label);
    x.addEventListener("click", fn);
    return x;
  }
  function html(el, markup) { el.innerHTML = markup; return el; }
  function moved() { for (var i = 0; i < moves.length; i++) moves[i](); }
  function done(m, node) {
    if (node && node.parentNode) node.parentNode.removeChild(node);
    moved();
    post({ type: "dismiss", id: m.id });
  }
  function banner(m) {
    if (drawn[m.id]) return;
    var bar = css(d.createElement("div"), { display: "flex", alignItems: "center", gap: "8px", padding: "6px 8px 6px 16px",
      background: color, color: "#fff", font: "15px/1.4 system-ui,sans-serif" });
    bar.setAttribute("role", "region"); bar.setAttribute("aria-label", m.label);
    bar.setAttribute("data-concierge-banner", m.id);
    var text = html(css(d.createElement("div"), { flex: "1", textAlign: "center" }), m.html);
    for (var a = text.querySelectorAll("a"), i = 0; i < a.length; i++) css(a[i], { color: "inherit", textDecoration: "underline" });
    bar.appendChild(text);
    bar.appendChild(closer(m.close, function () { done(m, bar); }));
    drawn[m.id] = bar;
    var body = d.body || d.documentElement;
    body.insertBefore(bar, body.firstChild);
    moved(); // a tooltip's element moved down
    post({ type: "drawn", id: m.id });
  }
  function tips(m) {
    var steps = [], i, target;
    for (i = 0; i < m.tips.length; i++) {
      try { target = d.querySelector(m.tips[i].selector); } catch (e) { target = null; }
      if (target) steps.push([target, m.tips[i].html]);
    }
    if (drawn[m.id] || !steps.length) return;
    var tip = css(d.createElement("div"), { position: "absolute", zIndex: "2147482999", maxWidth: "300px", background: "#fff",
      color: "#1c1e21", border: "2px solid " + color, borderRadius: "10px", padding: "8px 12px", boxShadow: "0 4px 16px rgba(0,0,0,.2)",
      font: "14px/1.4 system-ui,sans-serif", boxSizing: "border-box" });
    tip.setAttribute("role", "dialog"); tip.setAttribute("aria-label", m.label);
    tip.setAttribute("data-concierge-tip", m.id);
    var at = 0, text = d.createElement("div"), row = css(d.createElement("div"), { display: "flex", justifyContent: "flex-end", gap: "4px" });
    var next = css(d.createElement("button"), { background: color, color: "#fff", border: "0", borderRadius: "8px", padding: "6px 12px",
      cursor: "pointer", minHeight: "36px", font: "inherit" });
    next.type = "button";
    var x = closer(m.close, function () { finish(); });
    function finish() { w.removeEventListener("resize", place); moves.splice(moves.indexOf(place), 1); done(m, tip); }
    function place() {
      var r = steps[at][0].getBoundingClientRect(), width = Math.min(300, w.innerWidth - 16);
      css(tip, { width: width + "px", top: (r.bottom + w.scrollY + 8) + "px",
        left: Math.max(8, Math.min(r.left + w.scrollX, w.scrollX + w.innerWidth - width - 8)) + "px" });
    }
    function step() {
      html(text, steps[at][1]);
      next.textContent = at < steps.length - 1 ? m.next : m.done;
      if (steps[at][0].scrollIntoView) steps[at][0].scrollIntoView({ block: "center" });
      place();
    }
    next.addEventListener("click", function () { if (++at < steps.length) step(); else finish(); });
    row.appendChild(next); row.appendChild(x);
    tip.appendChild(text); tip.appendChild(row);
    drawn[m.id] = tip;
    (d.body || d.documentElement).appendChild(tip);
    w.addEventListener("resize", place);
    moves.push(place);
    step();
    post({ type: "drawn", id: m.id });
  }
  var commands = {
    boot: function (options) {
      options = options || {};
      booted = true;
      build();
      post({
        type: "boot",
        visitor_id: options.user_id ? null : visitorId(),
        user_id: options.user_id ? String(options.user_id) : null,
        user_hash: options.user_hash || null,
        name: options.name == null ? null : String(options.name),
        email: options.email == null ? null : String(options.email),
        attributes: attributesOf(options)
      });
    },
    show: function () { if (!booted) commands.boot({}); setOpen(true); },
    hide: function () { setOpen(false); },
    shutdown: function () {
      store(key, null);
      for (var id in drawn) if (drawn[id].parentNode) drawn[id].parentNode.removeChild(drawn[id]);
      drawn = {}; moves = []; href = "";
      if (root && root.parentNode) root.parentNode.removeChild(root);
      root = button = badge = box = frame = null;
      ready = opened = booted = false;
      outbox = [];
      setUnread(0);
    },
    update: function (attributes) { post({ type: "update", attributes: attributes || {} }); },
    track: function (name, data) { post({ type: "track", name: String(name), data: data || {} }); },
    onUnreadCount: function (fn) { if (typeof fn === "function") { listeners.push(fn); fn(unread); } }
  };
  w.addEventListener("message", function (event) {
    if (event.origin !== base || !frame || event.source !== frame.contentWindow) return;
    var data = event.data || {};
    if (data.type === "ready") {
      ready = true;
      var pending = outbox; outbox = [];
      for (var i = 0; i < pending.length; i++) post(pending[i]);
      if (opened) post({ type: "show" });
      watchPage();
    } else if (data.type === "banner") {
      banner(data);
    } else if (data.type === "tips") {
      tips(data);
    } else if (data.type === "open") {
      if (!opened) setOpen(true);
    } else if (data.type === "unread") {
      setUnread(Number(data.count) || 0);
    } else if (data.type === "close") {
      setOpen(false);
    }
  });
  // A single-page site changes its address without loading a page: looked at every second.
  w.setInterval(function () { if (ready) watchPage(); }, 1000);
  var queued = (w.Concierge && w.Concierge.q) || [];
  w.Concierge = function (name) {
    var command = commands[name];
    if (!command) { if (w.console) console.warn("Concierge: unknown command " + name); return; }
    command.apply(null, Array.prototype.slice.call(arguments, 1));
  };
  for (var i = 0; i < queued.length; i++) w.Concierge.apply(null, queued[i]);
})();
