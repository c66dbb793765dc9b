// A button marked data-print prints the page. Bound here because the Content-Security-Policy refuses inline
// handlers (onclick=…).
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-print]")) window.print();
});
