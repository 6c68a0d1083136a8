"""`mediate serve` in a real browser: headless Chromium, driven over the DevTools protocol.

Two visitors at once each type a name, play a move, come back and see their own saved game under
"Saved games", never the other's. What each visitor sees is read from the terminal output the
page receives over its WebSocket (the page draws it on a canvas).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import itertools
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import websockets  # the test extras install it (and textual-serve)

from sim.scenario import saves
from tests.conftest import ROOT

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

WAIT = 90.0
"""Seconds any one step may take: the app starts a Python process per visitor on a busy machine."""
ANSI = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[PX^_][^\x1b]*\x1b\\|[@-Z\\-_])")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"the server exited: {proc.stderr.read() if proc.stderr else ''}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"{url} never answered")


class Browser:
    """A minimal DevTools client: one WebSocket to the browser, one flattened session per page."""

    def __init__(self, ws) -> None:
        self.ws = ws
        self.ids = itertools.count(1)
        self.pending: dict[int, asyncio.Future] = {}
        self.screens: dict[str, str] = {}
        """Per page session: every character of terminal output it received, escapes removed."""
        self.reader = asyncio.create_task(self.read())

    async def read(self) -> None:
        async for raw in self.ws:
            msg = json.loads(raw)
            if "id" in msg and msg["id"] in self.pending:
                self.pending.pop(msg["id"]).set_result(msg)
            elif msg.get("method") == "Network.webSocketFrameReceived":
                frame = msg["params"]["response"]
                data = frame["payloadData"]
                text = base64.b64decode(data).decode("utf-8", "ignore") if frame.get("opcode") == 2 else data
                sid = msg.get("sessionId", "")
                self.screens[sid] = self.screens.get(sid, "") + ANSI.sub("", text)

    async def call(self, method: str, session: str | None = None, **params) -> dict:
        n = next(self.ids)
        fut = asyncio.get_running_loop().create_future()
        self.pending[n] = fut
        msg: dict = {"id": n, "method": method, "params": params}
        if session:
            msg["sessionId"] = session
        await self.ws.send(json.dumps(msg))
        reply = await asyncio.wait_for(fut, WAIT)
        assert "error" not in reply, f"{method}: {reply['error']}"
        return reply.get("result", {})

    async def page(self) -> str:
        target = (await self.call("Target.createTarget", url="about:blank"))["targetId"]
        session = (await self.call("Target.attachToTarget", targetId=target, flatten=True))["sessionId"]
        await self.call("Network.enable", session)
        await self.call("Page.enable", session)
        return session

    async def open(self, session: str, url: str) -> None:
        self.screens[session] = ""
        await self.call("Page.navigate", session, url=url)

    async def seen(self, session: str, text: str) -> None:
        """Wait until the page has been sent ``text`` (since it was last opened)."""
        deadline = time.monotonic() + WAIT
        while text not in self.screens.get(session, ""):
            assert time.monotonic() < deadline, f"never saw {text!r}; got …{self.screens.get(session, '')[-600:]!r}"
            await asyncio.sleep(0.2)

    async def type(self, session: str, text: str) -> None:
        # Keys go where a student's would: the terminal's own text box in the page.
        await self.call("Runtime.evaluate", session, expression="document.querySelector('textarea').focus()")
        await self.call("Input.insertText", session, text=text)

    async def key(self, session: str, key: str) -> None:
        codes = {"Enter": (13, "\r"), "w": (87, "w"), "q": (81, "q")}
        code, text = codes[key]
        await self.call("Runtime.evaluate", session, expression="document.querySelector('textarea').focus()")
        for kind in ("keyDown", "keyUp"):
            await self.call("Input.dispatchKeyEvent", session, type=kind, key=key, code=f"Key{key.upper()}"
                            if len(key) == 1 else key, windowsVirtualKeyCode=code, **({"text": text}
                                                                                    if kind == "keyDown" else {}))


async def visit(b: Browser, page: str, url: str, name: str) -> None:
    """Type a name, start a game, wait one round, quit (which saves)."""
    await b.open(page, url)
    await b.seen(page, "choose a scenario")
    await b.seen(page, "type your name")
    await b.type(page, name)
    await b.seen(page, name)
    await b.key(page, "Enter")  # start → the briefing
    await b.seen(page, "Begin negotiation")
    await b.key(page, "Enter")  # begin
    await b.seen(page, "News wire")
    await b.key(page, "w")
    await b.seen(page, "waits")
    await b.key(page, "q")


async def come_back(b: Browser, page: str, url: str, name: str) -> str:
    """Open the page again, type the name: what the picker shows."""
    await b.open(page, url)
    await b.seen(page, "type your name")
    await b.type(page, name)
    await b.seen(page, "1 action(s)")
    return b.screens[page]


async def classroom(url: str, profile: Path) -> tuple[str, str]:
    # The browser test never skips: without Debian's chromium it fails, saying how to get it.
    assert CHROMIUM is not None, "this test drives Debian's headless Chromium: apt-get install -y chromium"
    chrome = subprocess.Popen([CHROMIUM, "--headless=new", "--no-sandbox", "--disable-gpu",
                               "--disable-dev-shm-usage", "--remote-debugging-port=0", f"--user-data-dir={profile}",
                               "--window-size=1280,900", "about:blank"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        endpoint = ""
        deadline = time.monotonic() + WAIT
        while not endpoint:
            assert time.monotonic() < deadline and chrome.stderr is not None, "chromium never opened DevTools"
            line = chrome.stderr.readline()
            found = re.search(r"DevTools listening on (ws://\S+)", line)
            endpoint = found.group(1) if found else ""
        async with websockets.connect(endpoint, max_size=None, ping_interval=None) as ws:  # no pings: busy is not gone
            b = Browser(ws)
            alice, bruno = await b.page(), await b.page()
            await asyncio.gather(visit(b, alice, url, "Alice"), visit(b, bruno, url, "Bruno"))
            await asyncio.sleep(2)  # let both processes write their saves as they quit
            return await asyncio.gather(come_back(b, alice, url, "Alice"), come_back(b, bruno, url, "Bruno"))
    finally:
        chrome.terminate()
        try:
            chrome.wait(10)
        except subprocess.TimeoutExpired:
            chrome.kill()


@contextlib.contextmanager
def served(class_dir: Path, port: int, host: str = "127.0.0.1"):
    """``mediate serve`` for the class folder, stopped afterwards; yields the process (its stdout is piped)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("MEDIATE_DATA_DIR", None)  # the class folder decides, as for a real class
    server = subprocess.Popen([sys.executable, "-m", "sim.cli", "serve", "--class-dir", str(class_dir),
                               "--port", str(port), "--host", host],
                              cwd=class_dir.parent, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, start_new_session=True)
    try:
        wait_http(f"http://127.0.0.1:{port}/", server)
        yield server
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()


