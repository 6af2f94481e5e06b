// Live status on the confirmation page: server-sent events from /bookings/{reference}/events.
// The page works without this; it only saves the guest a reload.
(function () {
  var box = document.getElementById('live-status');
  if (!box || !window.EventSource) return;
  var classes = { captured: 'ok', failed: 'bad', held: 'warn', none: 'muted', waiting: 'pending', sent: 'ok' };
  var source = new EventSource(box.dataset.events);
  box.dataset.live = 'connecting';
  source.onopen = function () { box.dataset.live = 'open'; };
  source.addEventListener('status', function (e) {
    var s = JSON.parse(e.data);
    box.dataset.booking = s.booking;
    box.dataset.payment = s.payment;
    box.dataset.email = s.email;
    document.getElementById('status-headline').textContent = s.headline;
    document.getElementById('status-next').textContent = s.nextSteps;
    document.getElementById('payment-text').textContent = s.paymentText;
    document.getElementById('email-text').textContent = s.emailText;
    document.getElementById('step-payment').className = classes[s.payment] || 'pending';
    document.getElementById('step-email').className = classes[s.email] || 'pending';
    var booked = document.getElementById('step-booked');
    booked.className = s.booking === 'cancelled' ? 'bad' : 'ok';
    document.getElementById('step-booked-text').textContent = s.booking === 'cancelled' ? 'Cancelled' : 'Booked';
    if (s.booking === 'cancelled') {
      var cancel = document.getElementById('cancel');
      if (cancel) cancel.remove();
    }
    if (s.final) { source.close(); box.dataset.live = 'done'; }
  });
  source.onerror = function () { if (box.dataset.live !== 'done') box.dataset.live = 'reconnecting'; };
})();
