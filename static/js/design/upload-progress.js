// Upload progress for the site's file uploads (docs/design.md "Upload progress").
//
// * Forms: give a multipart <form> `data-upload-progress`. Its submit is sent with
//   XMLHttpRequest so the browser reports the bytes sent; a <progress> bar (with a live
//   percentage for screen readers) shows under the form. When the server answers with a
//   redirect the page follows it; any other answer (a form with errors) replaces the page,
//   as a normal submit would. Without JavaScript the form posts as usual.
// * Scripts: `uploadWithProgress(url, formData, { headers, bar })` resolves to
//   { status, ok, json() } and drives a bar made by `progressBar(container, label)`.
//
// The bar is a <progress> (role progressbar) whose aria-valuenow follows the bytes sent; its
// wrapper's data-state says "uploading", "done" or "failed".
//
// CSP-clean: no inline code, the bar's width is the <progress> element's own value.

export function progressBar(container, label) {
  const wrapper = document.createElement("div");
  wrapper.className = "upload-progress";
  wrapper.dataset.testid = "upload-progress";
  wrapper.dataset.state = "uploading";
  const text = document.createElement("span");
  text.className = "upload-progress-label";
  text.setAttribute("aria-live", "polite");
  text.textContent = label;
  const bar = document.createElement("progress");
  bar.max = 100;
  bar.value = 0;
  bar.setAttribute("aria-label", label);
  bar.setAttribute("aria-valuemin", "0");
  bar.setAttribute("aria-valuemax", "100");
  bar.setAttribute("aria-valuenow", "0");
  wrapper.append(bar, text);
  container.append(wrapper);
  let lastAnnounced = -1;
  return {
    element: wrapper,
    set(percent) {
      const rounded = Math.max(0, Math.min(100, Math.round(percent)));
      bar.value = rounded;
      bar.setAttribute("aria-valuenow", String(rounded));
      // Announce in steps of 10 % so a screen reader is not flooded.
      if (rounded === 100 || rounded - lastAnnounced >= 10) {
        lastAnnounced = rounded;
        text.textContent = `${label} ${rounded} %`;
      }
    },
    done(message) {
      bar.value = 100;
      bar.setAttribute("aria-valuenow", "100");
      wrapper.dataset.state = "done";
      text.textContent = message;
    },
    fail(message) {
      wrapper.dataset.state = "failed";
      text.textContent = message;
    },
    remove() {
      wrapper.remove();
    },
  };
}

export function uploadWithProgress(url, body, { method = "POST", headers = {}, bar = null } = {}) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(method, url);
    xhr.withCredentials = true;
    for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value);
    xhr.upload.addEventListener("progress", (event) => {
      if (bar && event.lengthComputable) bar.set((event.loaded / event.total) * 100);
    });
    // Every byte is sent: the server is still answering, but the upload itself is complete.
    xhr.upload.addEventListener("load", () => bar?.set(100));
    xhr.addEventListener("load", () =>
      resolve({
        status: xhr.status,
        ok: xhr.status >= 200 && xhr.status < 300,
        url: xhr.responseURL,
        text: xhr.responseText,
        json: () => Promise.resolve().then(() => JSON.parse(xhr.responseText || "{}")),
      }),
    );
    xhr.addEventListener("error", () => reject(new Error("network")));
    xhr.addEventListener("abort", () => reject(new Error("aborted")));
    xhr.send(body);
  });
}

// Where a form posts. Not `form.action`: a field named "action" (the materials library has
// one) shadows that property, and the upload went to ".../[object HTMLInputElement]".
export function actionOf(form) {
  return new URL(form.getAttribute("action") || window.location.href, window.location.href).href;
}

function bindForm(form) {
  form.addEventListener("submit", async (event) => {
    if (!form.querySelector('input[type="file"]')?.files?.length) return; // nothing to show
    event.preventDefault();
    const submitter = event.submitter;
    const data = new FormData(form);
    if (submitter?.name) data.append(submitter.name, submitter.value);
    for (const button of form.querySelectorAll("button, input[type=submit]")) button.disabled = true;
    const bar = progressBar(form, form.dataset.uploadLabel || "Uploading…");
    try {
      const answer = await uploadWithProgress(actionOf(form), data, { bar });
      bar.done(form.dataset.uploadDone || "Uploaded.");
      const target = new URL(answer.url || window.location.href, window.location.href);
      const posted = new URL(actionOf(form));
      if (answer.ok && target.href !== posted.href) {
        // The request already followed the redirect after a successful upload, and that page
        // carries the one-time "saved" message: show it at its own address, don't load it again.
        window.history.replaceState(null, "", target.href);
      }
      // The page the upload answered with: the next page, or the form again with its errors.
      document.open();
      document.write(answer.text);
      document.close();
    } catch {
      bar.fail(form.dataset.uploadFailed || "The upload failed. Check your connection and try again.");
      for (const button of form.querySelectorAll("button, input[type=submit]")) button.disabled = false;
    }
  });
}

function bindAll(root = document) {
  for (const form of root.querySelectorAll("form[data-upload-progress]")) {
    if (form.dataset.uploadBound) continue;
    form.dataset.uploadBound = "1";
    bindForm(form);
  }
}

bindAll();
