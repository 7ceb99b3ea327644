"""Who this scheduler process is (the owner of its delivery leases)."""

from __future__ import annotations

import os
import socket
import uuid
from functools import cache


@cache
def owner_id() -> str:
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
