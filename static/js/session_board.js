/* Recruitment session page (templates/participants/session_detail.html): "select all" on the candidate board,
   a live count of the checked people, the reason required for "non retenu·e", and a filter on the list of
   people to add. Without JavaScript the page works the same, minus these comforts. */
(function () {
  "use strict";

  // "Lefèvre" is found by "lefevre": lower case, accents removed.
  function fold(text) {
    return text.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  }

  function plural(count, one, many) {
    return count + " " + (count > 1 ? many : one);
  }

  function setUpBoard() {
    var form = document.querySelector("[data-decision-form]");
    if (!form) {
      return;
    }
    var picks = Array.prototype.slice.call(document.querySelectorAll("input[data-board-pick]"));
    var selectAll = document.querySelector("[data-select-all]");
    var selectAllGroup = document.querySelector("[data-select-all-group]");
    var counter = form.querySelector("[data-pick-count]");
    var submit = form.querySelector("[data-decision-submit]");
    var reason = form.querySelector("input[name=reason]");
    var radios = Array.prototype.slice.call(form.querySelectorAll("input[name=decision]"));
    var initialText = counter ? counter.textContent : "";

    function refresh() {
      var checked = picks.filter(function (input) { return input.checked; }).length;
      if (selectAll) {
        selectAll.checked = checked > 0 && checked === picks.length;
        selectAll.indeterminate = checked > 0 && checked < picks.length;
      }
      if (counter) {
        counter.textContent = checked ? plural(checked, "personne cochée", "personnes cochées") + "." : initialText;
      }
      if (submit) {
        if (checked === 1) {
          submit.textContent = "Enregistrer la décision";
        } else if (checked > 1) {
          submit.textContent = "Enregistrer les " + checked + " décisions";
        } else {
          submit.textContent = "Enregistrer les décisions";
        }
      }
    }

    function refreshReason() {
      if (!reason) {
        return;
      }
      // The server says it too (services.pathway_decide); here the marker only shows it before sending.
      var notSelected = radios.some(function (radio) { return radio.checked && radio.value === "NOT_SELECTED"; });
      var label = form.querySelector("label[for='" + reason.id + "']");
      var marker = label ? label.querySelector("[data-reason-marker]") : null;
      reason.setAttribute("aria-required", notSelected ? "true" : "false");
      if (notSelected && label && !marker) {
        marker = document.createElement("span");
        marker.className = "fr-required-marker";
        marker.setAttribute("aria-hidden", "true");
        marker.setAttribute("data-reason-marker", "");
        marker.textContent = " *";
        label.insertBefore(marker, label.querySelector(".fr-hint-text"));
      } else if (!notSelected && marker) {
        marker.remove();
      }
    }

    if (selectAll && selectAllGroup) {
      selectAllGroup.hidden = false;
      selectAll.addEventListener("change", function () {
        picks.forEach(function (input) { input.checked = selectAll.checked; });
        refresh();
      });
    }
    picks.forEach(function (input) { input.addEventListener("change", refresh); });
    radios.forEach(function (radio) { radio.addEventListener("change", refreshReason); });
    refresh();
    refreshReason();
  }

  function setUpFilter() {
    var group = document.querySelector("[data-filter-group]");
    var input = document.querySelector("[data-filter-input]");
    var empty = document.querySelector("[data-filter-empty]");
    if (!group || !input) {
      return;
    }
    var items = Array.prototype.slice.call(document.querySelectorAll("[data-filter-text]"));
    group.hidden = false;
    input.addEventListener("input", function () {
      var words = fold(input.value).trim().split(/\s+/).filter(Boolean);
      var shown = 0;
      items.forEach(function (item) {
        var text = fold(item.getAttribute("data-filter-text"));
        var match = words.every(function (word) { return text.indexOf(word) !== -1; });
        item.hidden = !match;
        shown += match ? 1 : 0;
      });
      if (empty) {
        empty.hidden = shown > 0;
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    setUpBoard();
    setUpFilter();
  });
}());
