"""One HTTP client for the tests' requests to the servers they start.

Each of httpx's module functions (`httpx.get`, `httpx.post`) makes a client for the one request, and with it
a TLS context that loads the CA bundle: ~28 ms of CPU on these machines, for plain http:// too. The fuzz run
and the polls for a starting server made thousands of them, minutes of CPU over the suite. This client keeps
httpx's defaults (a 5 s timeout, no redirects followed); the servers set no cookies for it to carry over.
"""

from __future__ import annotations

import httpx

HTTP = httpx.Client()
