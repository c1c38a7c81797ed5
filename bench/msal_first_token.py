"""MSAL for Python's first token (client credentials), timed from a new app to the token.

Run by benches/first_token.rs with fakecloud's address; prints one JSON line of timings.
"""
import json
import os
import sys
import time

import msal

authority, ca, client_id, secret, runs = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
os.environ.pop("REQUESTS_CA_BUNDLE", None)
os.environ.pop("CURL_CA_BUNDLE", None)
times = []
for _ in range(runs):
    start = time.perf_counter()
    app = msal.ConfidentialClientApplication(client_id, client_credential=secret, authority=authority,
                                             instance_discovery=False, verify=ca,
                                             token_cache=msal.TokenCache())
    result = app.acquire_token_for_client(["https://analysis.windows.net/powerbi/api/.default"])
    times.append((time.perf_counter() - start) * 1000)
    assert "access_token" in result, result
print(json.dumps({"ms": times}))
