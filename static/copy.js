// Progressive enhancement: a "copy" button next to a text to copy (without scripts the button
// stays hidden and the text is selectable). The button names its text by id in `data-copy`
// and carries the translated confirmation in `data-copied`, announced by the status after it.
document.querySelectorAll("button[data-copy]").forEach(function (button) {
  var target = document.getElementById(button.dataset.copy);
  if (!target || !navigator.clipboard) {
    return;
  }
  button.hidden = false;
  button.addEventListener("click", function () {
    navigator.clipboard.writeText(target.textContent.trim()).then(function () {
      var status = button.nextElementSibling;
      if (status) {
        status.textContent = button.dataset.copied;
      }
    });
  });
});
