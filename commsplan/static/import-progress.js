// Risk profile import: with JavaScript the form uploads in the background and shows how far it
// has got, then how many rows the server is checking, then the server's own result page. Without
// JavaScript (or if anything here is missing) the form simply posts as usual.
import { initAll } from "./govuk-frontend.min.js";

const FORM_ID = "import-form";

// Data rows in a CSV file: line breaks outside quotes, less the header and any blank lines at the end.
const countRows = (text) => {
  let rows = 0;
  let quoted = false;
  let filled = false;
  for (const character of text) {
    if (character === '"') quoted = !quoted;
    if (!quoted && (character === "\n" || character === "\r")) {
      if (filled) rows += 1;
      filled = false;
    } else if (character !== "\n" && character !== "\r") {
      filled = true;
    }
  }
  return Math.max(rows + (filled ? 1 : 0) - 1, 0);
};

const plural = (count, noun) => `${count.toLocaleString("en-GB")} ${noun}${count === 1 ? "" : "s"}`;

const showResult = (response, responseUrl) => {
  const className = document.body.className;
  document.title = response.title;
  document.body.replaceWith(document.adoptNode(response.body));
  document.body.className = className;
  if (responseUrl && responseUrl !== window.location.href) {
    window.history.pushState({ imported: true }, "", responseUrl);
    window.addEventListener("popstate", () => window.location.reload(), { once: true });
  }
  initAll(); // the new page's own module script does not run, so start its components here
  if (!document.querySelector(".govuk-error-summary, .govuk-notification-banner")) {
    const heading = document.querySelector("h1");
    if (heading) {
      heading.setAttribute("tabindex", "-1");
      heading.focus();
    }
  }
};

const upload = async (form) => {
  const progress = document.getElementById("upload-progress");
  const bar = document.getElementById("upload-progress-bar");
  const status = document.getElementById("upload-progress-status");
  const button = form.querySelector("button[type=submit], input[type=submit]");
  const file = form.querySelector("input[type=file]").files[0];
  const say = (text) => { status.textContent = text; };
  const setBar = (percent) => { bar.style.width = `${percent}%`; };
  let announced = -1;

  button.disabled = true;
  progress.hidden = false;
  setBar(0);
  say(file ? `Uploading ${file.name}…` : "Sending…");
  // Counted before sending, so the count is ready the moment the upload ends.
  const rows = file && file.text ? await file.text().then(countRows, () => null) : null;
  const request = new XMLHttpRequest();
  request.open("POST", form.action || window.location.href);
  request.responseType = "document";
  request.upload.addEventListener("progress", (event) => {
    if (!event.lengthComputable) return say("Uploading…");
    const percent = Math.floor((event.loaded / event.total) * 100);
    setBar(percent);
    if (percent >= announced + 10 || percent === 100) {
      announced = percent;
      say(`Uploading: ${percent}%`);
    }
  });
  request.upload.addEventListener("load", () => {
    setBar(100);
    say(rows === null ? "Checking the rows…" : `Checking ${plural(rows, "row")}…`);
  });
  request.addEventListener("load", () => {
    if (request.response && request.response.body) return showResult(request.response, request.responseURL);
    form.submit(); // not a page we can show: let the browser post the form itself
  });
  request.addEventListener("error", () => {
    say("The upload did not finish: check your connection and try again. Nothing was imported.");
    button.disabled = false;
  });
  request.send(new FormData(form));
};

if (window.XMLHttpRequest && window.FormData) {
  // Listening on the document keeps working after a failed import swaps in a fresh form.
  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || form.id !== FORM_ID) return;
    if (!document.getElementById("upload-progress")) return;
    event.preventDefault();
    upload(form);
  });
}
