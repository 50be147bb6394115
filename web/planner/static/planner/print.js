// The printable page's print button (kept out of inline handlers so a strict CSP holds).
document.getElementById("print-button")?.addEventListener("click", () => window.print());
