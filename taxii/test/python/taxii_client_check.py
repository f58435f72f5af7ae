"""Drives a TAXII 2.1 server with the OASIS taxii2-client, as a bank's tools would, and prints what it
saw as JSON: the collections, every object id paged through with as_pages, an object's versions and
manifest, and the final status of a posted envelope.

usage: taxii_client_check.py DISCOVERY_URL CA_FILE ENVELOPE_FILE PER_REQUEST
The credentials come from the environment (TAXII_USER and TAXII_PASSWORD), never the command line.
"""
import json
import os
import sys

from taxii2client.v21 import Server, as_pages


def main():
    url, ca_file, envelope_file, per_request = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    auth = {"user": os.environ["TAXII_USER"], "password": os.environ["TAXII_PASSWORD"]}
    server = Server(url, verify=ca_file, **auth)
    root = server.api_roots[0]
    collections = {c.title: c for c in root.collections}
    shared = collections["shared"]

    ids = []
    pages = 0
    for envelope in as_pages(shared.get_objects, per_request=per_request):
        pages += 1
        ids.extend(o["id"] for o in envelope.get("objects", []))

    first = ids[0]
    versions = shared.object_versions(first).get("versions", [])
    by_id = shared.get_object(first).get("objects", [])
    manifest = shared.get_manifest(limit=per_request)

    with open(envelope_file, "r", encoding="utf-8") as f:
        envelope = json.load(f)
    status = shared.add_objects(envelope, wait_for_completion=True, poll_interval=0.2, timeout=120)

    own = collections["own"]
    print(json.dumps({
        "title": server.title,
        "max_content_length": root.max_content_length,
        "collections": sorted((c.title, c.can_read, c.can_write) for c in root.collections),
        "ids": ids,
        "pages": pages,
        "versions": versions,
        "by_id": [o["id"] for o in by_id],
        "manifest": manifest.get("objects", []),
        "status": {
            "status": status.status,
            "total_count": status.total_count,
            "success_count": status.success_count,
            "failure_count": status.failure_count,
            "failures": status.failures,
        },
        "own_can_write": own.can_write,
    }))


if __name__ == "__main__":
    main()
