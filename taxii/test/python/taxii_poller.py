"""Polls a TAXII 2.1 collection the way MISP's and OpenCTI's connectors do, with the OASIS taxii2-client:
each round asks for objects added after the last `X-TAXII-Date-Added-Last` it received, follows
`next` while `more`, and remembers the newest date_added. Connection failures (a restarted server)
are retried. Once STOP_FILE exists, one more whole round runs and the poller prints what it received
as JSON: every (id, version) in delivery order, the rounds, pages and failures.

usage: taxii_poller.py DISCOVERY_URL CA_FILE COLLECTION_TITLE STOP_FILE PER_REQUEST
The credentials come from the environment (TAXII_USER and TAXII_PASSWORD), never the command line.
"""
import json
import os
import sys
import time

import requests
from taxii2client.v21 import Server

INTERVAL_S = 0.25


def main():
    url, ca_file, title, stop_file, per_request = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
    auth = {"user": os.environ["TAXII_USER"], "password": os.environ["TAXII_PASSWORD"]}
    collection = None
    headers = {}
    received, rounds, pages, failures = [], 0, 0, 0
    last = None
    while True:
        final = os.path.exists(stop_file)
        try:
            if collection is None:
                server = Server(url, verify=ca_file, **auth)
                collection = {c.title: c for c in server.api_roots[0].collections}[title]
                collection._conn.session.hooks["response"].append(lambda r, *a, **k: headers.update({"last": r.headers.get("X-TAXII-Date-Added-Last")}))
            query = {"added_after": last} if last else {}
            envelope = None
            newest = last
            while envelope is None or envelope.get("more", False):
                headers["last"] = None
                paging = {"next": envelope["next"]} if envelope is not None else {}
                envelope = collection.get_objects(limit=per_request, **query, **paging)
                pages += 1
                received.extend([o["id"], o.get("modified", "")] for o in envelope.get("objects", []))
                if headers["last"]:
                    newest = headers["last"]
            last = newest
            rounds += 1
            print(f"round {rounds}: {len(received)} received", file=sys.stderr, flush=True)
        except (requests.ConnectionError, requests.HTTPError) as err:
            failures += 1
            print(f"retrying after: {type(err).__name__}", file=sys.stderr, flush=True)
            collection = None
            time.sleep(INTERVAL_S)
            continue
        if final:
            break
        time.sleep(INTERVAL_S)
    print(json.dumps({"received": received, "rounds": rounds, "pages": pages, "failures": failures, "last": last}))


if __name__ == "__main__":
    main()
