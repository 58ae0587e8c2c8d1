#!/usr/bin/env python3
"""The typical user-written alternative the bench compares against: read every DICOM header
under a folder with pydicom (pixel data skipped) and write one JSON line per instance.
Usage: pydicom_headers.py CORPUS_DIR OUT.ndjson   -> prints "instances seconds inst/s"."""
import json
import os
import sys
import time

import pydicom

src, out = sys.argv[1], sys.argv[2]
files = sorted(os.path.join(d, f) for d, _, fs in os.walk(src) for f in fs)
start = time.perf_counter()
with open(out, "w") as w:
    for path in files:
        ds = pydicom.dcmread(path, stop_before_pixels=True)
        row = ds.to_json_dict()
        row["_file"] = path
        w.write(json.dumps(row))
        w.write("\n")
secs = time.perf_counter() - start
print(len(files), round(secs, 3), round(len(files) / secs, 1))
