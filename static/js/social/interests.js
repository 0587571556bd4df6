// The interests page: as the person types, suggest topics for the word being typed (from
// /api/v1/social/interests/suggestions/), and a suggestion pressed is added to the field
// instead of posting the form. Without JavaScript the suggestions are submit buttons that
// add the topic on the server.

function setup(form) {
  const input = form.querySelector("[data-interests-input]");
  const list = form.querySelector("[data-interests-suggestions]");
  const url = form.dataset.suggestUrl;
  if (!input || !list || !url) return;
  let timer = null;
  let asked = 0;

  const words = () => input.value.split(/[\s,]+/).filter(Boolean);
  const typing = () => (/[\s,]$/.test(input.value) ? "" : words().at(-1) || "");

  const render = (results) => {
    const template = list.querySelector("button[data-tag]");
    list.replaceChildren(
      ...results.map((item) => {
        const li = document.createElement("li");
        const button = document.createElement("button");
        button.type = "submit";
        button.name = "add";
        button.value = item.tag;
        button.dataset.tag = item.tag;
        button.className = template?.className || "button-secondary";
        button.title = item.reason;
        const tag = document.createElement("span");
        tag.textContent = `#${item.tag}`;
        const reason = document.createElement("span");
        reason.className = template?.lastElementChild?.className || "meta";
        reason.textContent = item.reason;
        button.append(tag, reason);
        li.append(button);
        return li;
      }),
    );
  };

  const refresh = async () => {
    const typed = typing();
    const chosen = typed ? words().slice(0, -1) : words();
    const query = new URLSearchParams({ q: typed, chosen: chosen.join(",") });
    const mine = ++asked;
    try {
      const answer = await fetch(`${url}?${query}`, { headers: { Accept: "application/json" } });
      if (!answer.ok || mine !== asked) return;
      render((await answer.json()).results);
    } catch {
      // Offline: the suggestions shown stay.
    }
  };

  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(refresh, 200);
  });
  list.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-tag]");
    if (!button) return;
    event.preventDefault();
    const kept = typing() ? words().slice(0, -1) : words();
    input.value = `${[...kept, button.dataset.tag].join(" ")} `;
    input.focus();
    refresh();
  });
  form.dataset.ready = "true"; // typing now asks for suggestions (tests wait for this)
}

document.querySelectorAll("form[data-interests]").forEach(setup);
