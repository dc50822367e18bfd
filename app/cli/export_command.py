"""``productsnap export [JOB_ID... | --all | --last] --preset ID [--fix] [--out DIR] [--json]``

Writes finished results as a marketplace wants them (``app.checks.export``) and checks each
written file. Exit codes: 0 every exported file passes the check; 1 some file warns or fails, or
a job could not be exported; 2 usage error, or nothing to export.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TextIO

from app.checks.export import ExportError, ExportResult, export_folder, export_job
from app.checks.presets import AiPolicy, Preset, UnknownPresetError, get_preset
from app.checks.provenance import TRAINED_ALGORITHMIC_MEDIA, source_type_for
from app.core.config import Config
from app.core.job import Job, JobStatus
from app.core.store import JobStore, open_job_store

EXIT_USAGE = 2
WHICH = ("say which results to export: job ids (see `productsnap jobs`), --all or --last")


def run_export(config: Config, args: argparse.Namespace, *, stdout: TextIO | None = None,
               stderr: TextIO | None = None) -> int:
    out, err = stdout or sys.stdout, stderr or sys.stderr
    try:
        preset = get_preset(args.preset)
    except UnknownPresetError as error:
        print(f"productsnap: {error}", file=err)
        return EXIT_USAGE
    if args.job_ids and (args.all or args.last):
        print(f"productsnap: give job ids or {'--all' if args.all else '--last'}, not both",
              file=err)
        return EXIT_USAGE
    if not (args.job_ids or args.all or args.last):
        print(f"productsnap: {WHICH}.", file=err)
        return EXIT_USAGE
    store, notice = open_job_store(config.paths.ensure().database)
    if notice is not None:
        print(f"productsnap: {notice.message}", file=err)
    try:
        jobs = _chosen(store, args, err)
    finally:
        store.close()
    if not jobs:
        said = "no finished results" if (args.all or args.last) else "none of these jobs"
        print(f"productsnap: nothing to export: {said} can be exported.", file=err)
        return EXIT_USAGE
    return _export_all(config, jobs, preset, args, out, err)


def _chosen(store: JobStore, args: argparse.Namespace, err: TextIO) -> list[Job]:
    """The completed jobs asked for; an id that is unknown or not completed is said and
    skipped."""
    if args.all or args.last:
        done = store.all([JobStatus.COMPLETED])  # in the order they were added
        if args.last and done:
            batch = done[-1].batch_id
            done = [job for job in done if job.batch_id == batch]
        return done
    found = {job.id: job for job in store.many(list(dict.fromkeys(args.job_ids)))}
    chosen = []
    for job_id in dict.fromkeys(args.job_ids):
        job = found.get(job_id)
        if job is None:
            print(f"productsnap: there is no job {job_id!r} (see `productsnap jobs`); "
                  "skipped.", file=err)
        elif job.status is not JobStatus.COMPLETED:
            print(f"productsnap: job {job_id} ({job.name}) is {job.status.value}, not "
                  "completed; skipped.", file=err)
        else:
            chosen.append(job)
    return chosen


def _export_all(config: Config, jobs: list[Job], preset: Preset, args: argparse.Namespace,
                out: TextIO, err: TextIO) -> int:
    all_pass, exported = True, 0
    for n, job in enumerate(jobs, start=1):
        folder = Path(args.out).expanduser() if args.out else export_folder(
            Path(config.output_dir), preset, job)
        try:
            result = export_job(job, preset, folder, fix=args.fix, n=n)
        except ExportError as error:
            print(f"productsnap: job {job.id} ({job.name}) not exported: {error}", file=err)
            all_pass = False
            continue
        except OSError as error:  # the folder cannot take the file: said, and the next tried
            print(f"productsnap: job {job.id} ({job.name}) not exported: could not write to "
                  f"{folder}: {error.strerror or error}", file=err)
            all_pass = False
            continue
        exported += 1
        all_pass = all_pass and result.verdict == "pass"
        if args.json:
            print(json.dumps(result.as_record()), file=out, flush=True)
        else:
            print(_human_line(result), file=out, flush=True)
    if preset.ai_policy is AiPolicy.REAL_ITEM and any(
            source_type_for(job) == TRAINED_ALGORITHMIC_MEDIA for job in jobs):
        print(f"productsnap: note: {preset.note}", file=err)
    if exported == 0:
        print("productsnap: nothing was exported.", file=err)
    return 0 if all_pass and exported else 1


def _human_line(result: ExportResult) -> str:
    rendered = result.rendered
    line = f"{result.verdict:<4}  {result.output}  {rendered.size[0]}x{rendered.size[1]}"
    if rendered.upscaled:
        line += (f" (enlarged from {rendered.native_size[0]}x{rendered.native_size[1]}: "
                 "no more detail than that)")
    if rendered.fixes:
        line += "; fixed: " + ", ".join(rendered.fixes)
    for check in result.report.checks:  # what is wrong, in the check's own words
        if check.verdict != "pass":
            line += f"\n      {check.verdict}: {check.message}"
    return line
