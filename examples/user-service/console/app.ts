// The UserService web console: a page of the server's own origin that calls it with @tsgrpc/grpc/web, over gRPC-Web or
// Connect as chosen in the page (transport-choice.ts).
import { BadRequest, type CallOptions, createClient, findDetail, GrpcError, Health, ServingStatus, Status } from "@tsgrpc/grpc/web";
import { UserService, UserStatus, type User } from "../src/gen/user_service_pb.js";
import { transportChoice } from "./transport-choice.js";

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const transport = transportChoice($<HTMLSelectElement>("transport"), reconnect);
const users = createClient(UserService, transport);
const health = createClient(Health, transport);
const messageOf = (e: unknown) => (e instanceof GrpcError ? `${Status[e.code]}: ${e.rawMessage}` : String(e));
const RETRY_MS = 2000;

/** Each call's options: the token typed in the page (servers run with --auth want one), and for unary calls a deadline. */
function callOptions(kind: "unary" | "stream", signal?: AbortSignal): CallOptions {
  const token = $<HTMLInputElement>("token").value.trim();
  return { metadata: token ? { authorization: `Bearer ${token}` } : undefined, timeout: kind === "unary" ? 10_000 : undefined, signal };
}
const LIVE_ITEMS = 100;

// ---- Health: Health.Watch on the whole server, re-watched after a failure, and at once when reconnect() cancels it.
let healthWatch = new AbortController();
async function watchHealth(): Promise<void> {
  const shown = $("health");
  const show = (status: string) => {
    shown.dataset.status = status;
    shown.textContent = status.replace("_", " ").toLowerCase();
  };
  for (;;) {
    const { signal } = healthWatch;
    try {
      for await (const { status } of health.watch({ service: "" }, { signal })) show(ServingStatus[status] ?? "UNKNOWN");
      show("UNREACHABLE");
    } catch {
      if (!signal.aborted) show("UNREACHABLE");
    }
    if (!signal.aborted) await new Promise((r) => setTimeout(r, RETRY_MS));
  }
}

// ---- The user list: ListUsers pages; the page tokens of the pages before this one make "Previous" possible.
const page = { token: "", earlier: [] as string[], next: "", rows: 0 };

function cell(row: HTMLTableRowElement, text: string) {
  row.insertCell().textContent = text;
}

async function showPage(token: string): Promise<void> {
  const size = Number($<HTMLSelectElement>("page-size").value);
  const error = $("list-error");
  try {
    const res = await users.listUsers({ pageSize: size, pageToken: token }, callOptions("unary"));
    const body = $<HTMLTableElement>("users").tBodies[0]!;
    body.replaceChildren();
    for (const u of res.users) {
      const row = body.insertRow();
      row.dataset.id = String(u.id);
      cell(row, String(u.id));
      cell(row, u.username);
      cell(row, u.email);
      cell(row, u.roles.join(", "));
      cell(row, UserStatus[u.status] ?? String(u.status));
    }
    page.token = token;
    page.next = res.nextPageToken;
    page.rows = res.users.length;
    const number = page.earlier.length + 1;
    $("page-caption").textContent = res.users.length
      ? `Page ${number}: users ${res.users[0]!.id} to ${res.users[res.users.length - 1]!.id}${page.next ? "" : " (last page)"}`
      : `Page ${number}: no users`;
    $<HTMLButtonElement>("prev").disabled = page.earlier.length === 0;
    $<HTMLButtonElement>("next").disabled = page.next === "";
    error.hidden = true;
  } catch (e) {
    error.textContent = `Could not list users: ${messageOf(e)}`;
    error.hidden = false;
  }
}

$("next").addEventListener("click", () => {
  page.earlier.push(page.token);
  void showPage(page.next);
});
$("prev").addEventListener("click", () => void showPage(page.earlier.pop() ?? ""));
$("page-size").addEventListener("change", () => {
  page.earlier = [];
  void showPage("");
});

