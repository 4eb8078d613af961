// The incident board fetches itself again every so often and swaps in the new table, so duty
// staff see new and overdue tasks without reloading; focus and scroll position stay put.
const board = document.getElementById("board");
if (board) {
  const seconds = Number(board.dataset.refreshSeconds) || 60;
  const refresh = async () => {
    try {
      const response = await fetch(window.location.href, { headers: { Accept: "text/html" } });
      if (!response.ok) return;
      const page = new DOMParser().parseFromString(await response.text(), "text/html");
      const fresh = page.getElementById("board");
      if (fresh) board.innerHTML = fresh.innerHTML;
    } catch (error) {
      const note = document.getElementById("board-refresh-note");
      if (note) note.textContent = "Could not refresh: check your connection. Trying again shortly.";
    }
  };
  window.setInterval(refresh, seconds * 1000);
}
