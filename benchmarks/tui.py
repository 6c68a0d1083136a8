"""TUI latency: how long a person waits between an action and its result on screen.

    python benchmarks/tui.py [--rounds N]

Drives the real app headless (Textual's Pilot) at 80×24 on the flagship. For each action
it times, inside the app, from the moment the key's action starts (the engine step, the
news wire, the panels, the autosave) until the screen has been refreshed with the result
(``call_after_refresh``). Opening the negotiation screen is timed from the key press until
the app is idle. Tab between the builder's issues is timed the same way, from the focus move
to the refreshed screen (the marks, the detail line, the footer's keys). The quality bar is
100 ms per action and 50 ms per Tab.

Beside the wall-clock time it prints the CPU time the process spent over the same span,
which other programs on a busy machine do not inflate: compare builds by that column.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

os.environ.setdefault("MEDIATE_DATA_DIR", tempfile.mkdtemp())  # never touch the real saves folder

from tui.app import MediateApp  # noqa: E402
from tui.screens.negotiation import NegotiationScreen  # noqa: E402

LABELS = ("open negotiation", "tab between issues", "propose", "consult", "hint", "wait")
TABS = 8
"""Tab presses timed per round (focus moves to the next issue in the builder)."""


async def measure(rounds: int) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    """(wall-clock times, CPU times) per action, in seconds."""
    times: dict[str, list[float]] = {label: [] for label in LABELS}
    cpu: dict[str, list[float]] = {label: [] for label in LABELS}
    current = {"label": ""}
    original_act = NegotiationScreen.act

    def timed_act(self, action):
        started, cpu_started = time.perf_counter(), time.process_time()
        label = current["label"]
        result = original_act(self, action)

        def done() -> None:
            times[label].append(time.perf_counter() - started)
            cpu[label].append(time.process_time() - cpu_started)

        self.call_after_refresh(done)
        return result

    def timed_focus_next(self, *args):
        started, cpu_started = time.perf_counter(), time.process_time()
        result = original_focus_next(self, *args)

        def done() -> None:
            times["tab between issues"].append(time.perf_counter() - started)
            cpu["tab between issues"].append(time.process_time() - cpu_started)

        self.call_after_refresh(done)
        return result

    NegotiationScreen.act = timed_act  # type: ignore[method-assign]
    original_focus_next = MediateApp.action_focus_next
    MediateApp.action_focus_next = timed_focus_next  # type: ignore[method-assign]
    app = MediateApp(None, 0, None)
    app.animation_level = "none"
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        await pilot.pause()  # the briefing is fully shown: time only the negotiation screen's opening
        t, c = time.perf_counter(), time.process_time()
        await pilot.press("enter")
        await pilot.pause()
        times["open negotiation"].append(time.perf_counter() - t)
        cpu["open negotiation"].append(time.process_time() - c)
        for _ in range(rounds):
            if app.screen.id != "negotiation":
                break
            app.screen.query_one("#builder .issue-select").focus()
            await pilot.pause()
            for _tab in range(TABS):
                await pilot.press("tab")
                await pilot.pause()
            for label, keys in (("hint", ["h"]), ("consult", ["c", "enter"]), ("propose", ["p"]), ("wait", ["w"])):
                if app.screen.id != "negotiation":
                    break
                current["label"] = label
                await pilot.press(*keys)
                await pilot.pause()
                app.clear_notifications()
    NegotiationScreen.act = original_act  # type: ignore[method-assign]
    MediateApp.action_focus_next = original_focus_next  # type: ignore[method-assign]
    return times, cpu


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    times, cpu = asyncio.run(measure(args.rounds))
    print(f"mediate TUI latency at 80×24 (action → screen refreshed), {args.rounds} rounds")
    print(f"{'action':<20} {'median':>8} {'max':>8} {'cpu med':>8}  n")
    for label, xs in times.items():
        if xs:
            print(f"{label:<20} {statistics.median(xs) * 1000:>5.0f} ms {max(xs) * 1000:>5.0f} ms "
                  f"{statistics.median(cpu[label]) * 1000:>5.0f} ms  {len(xs)}")


if __name__ == "__main__":
    main()
