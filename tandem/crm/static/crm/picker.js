// Searchable pickers (crm/widgets/picker.html): htmx fills the suggestions; picking one puts
// its id in the hidden input and its name in the box. Typing again forgets the id, so a
// changed name is never sent with the old record behind it.
document.addEventListener("click", (event) => {
  const option = event.target.closest("[data-picker-id]");
  const picker = option && option.closest("[data-picker]");
  if (picker) {
    picker.querySelector("[data-picker-value]").value = option.dataset.pickerId;
    picker.querySelector("[data-picker-text]").value = option.dataset.pickerName;
    picker.querySelector(".picker-options").replaceChildren();
    return;
  }
  for (const open of document.querySelectorAll("[data-picker] .picker-options")) {
    if (!open.parentElement.contains(event.target)) open.replaceChildren();
  }
});
document.addEventListener("input", (event) => {
  if (event.target.matches("[data-picker-text]")) {
    event.target.closest("[data-picker]").querySelector("[data-picker-value]").value = "";
  }
});
