"""An SMS backend that hangs mid-send, for killing a worker at exactly that moment."""

import os
import time
from pathlib import Path


class StuckSmsBackend:
    def send(self, to: str, body: str) -> None:
        Path(os.environ["STUCK_MARKER"]).write_text(to)
        time.sleep(600)
