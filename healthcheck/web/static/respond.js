// The questionnaire's progress (answered / total, and per section) follows each tap.
// Without this script the server's counts, as of the last save, are shown.
(function () {
  var form = document.getElementById("answers");
  if (!form) { return; }
  var answered = document.getElementById("answered");
  var bar = document.getElementById("progress");
  function count(scope) {
    var names = {};
    scope.querySelectorAll('input[type=radio][name^="q-"]:checked').forEach(function (input) {
      names[input.name] = true;
    });
    return Object.keys(names).length;
  }
  function update() {
    var done = count(form);
    answered.textContent = done;
    bar.value = done;
    bar.textContent = done + " of " + bar.max;
    form.querySelectorAll("fieldset.dimension").forEach(function (section) {
      var shown = form.querySelector('.count[data-section="' + section.dataset.section + '"]');
      if (!shown) { return; }
      var total = section.querySelectorAll("fieldset.question").length;
      var mine = count(section);
      shown.textContent = mine + "/" + total;
      shown.classList.toggle("done", mine === total);
    });
  }
  form.addEventListener("change", update);
})();
