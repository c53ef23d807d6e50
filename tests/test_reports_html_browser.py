"""The HTML report in a real browser (headless Chromium, no network).

Takes a screenshot, and drives the page over the DevTools protocol: a finding's
link scrolls the agreement text to its highlight, a highlight activates its card,
the severity filter hides findings, the page logs no console error (a blocked
load would be one, under the page's Content-Security-Policy), and the script in
a hostile document never runs.

Needs Debian's ``chromium`` (apt-get install chromium) and the ``websocket-client``
package; skips with a message when either is missing.
"""
from __future__ import annotations

import json
import os
import shutil
import struct
import subprocess
import time
from pathlib import Path

import pytest

from checker.reports import render
from test_reports_fixtures import evil_result, sample_result


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        path = shutil.which(name)
        if path:
            return path
    return "/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None


CHROMIUM = _chromium()
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="Chromium not found: install it (Debian: apt-get install -y chromium) to run the browser tests"
)


def _flags(profile: Path) -> list[str]:
    return [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-default-apps",
        "--disable-extensions",
        "--no-first-run",
        "--no-default-browser-check",
        f"--user-data-dir={profile}",
    ]


def _write(tmp_path: Path, name: str, results) -> Path:
    page = tmp_path / name
    page.write_text(render("html", results), encoding="utf-8")
    return page


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    return struct.unpack(">II", data[16:24])


