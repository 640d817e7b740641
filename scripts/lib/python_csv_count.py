#!/usr/bin/env python3
"""What a Python user reaches for: csv.reader over the file, counting rows."""
import csv
import sys

with open(sys.argv[1], newline="", encoding="utf-8") as handle:
    count = sum(1 for _ in csv.reader(handle))
print(f"{count} records")
