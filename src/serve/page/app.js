// Improves the form; it works without this: a file dropped on the box is
// chosen, and the button says the check is under way.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("form.check");
  if (!form) return;
  const drop = form.querySelector(".drop");
  const input = form.querySelector("input[type=file]");
  const button = form.querySelector("button");
  for (const name of ["dragenter", "dragover"]) {
    drop.addEventListener(name, (e) => { e.preventDefault(); drop.classList.add("over"); });
  }
  for (const name of ["dragleave", "drop"]) {
    drop.addEventListener(name, () => drop.classList.remove("over"));
  }
  drop.addEventListener("drop", (e) => {
    e.preventDefault();
    if (e.dataTransfer && e.dataTransfer.files.length) input.files = e.dataTransfer.files;
  });
  form.addEventListener("submit", () => {
    button.disabled = true;
    button.textContent = form.dataset.checking;
  });
});
