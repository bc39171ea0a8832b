/*
 * Participant and pathway pages (participants/forms.py): small helps on top of forms that work without script.
 *
 * - data-show-if-field / data-show-if-values on a wrapper: shown only while that field has one of the values;
 *   a wrapper hidden by a change is emptied, so that no hidden value is sent.
 * - data-default-outcomes on the exit reason: the reason's default outcome is pre-selected (the user may change
 *   it; a choice the user made is never overwritten).
 * - data-filter-by on a select: only the options whose data-parents include the value chosen in that select.
 * - data-pay-floors on the contract start: the pay floor in force on the date typed, in [data-pay-floor-text].
 * - data-confirm on a form: asks before submitting (deleting a timeline item).
 */
(function () {
  "use strict";

  function fieldValue(form, name) {
    var inputs = form.querySelectorAll('[name="' + name + '"]');
    for (var i = 0; i < inputs.length; i++) {
      var input = inputs[i];
      if (input.type === "radio" || input.type === "checkbox") {
        if (input.checked) { return input.value; }
      } else {
        return input.value;
      }
    }
    return "";
  }

  function hasValue(wrapper) {
    var inputs = wrapper.querySelectorAll("input, select, textarea");
    for (var i = 0; i < inputs.length; i++) {
      var input = inputs[i];
      if ((input.type === "checkbox" || input.type === "radio") ? input.checked : input.value) { return true; }
    }
    return false;
  }

  function clear(wrapper) {
    wrapper.querySelectorAll("input, select, textarea").forEach(function (input) {
      if (input.type === "checkbox" || input.type === "radio") { input.checked = false; } else { input.value = ""; }
    });
  }

  function setUpConditionalFields(form) {
    var wrappers = form.querySelectorAll("[data-show-if-field]");
    function update(initial) {
      wrappers.forEach(function (wrapper) {
        var values = wrapper.getAttribute("data-show-if-values").split(" ");
        var shown = values.indexOf(fieldValue(form, wrapper.getAttribute("data-show-if-field"))) !== -1;
        var hasError = wrapper.querySelector("[aria-invalid='true'], .fr-error-text, .fr-messages-group") !== null;
        if (shown || (initial && (hasValue(wrapper) || hasError))) {
          wrapper.hidden = false;
        } else {
          if (!wrapper.hidden) { clear(wrapper); }
          wrapper.hidden = true;
        }
      });
    }
    if (wrappers.length) {
      form.addEventListener("change", function () { update(false); });
      update(true);
    }
  }

  function setUpDefaultOutcome(form) {
    var reason = form.querySelector("[data-default-outcomes]");
    if (!reason) { return; }
    var outcome = document.getElementById(reason.getAttribute("data-outcome-target"));
    if (!outcome) { return; }
    var defaults = JSON.parse(reason.getAttribute("data-default-outcomes"));
    var chosenByUser = outcome.value !== "" && outcome.value !== (defaults[reason.value] || "");
    outcome.addEventListener("change", function () { chosenByUser = outcome.value !== ""; });
    reason.addEventListener("change", function () {
      if (chosenByUser) { return; }
      outcome.value = defaults[reason.value] || "";
      outcome.dispatchEvent(new Event("change", { bubbles: true }));
      chosenByUser = false;
    });
  }

  function setUpLinkedSelects(form) {
    form.querySelectorAll("select[data-filter-by]").forEach(function (select) {
      var parent = document.getElementById(select.getAttribute("data-filter-by"));
      if (!parent) { return; }
      function update() {
        var chosen = parent.value;
        Array.prototype.forEach.call(select.options, function (option) {
          var parents = option.getAttribute("data-parents");
          if (parents === null) { return; }
          var offered = !chosen || parents.split(" ").indexOf(chosen) !== -1;
          option.hidden = !offered;
          option.disabled = !offered;
          if (!offered && option.selected) { select.value = ""; }
        });
      }
      parent.addEventListener("change", update);
      update();
    });
  }

  function setUpPayFloor(form) {
    var start = form.querySelector("[data-pay-floors]");
    var text = form.querySelector("[data-pay-floor-text]");
    if (!start || !text) { return; }
    var floors = JSON.parse(start.getAttribute("data-pay-floors"));
    function update() {
      var day = start.value;
      if (!day) { return; }
      var floor = null;
      floors.forEach(function (candidate) { if (candidate.from <= day) { floor = candidate; } });
      text.textContent = floor
        ? "Plancher de rémunération : " + floor.floor + " de l'heure (45 % du SMIC de " + floor.smic +
          " en vigueur depuis le " + floor.from_label + ")."
        : "Aucun taux du SMIC n'est connu à cette date : ajoutez-le avant d'enregistrer une rémunération.";
    }
    start.addEventListener("change", update);
    update();
  }

  function setUpConfirmations() {
    document.querySelectorAll("form[data-confirm]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (!window.confirm(form.getAttribute("data-confirm"))) { event.preventDefault(); }
      });
    });
  }

  function init() {
    document.querySelectorAll("form").forEach(function (form) {
      setUpConditionalFields(form);
      setUpDefaultOutcome(form);
      setUpLinkedSelects(form);
      setUpPayFloor(form);
    });
    setUpConfirmations();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
