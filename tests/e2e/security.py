"""Security in the real window: the page can call Deckhand's own commands and nothing else, and
the CSP stops remote requests, remote scripts, inline scripts and eval.

A plain HTTP server on loopback stands in for "a remote host" (it is not the app's origin, and
unlike example.com it is reachable from this machine, so a request that was not blocked would
arrive there and be counted).
"""

import http.server
import json
import sys
import threading
import urllib.request

from harness import Desktop, temp_db

# Commands outside the allow-list: plugins' commands (registered in Rust, not granted to the
# page), core commands that are not granted, and a name nobody registered.
DENIED = [
    ("plugin:opener|open_url", {"url": "https://example.com"}),
    ("plugin:opener|open_path", {"path": "/etc/passwd"}),
    ("plugin:dialog|open", {"options": {}}),
    ("plugin:dialog|message", {"message": "hi"}),
    ("plugin:fs|read_file", {"path": "/etc/passwd"}),
    ("plugin:shell|execute", {"program": "sh", "args": ["-c", "id"]}),
    ("plugin:http|fetch", {"clientConfig": {"url": "http://example.com", "method": "GET"}}),
    ("plugin:autostart|enable", {}),
    ("plugin:window-state|save_window_state", {"flags": 0}),
    ("plugin:app|version", {}),
    ("plugin:app|app_hide", {}),
    ("plugin:path|resolve_directory", {"directory": 1}),
    ("plugin:window|close", {"label": "main"}),
    ("plugin:webview|create_webview_window", {"options": {"label": "evil", "url": "https://example.com"}}),
    ("plugin:event|emit", {"event": "deckhand://engine", "payload": {}}),
    ("plugin:tray|new", {"options": {}}),
    ("read_any_file", {"path": "/etc/passwd"}),
]
ALLOWED = [("get_dashboard", {}), ("get_settings", {})]

INVOKE = """
const [cmd, args, done] = arguments;
window.__TAURI_INTERNALS__.invoke(cmd, args).then(
  (value) => done({ ok: true, value: JSON.stringify(value) }),
  (error) => done({ ok: false, error: typeof error === "string" ? error : JSON.stringify(error) ?? String(error) }),
);
"""

# Each attempt runs in the page; `securitypolicyviolation` events are collected as evidence.
CSP_PROBES = """
const [base, done] = arguments;
const violations = [];
document.addEventListener("securitypolicyviolation", (e) =>
  violations.push(`${e.violatedDirective} ${e.blockedURI}`));
const result = {};
const settle = (p) => Promise.race([p, new Promise((r) => setTimeout(() => r("no answer within 5 s"), 5000))]);
(async () => {
  for (const [name, url] of [["fetchRemote", "http://example.com/"], ["fetchLoopback", `${base}/fetch`]]) {
    result[name] = await settle(fetch(url).then((r) => `fetched ${r.status}`, (e) => `refused: ${e}`));
  }
  result.xhr = await settle(new Promise((resolve) => {
    const x = new XMLHttpRequest();
    x.onload = () => resolve(`loaded ${x.status}`);
    x.onerror = () => resolve("refused");
    try { x.open("GET", `${base}/xhr`); x.send(); } catch (e) { resolve(`refused: ${e}`); }
  }));
  result.script = await settle(new Promise((resolve) => {
    const s = document.createElement("script");
    s.src = `${base}/script.js`;
    s.onload = () => resolve(`loaded; ran: ${window.__remoteScriptRan === true}`);
    s.onerror = () => resolve("refused");
    document.head.appendChild(s);
  }));
  result.inlineScript = await settle(new Promise((resolve) => {
    const s = document.createElement("script");
    s.textContent = "window.__inlineScriptRan = true;";
    document.head.appendChild(s);
    setTimeout(() => resolve(window.__inlineScriptRan === true ? "ran" : "refused"), 300);
  }));
  try { result.eval = `ran: ${eval("6 * 7")}`; } catch (e) { result.eval = `refused: ${e}`; }
  try { result.newFunction = `ran: ${new Function("return 6 * 7")()}`; } catch (e) { result.newFunction = `refused: ${e}`; }
  result.image = await settle(new Promise((resolve) => {
    const img = new Image();
    img.onload = () => resolve("loaded");
    img.onerror = () => resolve("refused");
    img.src = `${base}/image.png`;
  }));
  result.frame = await settle(new Promise((resolve) => {
    const f = document.createElement("iframe");
    f.src = `${base}/frame.html`;
    document.body.appendChild(f);
    setTimeout(() => resolve("tried"), 500);
  }));
  await new Promise((r) => setTimeout(r, 300)); // violation events are dispatched async
  result.violations = violations;
  done(result);
})();
"""


class Recorder(http.server.BaseHTTPRequestHandler):
    """Answers everything (with CORS open, so only the CSP can stop a read) and notes each
    request."""

    requests: list[str] = []

    def do_GET(self):
        Recorder.requests.append(self.path)
        body = b"window.__remoteScriptRan = true;" if self.path.endswith(".js") else b"ok"
        self.send_response(200)
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Content-Type", "application/javascript" if self.path.endswith(".js") else "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def main() -> int:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    # The stand-in host answers when asked outside the window: a refusal below is the CSP's.
    assert urllib.request.urlopen(f"{base}/check", timeout=5).read() == b"ok"
    Recorder.requests.clear()

    failures = []
    with Desktop(temp_db()) as desktop:
        driver = desktop.launch()
        desktop.wait_for_text("Robot")  # the dashboard loaded: the page's own calls work
        driver.set_script_timeout(30)
        assert driver.execute_script("return typeof window.__TAURI_INTERNALS__?.invoke") == "function"

        for cmd, args in ALLOWED:
            answer = driver.execute_async_script(INVOKE, cmd, args)
            if not answer["ok"]:
                failures.append(f"allowed command {cmd} was refused: {answer['error']}")
        for cmd, args in DENIED:
            answer = driver.execute_async_script(INVOKE, cmd, args)
            if answer["ok"]:
                failures.append(f"{cmd} is reachable from the page (answered {answer['value'][:200]})")
            elif not any(word in answer["error"] for word in ("not allowed", "not found")):
                failures.append(f"{cmd} failed, but not for lack of permission: {answer['error']}")
            else:
                print(f"  refused  {cmd}: {answer['error'][:110]}")

        probes = driver.execute_async_script(CSP_PROBES, base)
        desktop.screenshot("security")
    server.shutdown()

    print("  CSP:", json.dumps(probes, indent=2))
    for name in ("fetchRemote", "fetchLoopback", "xhr", "script", "image"):
        if not str(probes[name]).startswith("refused"):
            failures.append(f"{name}: {probes[name]}")
    for name in ("inlineScript", "eval", "newFunction"):
        if probes[name] != "refused" and not str(probes[name]).startswith("refused"):
            failures.append(f"{name}: {probes[name]}")
    if Recorder.requests:
        failures.append(f"requests reached the outside host: {Recorder.requests}")
    directives = " ".join(probes["violations"])
    for directive in ("connect-src", "script-src"):
        if directive not in directives:
            failures.append(f"no CSP violation reported for {directive}: {probes['violations']}")

    if failures:
        print("security: FAILED\n  " + "\n  ".join(failures))
        return 1
    print(f"security: ok — {len(DENIED)} commands outside the allow-list refused, "
          f"{len(ALLOWED)} allowed ones answered; remote fetch, XHR, script, image, frame, inline script and eval blocked by the CSP")
    return 0


if __name__ == "__main__":
    sys.exit(main())
