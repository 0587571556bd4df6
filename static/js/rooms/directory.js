// The voice-room directory: "Open a room" creates the room through the API and goes to it.
const csrf = document.cookie.match(/csrftoken=([^;]+)/)?.[1] ?? "";
const form = document.getElementById("new-room");
if (form) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const response = await fetch("/api/v1/rooms/", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify({ topic: form.topic.value, language: form.language.value }),
    });
    if (response.ok) location.href = `/rooms/${(await response.json()).id}/`;
  });
}
