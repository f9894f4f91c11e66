#!/usr/bin/env python3
"""Prints the closing line CI reads, "N passed, N failed, N skipped", counted from the TRX files
of a test run, and exits non-zero on any failure, on fewer result files than test projects
expected, on a run that executed nothing, and (with --no-skips) on any skipped test."""
import argparse
import glob
import sys
import xml.etree.ElementTree as ET

NS = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}

parser = argparse.ArgumentParser()
parser.add_argument("results", help="folder of .trx files")
parser.add_argument("--expect", type=int, default=1, help="how many test projects must have reported")
parser.add_argument("--no-skips", action="store_true", help="a skipped test fails the run")
args = parser.parse_args()

passed = failed = skipped = 0
files = sorted(glob.glob(args.results + "/*.trx"))
for path in files:
    counters = ET.parse(path).getroot().find("t:ResultSummary/t:Counters", NS)
    passed += int(counters.get("passed"))
    failed += int(counters.get("failed")) + int(counters.get("error")) + int(counters.get("timeout"))
    skipped += int(counters.get("total")) - int(counters.get("executed"))

print(f"{passed} passed, {failed} failed, {skipped} skipped")
problems = []
if len(files) < args.expect:
    problems.append(f"{len(files)} test projects reported, {args.expect} expected")
if passed == 0:
    problems.append("no test passed")
if args.no_skips and skipped:
    problems.append(f"{skipped} tests skipped, and this run must run every one")
for problem in problems:
    print(f"error: {problem}", file=sys.stderr)
sys.exit(1 if failed or problems else 0)
