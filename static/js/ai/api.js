// Shared by the translate page and the grammar checker: JSON calls to /api/v1 with the
// session's CSRF token, and the API's one error shape turned into a readable message.
const csrf = () => document.querySelector("[name=csrfmiddlewaretoken]")?.value ?? "";

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.message ?? `Request failed (${status})`);
    this.status = status;
    this.code = body?.code;
    this.fields = body?.fields;
  }
}

export async function api(path, { method = "GET", json, form, signal, headers: extra = {} } = {}) {
  const headers = { "X-CSRFToken": csrf(), Accept: "application/json", ...extra };
  let body;
  if (json !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(json);
  } else if (form) {
    body = form;
  }
  const response = await fetch(`/api/v1/${path}`, { method, headers, body, signal, credentials: "same-origin" });
  const data = response.status === 204 ? null : await response.json().catch(() => null);
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

export function explain(error) {
  if (!(error instanceof ApiError)) return "Network problem: check your connection.";
  if (error.fields) return Object.values(error.fields).flat().join(" ");
  if (error.code === "insufficient_credits") return `${error.message} (Nothing was charged.)`;
  return error.message;
}
