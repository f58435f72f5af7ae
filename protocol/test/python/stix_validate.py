"""Validates STIX 2.1 objects with the OASIS stix2-validator, the tests' oracle for what STIX 2.1
allows: reads a JSON list of objects on stdin and prints, for each, whether the validator accepts it
and its error messages (warnings, which are advice, are left out).
"""
import json
import sys

from stix2validator import ValidationOptions, validate_instance


def main():
    objects = json.load(sys.stdin)
    options = ValidationOptions(version="2.1", strict=False)
    results = []
    for obj in objects:
        try:
            result = validate_instance(obj, options)
            errors = [str(e) for e in result.errors]
            results.append({"valid": result.is_valid, "errors": errors})
        except Exception as err:  # the validator itself refuses what it cannot read
            results.append({"valid": False, "errors": [f"{type(err).__name__}: {err}"]})
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()