def test_on_every_interface_each_page_names_the_address_its_visitor_typed(tmp_path):
    port = free_port()
    with served(tmp_path / "class", port, host="0.0.0.0") as server:
        # A student reaches the teacher's machine by some address of its own: the page must send
        # its browser back there, never to 0.0.0.0 (which, on the student's machine, is itself).
        request = urllib.request.Request(f"http://127.0.0.1:{port}/", headers={"Host": f"127.0.0.2:{port}"})
        with urllib.request.urlopen(request, timeout=WAIT) as r:
            page = r.read().decode("utf-8")
        server.terminate()
        said = " ".join(server.communicate(timeout=30))
    assert f'data-session-websocket-url="ws://127.0.0.2:{port}/ws"' in page
    assert f"http://127.0.0.2:{port}/static/js/textual.js" in page and "0.0.0.0" not in page
    assert f"on every interface, port {port}" in " ".join(said.split()) and "http://0.0.0.0" not in said


def test_two_browser_visitors_never_see_each_others_games(tmp_path):
    class_dir = tmp_path / "class"
    port = free_port()
    with served(class_dir, port):
        alice_sees, bruno_sees = asyncio.run(classroom(f"http://127.0.0.1:{port}/", tmp_path / "profile"))
    # Each saw their own saved game listed, and never the other's name.
    assert "Alice" in alice_sees and "Bruno" not in alice_sees
    assert "Bruno" in bruno_sees and "Alice" not in bruno_sees
    # Each game was saved in its player's own folder, under its player's name.
    for name in ("Alice", "Bruno"):
        [save] = (saves.player_folder(class_dir, name) / "saves").glob("*.json")
        data = json.loads(save.read_text(encoding="utf-8"))
        assert data["player"] == name and len(data["actions"]) == 1
