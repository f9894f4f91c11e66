#!/usr/bin/env python3
"""Prints the closing line CI reads, "N passed, N failed, N skipped", counted from the TRX files
of a test run, and exits non-zero on any failure, on fewer result files than test projects
expected, on a project that executed nothing or whose run did not complete (a crashed test
host), and on a skipped test whose name --allow-skips does not match (--no-skips: none may skip)."""
import argparse
import glob
import sys
import xml.etree.ElementTree as ET

NS = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}

parser = argparse.ArgumentParser()
parser.add_argument("results", help="folder of .trx files")
parser.add_argument("--expect", type=int, default=1, help="how many test projects must have reported")
parser.add_argument("--no-skips", action="store_true", help="a skipped test fails the run")
parser.add_argument("--allow-skips", default=None, help="a regular expression: skipped tests whose names match it are allowed")
args = parser.parse_args()

import re

passed = failed = skipped = 0
problems = []
files = sorted(glob.glob(args.results + "/*.trx"))
for path in files:
    root = ET.parse(path).getroot()
    summary = root.find("t:ResultSummary", NS)
    counters = summary.find("t:Counters", NS)
    passed += int(counters.get("passed"))
    failed += int(counters.get("failed")) + int(counters.get("error")) + int(counters.get("timeout"))
    skipped += int(counters.get("total")) - int(counters.get("executed"))
    if summary.get("outcome") not in ("Completed", "Failed"):
        problems.append(f"{path}: the run's outcome is {summary.get('outcome')}")
    if int(counters.get("executed")) == 0:
        problems.append(f"{path}: no test executed")
    if args.allow_skips is not None:
        for result in root.iterfind("t:Results/t:UnitTestResult", NS):
            if result.get("outcome") == "NotExecuted" and not re.search(args.allow_skips, result.get("testName", "")):
                problems.append(f"skipped and not allowed to be: {result.get('testName')}")

print(f"{passed} passed, {failed} failed, {skipped} skipped")
if len(files) < args.expect:
    problems.append(f"{len(files)} test projects reported, {args.expect} expected")
if passed == 0:
    problems.append("no test passed")
if args.no_skips and skipped:
    problems.append(f"{skipped} tests skipped, and this run must run every one")
for problem in problems:
    print(f"error: {problem}", file=sys.stderr)
sys.exit(1 if failed or problems else 0)
