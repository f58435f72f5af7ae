"""Queries a TAXII 2.1 collection through the OASIS stix2 library's TAXIICollectionSource, as analysts'
tools built on it do, one query per STIX type given: every object of the collection of that type is
parsed by stix2, so one spec-invalid object makes the whole query raise. Prints the ids each query
returned as JSON; exits non-zero with the error when a query raises.

usage: stix2_source_check.py DISCOVERY_URL CA_FILE COLLECTION_TITLE TYPE [TYPE ...]
The credentials come from the environment (TAXII_USER and TAXII_PASSWORD), never the command line.
"""
import json
import os
import sys

from stix2 import Filter, TAXIICollectionSource
from taxii2client.v21 import Server


def main():
    url, ca_file, title, types = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
    server = Server(url, verify=ca_file, user=os.environ["TAXII_USER"], password=os.environ["TAXII_PASSWORD"])
    collection = {c.title: c for c in server.api_roots[0].collections}[title]
    source = TAXIICollectionSource(collection)
    found = {}
    for stix_type in types:
        found[stix_type] = sorted(o["id"] for o in source.query([Filter("type", "=", stix_type)]))
    print(json.dumps(found))


if __name__ == "__main__":
    main()
