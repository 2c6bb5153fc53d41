/* Concierge's messenger loader: draws the launcher and its unread badge on the host page and opens
   the messenger in an iframe served by Concierge. Commands (docs/messenger.md):
   Concierge('boot', {user_id, user_hash, name, email, ...attributes}), 'show', 'hide', 'shutdown',
   'update', {attributes}, 'track', name, {data}, 'onUnreadCount', fn.
   The frame and the loader talk with postMessage, each only to the other's origin. */
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
    var color = script.getAttribute("data-color") || "#3451b2";
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
    } else if (data.type === "unread") {
      setUnread(Number(data.count) || 0);
    } else if (data.type === "close") {
      setOpen(false);
    }
  });
  var queued = (w.Concierge && w.Concierge.q) || [];
  w.Concierge = function (name) {
    var command = commands[name];
    if (!command) { if (w.console) console.warn("Concierge: unknown command " + name); return; }
    command.apply(null, Array.prototype.slice.call(arguments, 1));
  };
  for (var i = 0; i < queued.length; i++) w.Concierge.apply(null, queued[i]);
})();
