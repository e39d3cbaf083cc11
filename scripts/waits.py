#!/usr/bin/env python3
"""Lists the Rust tests' waits by how near they came to their limits.

Run the tests with DECKHAND_TEST_WAITS=FILE (tests/support/wait.rs writes one line a wait),
ideally on a busy machine (a `cargo build` beside them), then:

    python3 scripts/waits.py FILE [--all]

Each place that waits is listed once, with its slowest wait against its limit. A wait's margin
is measured on the part a slow machine stretches: a fixed timer of the code under test (a retry
delay) is taken off both the time waited and the limit. Those that took more than half their
limit (a wait "within 2x of its limit", issue 15) are marked NEAR, and the exit code is 1 if
there is any. A wait that timed out in a passing run is a check that something does not happen
(e.g. no duplicate email within 0.7 s): it is listed apart, as it always uses its whole limit.
"""

import sys
from collections import defaultdict


def main() -> int:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    if len(args) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    # place -> (ratio, waited ms, limit ms, fixed ms)
    slowest: dict[str, tuple[float, int, int, int]] = {}
    negative: set[str] = set()
    count: dict[str, int] = defaultdict(int)
    with open(args[0], encoding="utf-8") as report:
        for line in report:
            place, waited, limit, fixed, outcome = line.rstrip("\n").split("\t")
            waited, limit, fixed = int(waited), int(limit), int(fixed)
            count[place] += 1
            if outcome != "held":
                negative.add(place)
                continue
            ratio = max(0, waited - fixed) / max(1, limit - fixed)
            if place not in slowest or ratio > slowest[place][0]:
                slowest[place] = (ratio, waited, limit, fixed)
    near = 0
    for place, (ratio, waited, limit, fixed) in sorted(slowest.items(), key=lambda i: i[1][0], reverse=True):
        if ratio > 0.5:
            near += 1
        elif "--all" not in sys.argv:
            continue
        mark = "NEAR" if ratio > 0.5 else "    "
        timer = f" (of which a fixed {fixed / 1000:.0f} s timer)" if fixed else ""
        print(f"{mark} {ratio:5.0%}  {waited / 1000:7.2f} s of {limit / 1000:6.1f} s{timer}  "
              f"{place} ({count[place]} waits)")
    for place in sorted(negative - slowest.keys()):
        print(f"      checks that something does not happen: {place} ({count[place]} waits)")
    print(f"{len(slowest.keys() | negative)} places waited {sum(count.values())} times; "
          f"{near} took more than half their limit.")
    return 1 if near else 0


if __name__ == "__main__":
    sys.exit(main())
