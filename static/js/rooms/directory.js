// The voice-room directory: "Open a room" creates the room through the API and goes to it;
// when the server refuses (a missing topic, a bad language), the page says why.
const csrf = document.cookie.match(/csrftoken=([^;]+)/)?.[1] ?? "";
const form = document.getElementById("new-room");
const error = document.getElementById("new-room-error");
if (form) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.hidden = true;
    let response;
    try {
      response = await fetch("/api/v1/rooms/", {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
        body: JSON.stringify({ topic: form.topic.value, language: form.language.value }),
      });
    } catch {
      response = null;
    }
    if (response?.ok) {
      location.href = `/rooms/${(await response.json()).id}/`;
      return;
    }
    const body = response ? await response.json().catch(() => ({})) : {};
    const fields = Object.values(body.fields ?? {}).flat().join(" ");
    error.textContent = `${form.dataset.failed} ${fields || body.message || body.detail || ""}`.trim();
    error.hidden = false;
  });
}
