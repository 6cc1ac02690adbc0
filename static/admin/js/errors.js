// A refused save or workflow step answers with the page again, scrolled to the top, where
// the message may sit below the fold (the story's slip and timeline come first): bring the
// first error into view and give it focus, so it is seen and read out.
document.addEventListener("DOMContentLoaded", () => {
  const error = document.querySelector(".errornote, .messagelist .error");
  if (error) {
    error.setAttribute("tabindex", "-1");
    error.scrollIntoView({ block: "center" });
    error.focus({ preventScroll: true });
  }
});