def test_screenshot(tmp_path):
    page = _write(tmp_path, "report.html", [sample_result()])
    shot = tmp_path / "report.png"
    proc = subprocess.run(
        [CHROMIUM, *_flags(tmp_path / "profile"), f"--screenshot={shot}", "--window-size=1400,1000", page.as_uri()],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert shot.exists(), proc.stderr[-2000:]
    data = shot.read_bytes()
    assert len(data) > 10_000
    assert _png_size(data) == (1400, 1000)


class _DevTools:
    """A minimal DevTools-protocol client over one browser websocket (flattened sessions)."""

    def __init__(self, tmp_path: Path):
        websocket = pytest.importorskip("websocket", reason="websocket-client is needed to drive Chromium (pip install websocket-client)")
        profile = tmp_path / "cdp-profile"
        self.proc = subprocess.Popen(
            [CHROMIUM, *_flags(profile), "--remote-debugging-port=0", "--window-size=1400,1000", "about:blank"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if port_file.exists():
                lines = port_file.read_text().split("\n")
                if len(lines) >= 2 and lines[1]:
                    break
            if self.proc.poll() is not None:
                raise RuntimeError("Chromium exited before opening its DevTools port")
            time.sleep(0.05)
        else:
            self.close()
            raise RuntimeError("Chromium did not open its DevTools port in 15 s")
        port, path = lines[0].strip(), lines[1].strip()
        self.ws = websocket.create_connection(f"ws://127.0.0.1:{port}{path}", timeout=15, suppress_origin=True)
        self.next_id = 0
        self.events: list[dict] = []
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]

    def call(self, method: str, session: str | None = None, **params) -> dict:
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params}
        if session:
            msg["sessionId"] = session
        self.ws.send(json.dumps(msg))
        while True:
            reply = json.loads(self.ws.recv())
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def page(self, method: str, **params) -> dict:
        return self.call(method, self.session, **params)

    def wait_event(self, name: str, timeout: float = 15) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for i, ev in enumerate(self.events):
                if ev.get("method") == name:
                    return self.events.pop(i)
            self.events.append(json.loads(self.ws.recv()))
        raise TimeoutError(name)

    def js(self, expression: str):
        res = self.page("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in res:
            raise AssertionError(f"script failed: {res['exceptionDetails']}")
        return res["result"].get("value")

    def open(self, url: str) -> None:
        self.page("Page.navigate", url=url)
        self.wait_event("Page.loadEventFired")

    def problems(self) -> list[str]:
        out = []
        for ev in self.events:
            m, p = ev.get("method"), ev.get("params", {})
            if m == "Runtime.exceptionThrown":
                out.append(f"exception: {p['exceptionDetails'].get('text')}")
            elif m == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
                out.append(f"console.{p['type']}: {p.get('args')}")
            elif m == "Log.entryAdded" and p["entry"].get("level") == "error":
                out.append(f"log: {p['entry'].get('text')}")
            elif m == "Page.javascriptDialogOpening":
                out.append(f"dialog: {p.get('message')}")
        return out

    def close(self) -> None:
        try:
            self.ws.close()
        except Exception:
            pass
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


@pytest.fixture
def devtools(tmp_path):
    dt = _DevTools(tmp_path)
    try:
        for domain in ("Page", "Runtime", "Log"):
            dt.page(f"{domain}.enable")
        dt.page("Emulation.setDeviceMetricsOverride", width=1400, height=1000, deviceScaleFactor=1, mobile=False)
        yield dt
    finally:
        dt.close()


def test_links_scroll_to_highlights_without_console_errors(devtools, tmp_path):
    res = sample_result()
    page = _write(tmp_path, "report.html", [res])
    devtools.open(page.as_uri())
    assert devtools.js("document.documentElement.getAttribute('data-ready')") == "1"
    assert devtools.js("window.scrollY") == 0
    # the lock-up finding on line 62 is below the first screen
    num = 1 + sorted(res.findings, key=lambda f: (f.line, f.column, f.code)).index(next(f for f in res.findings if f.code == "LOCK003"))
    state = devtools.js(
        f"""(async () => {{
            document.querySelector('#card-{num} a.loc').click();
            await new Promise(r => setTimeout(r, 300));
            const m = document.getElementById('finding-{num}');
            const box = m.getBoundingClientRect();
            return {{y: window.scrollY, top: box.top, bottom: box.bottom, h: window.innerHeight,
                     hash: location.hash, active: m.classList.contains('active'), text: m.textContent}};
        }})()"""
    )
    assert state["hash"] == f"#finding-{num}"
    assert state["y"] > 0, state
    assert 0 <= state["top"] and state["bottom"] <= state["h"], state
    assert state["active"] and state["text"] == "60 days"
    # the other side of the inconsistency is linked and highlighted too
    state = devtools.js(
        f"""(async () => {{
            document.querySelector('#card-{num} ul.related a').click();
            await new Promise(r => setTimeout(r, 300));
            const m = document.getElementById('finding-{num}-r1');
            const box = m.getBoundingClientRect();
            return {{top: box.top, h: window.innerHeight, rel: m.classList.contains('rel'), text: m.textContent}};
        }})()"""
    )
    assert 0 <= state["top"] < state["h"] and state["rel"] and state["text"] == "ninety (90)", state
    # from the text back to the list: clicking a highlight activates its card
    first_blank = 1  # line 9, the first finding in document order
    state = devtools.js(
        f"""(async () => {{
            document.querySelector('#finding-{first_blank} a').click();
            await new Promise(r => setTimeout(r, 300));
            const c = document.getElementById('card-{first_blank}');
            return {{active: c.classList.contains('active'), hash: location.hash}};
        }})()"""
    )
    assert state == {"active": True, "hash": f"#card-{first_blank}"}
    # the severity filter hides error cards and un-highlights their text
    state = devtools.js(
        f"""(async () => {{
            document.querySelector('input[data-filter="sev"][value="error"]').click();
            await new Promise(r => setTimeout(r, 50));
            return {{hidden: document.getElementById('card-{num}').hidden,
                     off: document.getElementById('finding-{num}').classList.contains('off'),
                     shown: document.querySelector('[data-role=shown-count]').textContent}};
        }})()"""
    )
    errors = sum(1 for f in res.findings if f.severity == "error" and not f.suppressed)
    visible = sum(1 for f in res.findings if not f.suppressed)
    assert state == {"hidden": True, "off": True, "shown": str(visible - errors)}
    assert devtools.problems() == []


def test_document_script_never_runs(devtools, tmp_path):
    page = _write(tmp_path, "evil.html", [evil_result()])
    devtools.open(page.as_uri())
    time.sleep(0.2)
    assert devtools.js("document.scripts.length") == 1
    assert "<script>alert(1)</script>" in devtools.js("document.querySelector('.agreement').textContent")
    assert devtools.problems() == []
