// The live feed: a minimal SignalR client (JSON hub protocol over a WebSocket, negotiation skipped),
// so the page needs no JavaScript library. Items are built with textContent: nothing is parsed as HTML.
(function () {
  "use strict";
  const RS = "\u001e"; // SignalR record separator
  const list = document.getElementById("feed");
  const state = document.getElementById("feed-state");
  const listeners = [];
  window.hotelFeed = { onItem: (f) => listeners.push(f) };
  let retry = 500;

  function show(item) {
    const li = document.createElement("li");
    li.className = "feed-item kind-" + item.kind;
    li.dataset.reference = item.reference;
    const link = document.createElement(item.guestId ? "a" : "span");
    if (item.guestId) link.href = "/Guests/" + item.guestId;
    link.textContent = item.reference;
    const what = document.createElement("span");
    what.textContent = " " + item.title + (item.guestName ? " · " + item.guestName : "") + (item.hotelName ? " · " + item.hotelName : "");
    const when = document.createElement("time");
    when.dateTime = item.occurredAt;
    when.textContent = new Date(item.occurredAt).toLocaleTimeString();
    li.append(when, " ", link, what);
    list.prepend(li);
    while (list.children.length > 50) list.lastElementChild.remove();
    listeners.forEach((f) => f(item));
  }

  function connect() {
    const url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/hubs/feed";
    const ws = new WebSocket(url);
    let buffer = "";
    ws.onopen = () => ws.send(JSON.stringify({ protocol: "json", version: 1 }) + RS);
    ws.onmessage = (e) => {
      buffer += e.data;
      let i;
      while ((i = buffer.indexOf(RS)) >= 0) {
        const frame = buffer.slice(0, i);
        buffer = buffer.slice(i + 1);
        const msg = JSON.parse(frame);
        if (msg.type === undefined) { // handshake reply
          if (msg.error) { state.textContent = "error: " + msg.error; ws.close(); return; }
          state.textContent = "live"; state.dataset.state = "live"; retry = 500;
        } else if (msg.type === 1 && msg.target === "feed") {
          msg.arguments.forEach(show);
        } else if (msg.type === 6) {
          ws.send(JSON.stringify({ type: 6 }) + RS); // ping
        } else if (msg.type === 7) {
          ws.close();
        }
      }
    };
    ws.onclose = () => {
      state.textContent = "reconnecting…"; state.dataset.state = "down";
      setTimeout(connect, retry);
      retry = Math.min(retry * 2, 10000);
    };
  }
  // Freshness line (when the page has one): the consumer lag, refreshed every few seconds.
  async function freshness() {
    const lag = document.getElementById("lag");
    if (!lag) return;
    try {
      const response = await fetch("/api/freshness", { credentials: "same-origin" });
      if (response.ok) {
        const f = await response.json();
        lag.textContent = f.consumerLag === null ? "unknown" : String(f.consumerLag);
      }
    } catch (e) { /* offline for a moment: keep the last figure */ }
  }
  setInterval(freshness, 5000);
  connect();
})();
