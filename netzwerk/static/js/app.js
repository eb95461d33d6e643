// Small progressive enhancements; every page works without them.
"use strict";

// Long-running forms (the import) say that they are working and cannot be sent twice.
document.querySelectorAll("form[data-busy-message]").forEach(function (form) {
  form.addEventListener("submit", function (event) {
    if (!event.submitter || event.submitter.value !== "importieren") return;
    var status = form.querySelector(".busy");
    if (status) status.textContent = form.dataset.busyMessage;
    form.querySelectorAll("button").forEach(function (button) {
      setTimeout(function () { button.disabled = true; }, 0);
    });
  });
});
