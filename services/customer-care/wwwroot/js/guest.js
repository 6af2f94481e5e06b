// On a guest page: when the live feed mentions this guest, fetch their header and bookings again (no reload).
(function () {
  "use strict";
  const root = document.getElementById("guest");
  if (!root || !window.hotelFeed) return;
  const id = root.dataset.guestId;
  let pending = false, again = false;
  async function refresh() {
    if (pending) { again = true; return; }
    pending = true;
    try {
      const response = await fetch("/Guests/" + id + "?handler=Body", { credentials: "same-origin" });
      if (response.ok) root.innerHTML = await response.text(); // server-rendered, encoded by Razor
    } finally {
      pending = false;
      if (again) { again = false; refresh(); }
    }
  }
  window.hotelFeed.onItem((item) => { if (item.guestId === id) refresh(); });
})();
