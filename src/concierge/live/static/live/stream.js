/* Concierge live: one server-sent event stream per browser, shared by its tabs.
 *
 *   var live = ConciergeLive.connect(url, function (kind, data, meta) { ... }, options);
 *   live.close();
 *
 * One tab (the leader, chosen by a lease in localStorage) holds the EventSource; the others get its
 * events over a BroadcastChannel. When the leader goes, another tab takes the lease and resumes with
 * Last-Event-ID, so nothing is missed; an event seen twice (by id) is handed on once. A stream that
 * fails is opened again after 1 s, 2 s, 4 s ... up to 30 s. Where BroadcastChannel or localStorage
 * are not there (a sandboxed frame), each tab keeps its own stream.
 *
 * options:
 *   key          what tabs share a stream by (default: the URL without its query)
 *   kinds        the event kinds to listen to (default: all of docs/live.md)
 *   refreshUrl   function returning a Promise of a new URL, called before reopening a stream the
 *                server refused (an expired messenger token)
 *   lastEventId  resume after this event on the first connect
 *   onState      function ("open" | "reconnecting" | "follower")
 * meta: {id: the event id, leader: whether this tab holds the stream}
 */
(function (global) {
  "use strict";
  var KINDS = ["part.created", "conversation.updated", "conversation.created", "typing", "viewing", "notification"];
  var LEASE_MS = 6000;
  var RENEW_MS = 2000;
  var MAX_DELAY_MS = 30000;
  var REMEMBERED = 500;

  function storage() {
    try {
      var probe = "concierge-live-probe";
      global.localStorage.setItem(probe, "1");
      global.localStorage.removeItem(probe);
      return global.localStorage;
    } catch (e) {
      return null;
    }
  }

  function withParam(url, name, value) {
    var cleaned = url.replace(new RegExp("([?&])" + name + "=[^&]*&?"), "$1").replace(/[?&]$/, "");
    return cleaned + (cleaned.indexOf("?") < 0 ? "?" : "&") + name + "=" + encodeURIComponent(value);
  }

  function connect(url, onEvent, options) {
    options = options || {};
    var key = "concierge-live:" + (options.key || url.split("?")[0]);
    var kinds = options.kinds || KINDS;
    var tab = Math.random().toString(36).slice(2) + Date.now().toString(36);
    var store = storage();
    var channel = null;
    try {
      channel = "BroadcastChannel" in global && store ? new BroadcastChannel(key) : null;
    } catch (e) {
      channel = null;
    }
    var source = null;
    var leader = false;
    var closed = false;
    var lastId = options.lastEventId ? String(options.lastEventId) : null;
    var seen = [];
    var seenSet = {};
    var delay = 1000;
    var reconnectTimer = null;
    var leaseTimer = null;

    function state(name) {
      if (options.onState) {
        try { options.onState(name); } catch (e) { /* the page's own error */ }
      }
    }

    function hand(kind, data, id) {
      if (id) {
        if (seenSet[id]) return;
        seenSet[id] = true;
        seen.push(id);
        if (seen.length > REMEMBERED) delete seenSet[seen.shift()];
        if (!lastId || Number(id) > Number(lastId)) lastId = id;
      }
      try {
        onEvent(kind, data, { id: id, leader: leader });
      } catch (e) {
        if (global.console) global.console.error(e);
      }
    }

    function open() {
      if (closed || source) return;
      var address = lastId ? withParam(url, "last_event_id", lastId) : url;
      source = new EventSource(address);
      source.onopen = function () {
        delay = 1000;
        state("open");
      };
      kinds.forEach(function (kind) {
        source.addEventListener(kind, function (event) {
          var data;
          try { data = JSON.parse(event.data); } catch (e) { return; }
          hand(kind, data, event.lastEventId);
          if (channel) channel.postMessage({ type: "event", kind: kind, data: data, id: event.lastEventId });
        });
      });
      source.onerror = function () {
        // CONNECTING: the browser retries by itself, with Last-Event-ID. CLOSED: refused; we retry.
        if (source && source.readyState === EventSource.CLOSED) {
          source = null;
          state("reconnecting");
          retryLater();
        } else {
          state("reconnecting");
        }
      };
    }

    function retryLater() {
      if (closed || reconnectTimer) return;
      var wait = delay * (0.75 + Math.random() * 0.5);
      delay = Math.min(delay * 2, MAX_DELAY_MS);
      reconnectTimer = setTimeout(function () {
        reconnectTimer = null;
        if (!leader || closed) return;
        if (options.refreshUrl) {
          Promise.resolve(options.refreshUrl()).then(function (fresh) {
            if (fresh) url = fresh;
            open();
          }, retryLater);
        } else {
          open();
        }
      }, wait);
    }

    function shut() {
      if (source) { source.close(); source = null; }
    }

    function readLease() {
      try { return JSON.parse(store.getItem(key) || "null"); } catch (e) { return null; }
    }

    function writeLease() {
      store.setItem(key, JSON.stringify({ tab: tab, until: Date.now() + LEASE_MS }));
    }

    function becomeLeader() {
      leader = true;
      open();
    }

    function stepDown() {
      leader = false;
      shut();
      state("follower");
    }

    function checkLease() {
      if (closed) return;
      var lease = readLease();
      if (leader) {
        if (lease && lease.tab !== tab && lease.until > Date.now()) { stepDown(); return; }
        writeLease();
        return;
      }
      if (!lease || lease.until < Date.now()) {
        writeLease();
        // Two tabs may write at once: the one whose write stands leads.
        setTimeout(function () {
          var now = readLease();
          if (now && now.tab === tab && !closed) becomeLeader();
        }, 50 + Math.random() * 100);
      }
    }

    function leave() {
      if (leader && store) {
        var lease = readLease();
        if (lease && lease.tab === tab) store.removeItem(key);
        if (channel) channel.postMessage({ type: "leaving" });
      }
    }

    if (channel) {
      channel.onmessage = function (message) {
        var m = message.data || {};
        if (m.type === "event" && !leader) hand(m.kind, m.data, m.id);
        else if (m.type === "leaving" && !leader) setTimeout(checkLease, Math.random() * 100);
      };
      checkLease();
      leaseTimer = setInterval(checkLease, RENEW_MS);
      global.addEventListener("pagehide", leave);
    } else {
      becomeLeader();
    }

    return {
      close: function () {
        closed = true;
        leave();
        shut();
        if (leaseTimer) clearInterval(leaseTimer);
        if (reconnectTimer) clearTimeout(reconnectTimer);
        if (channel) channel.close();
      },
      isLeader: function () { return leader; },
      lastEventId: function () { return lastId; }
    };
  }

  global.ConciergeLive = { connect: connect, KINDS: KINDS };
})(window);
