/* Dashboards (templates/dashboards/dashboard.html): the period is either a year (and a quarter) or two dates.
   Choosing a year clears the dates, typing a date clears the year, so the form sends what the user last chose.
   Without JavaScript the dates, when filled, win (the form says so). */
(function () {
  "use strict";

  function setUp() {
    var form = document.querySelector("[data-dashboard-filters]");
    if (!form) {
      return;
    }
    var year = form.elements.namedItem("annee");
    var quarter = form.elements.namedItem("trimestre");
    var from = form.elements.namedItem("du");
    var to = form.elements.namedItem("au");
    if (!year || !quarter || !from || !to) {
      return;
    }
    function clearDates() {
      from.value = "";
      to.value = "";
    }
    function clearYear() {
      year.value = "";
      quarter.value = "";
    }
    year.addEventListener("change", clearDates);
    quarter.addEventListener("change", clearDates);
    from.addEventListener("input", clearYear);
    to.addEventListener("input", clearYear);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
