// Small progressive enhancements; every page works without them.
"use strict";

// Long-running forms (the import) say that they are working and cannot be sent twice.
document.querySelectorAll("form[data-busy-message]").forEach(function (form) {
  form.addEventListener("submit", function (event) {
    if (!event.submitter || !/importieren$/.test(event.submitter.value)) return;
    var status = form.querySelector(".busy");
    if (status) status.textContent = form.dataset.busyMessage;
    form.querySelectorAll("button").forEach(function (button) {
      setTimeout(function () { button.disabled = true; }, 0);
    });
  });
});

// Pickers (an actor by name): suggestions as people type, in the field's <datalist>. Without this script the
// form is sent as typed and the server offers the matches to choose from.
document.querySelectorAll("input[data-picker]").forEach(function (input) {
  var list = document.getElementById(input.getAttribute("list"));
  var timer = null;
  var asked = "";
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var typed = input.value.trim();
      if (typed.length < 2 || typed === asked) return;
      asked = typed;
      fetch(input.dataset.picker + "?q=" + encodeURIComponent(typed), {
        credentials: "same-origin",
        headers: { Accept: "application/json" }
      })
        .then(function (response) { return response.ok ? response.json() : { vorschlaege: [] }; })
        .then(function (answer) {
          if (input.value.trim() !== typed) return; // a later keystroke asks again
          list.replaceChildren.apply(list, answer.vorschlaege.map(function (label) {
            var option = document.createElement("option");
            option.value = label;
            return option;
          }));
        })
        .catch(function () { /* offline: the form still works as typed */ });
    }, 150);
  });
});

// "Drucken" buttons on the lists (the browser's own print works without them).
document.querySelectorAll("button[data-print]").forEach(function (button) {
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
});
