// Copy buttons for links shown once (rounds/links.html, the partner link of a report).
// Adds a "Copy" button after every input marked data-copy.
document.querySelectorAll("input[data-copy]").forEach(function (input) {
  var button = document.createElement("button");
  button.type = "button";
  button.className = "btn btn-sm btn-outline-secondary mt-1";
  button.textContent = "Copy link";
  button.addEventListener("click", function () {
    input.select();
    if (navigator.clipboard) { navigator.clipboard.writeText(input.value); }
    button.textContent = "Copied";
  });
  input.insertAdjacentElement("afterend", button);
});

// Adds a "Copy all" button after every textarea marked data-copy-all.
document.querySelectorAll("textarea[data-copy-all]").forEach(function (area) {
  var button = document.createElement("button");
  button.type = "button";
  button.className = "btn btn-sm btn-outline-secondary mb-3";
  button.textContent = "Copy all links";
  button.addEventListener("click", function () {
    area.select();
    if (navigator.clipboard) { navigator.clipboard.writeText(area.value); }
    button.textContent = "Copied all";
  });
  area.insertAdjacentElement("afterend", button);
});
