"""Serve the portal until interrupted: python -m crawler.portal [--seeds DIR]."""

from __future__ import annotations

import argparse
import contextlib
import json
import signal
import threading
from pathlib import Path

from crawler.portal import Portal


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=Path, help="write seed files for the sites here")
    args = parser.parse_args()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with Portal() as portal:
        if args.seeds:
            portal.write_seeds(args.seeds)
        print(json.dumps({k: portal.listing_url(k) for k in portal.sites}), flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            stop.wait()


if __name__ == "__main__":
    main()
