// Conditional fields of an application form: a field the schema requires only when another field has some
// value is shown only then. The server validates the same conditions; this only spares the applicant fields
// that do not concern them.
(function () {
  function valueOf(form, name) {
    var inputs = form.querySelectorAll('[name="' + name + '"], [name$="-' + name + '"]');
    var values = [];
    inputs.forEach(function (input) {
      if (input.type === "checkbox" && inputs.length === 1) values.push(input.checked ? "True" : "False");
      else if (input.type === "radio" || input.type === "checkbox") { if (input.checked) values.push(input.value); }
      else values.push(input.value);
    });
    return values;
  }
  function refresh(container) {
    var form = container.closest("form") || container;
    container.querySelectorAll("[data-shown-when]").forEach(function (row) {
      var when = JSON.parse(row.getAttribute("data-shown-when"));
      var shown = when.some(function (rule) {
        return valueOf(form, rule[0]).some(function (v) { return rule[1].indexOf(v) !== -1; });
      });
      row.hidden = !shown;
    });
  }
  document.querySelectorAll("[data-application-form]").forEach(function (container) {
    refresh(container);
    container.addEventListener("change", function () { refresh(container); });
    container.addEventListener("input", function () { refresh(container); });
  });
})();
