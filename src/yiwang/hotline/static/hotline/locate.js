// 巡查上报: fill the form's coordinates from the device's position when the worker asks for it.
(function () {
  var button = document.getElementById("locate");
  if (!button || !navigator.geolocation) {
    return;
  }
  button.hidden = false;
  button.addEventListener("click", function () {
    var status = document.getElementById("locate-status");
    status.textContent = button.dataset.waiting;
    navigator.geolocation.getCurrentPosition(
      function (position) {
        document.getElementById("g-longitude").value = position.coords.longitude.toFixed(6);
        document.getElementById("g-latitude").value = position.coords.latitude.toFixed(6);
        status.textContent = button.dataset.done;
      },
      function () {
        status.textContent = button.dataset.failed;
      },
      { enableHighAccuracy: true, timeout: 10000 }
    );
  });
})();