/** A new user belongs on the page shown when that is the last page: show it again. */
let refresh: ReturnType<typeof setTimeout> | undefined;
function userCreated(): void {
  if (page.next !== "" || refresh !== undefined) return;
  refresh = setTimeout(() => {
    refresh = undefined;
    void showPage(page.token);
  }, 100);
}

// ---- The create form: the server validates; its BadRequest field violations are shown at their fields.
const form = $<HTMLFormElement>("create");
const fields = ["username", "email"] as const;

function showViolation(field: string, description: string): boolean {
  const input = document.getElementById(field) as HTMLInputElement | null;
  const message = document.getElementById(`${field}-error`);
  if (!input || !message) return false;
  input.setAttribute("aria-invalid", "true");
  message.textContent = `${input.labels?.[0]?.textContent ?? field} ${description}`;
  message.hidden = false;
  return true;
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const result = $("create-result");
  for (const field of fields) {
    $(field).removeAttribute("aria-invalid");
    $(`${field}-error`).hidden = true;
  }
  result.textContent = "Creating…";
  result.setAttribute("role", "status");
  const value = (field: (typeof fields)[number]) => $<HTMLInputElement>(field).value.trim();
  try {
    const { user } = await users.createUser({ username: value("username"), email: value("email") }, callOptions("unary"));
    result.textContent = `Created user ${user!.id}: ${user!.username}`;
    form.reset();
  } catch (e) {
    const badRequest = e instanceof GrpcError ? findDetail(e, BadRequest) : undefined;
    const unplaced = (badRequest?.fieldViolations ?? []).filter((v) => !showViolation(v.field, v.description));
    result.setAttribute("role", "alert");
    result.textContent = badRequest && unplaced.length === 0 ? "Please correct the fields above." : `Not created: ${messageOf(e)}`;
    form.querySelector<HTMLInputElement>("[aria-invalid=true]")?.focus();
  }
});

// ---- Live: WatchUsers sends the users there are, then each user as it is created, until it is stopped.
let watching: AbortController | undefined;

function addLive(user: User): void {
  const list = $("live");
  const item = document.createElement("li");
  item.value = user.id;
  item.dataset.id = String(user.id);
  item.textContent = `${user.username} <${user.email}> ${user.roles.join(", ")}`;
  list.prepend(item);
  while (list.childElementCount > LIVE_ITEMS) list.lastElementChild!.remove();
}

async function watch(): Promise<void> {
  const control = new AbortController();
  watching = control;
  const state = $("watch-state");
  const toggle = $("watch-toggle");
  toggle.textContent = "Stop watching";
  $("live").replaceChildren();
  const roleFilter = $<HTMLInputElement>("role-filter").value.trim();
  state.textContent = "watching";
  try {
    for await (const user of users.watchUsers({ roleFilter }, callOptions("stream", control.signal))) {
      addLive(user);
      userCreated();
    }
    state.textContent = "the server ended the stream";
  } catch (e) {
    if (control.signal.aborted) return;
    state.textContent = `stopped: ${messageOf(e)}; watching again in ${RETRY_MS / 1000} s`;
    await new Promise((r) => setTimeout(r, RETRY_MS));
    if (watching === control) void watch();
  }
}

function stopWatching(): void {
  watching?.abort();
  watching = undefined;
  $("watch-state").textContent = "stopped";
  $("watch-toggle").textContent = "Watch";
}

$("watch-toggle").addEventListener("click", () => (watching ? stopWatching() : void watch()));
$("role-filter").addEventListener("change", () => {
  stopWatching();
  void watch();
});

/** Another token or protocol: the streams open now are cancelled and made again, and the list is fetched again. */
function reconnect(): void {
  healthWatch.abort();
  healthWatch = new AbortController();
  stopWatching();
  void watch();
  void showPage(page.token);
}

$("auth").addEventListener("submit", (event) => event.preventDefault());
$("token").addEventListener("change", reconnect);

void watchHealth();
void showPage("");
void watch();
