"""Reusable spreadsheet import: check the upload → stream rows → match headers → validate → commit.

`files.check_upload` refuses what is not a safe spreadsheet; `reading.open_rows` streams rows of
.xlsx/.xls/.csv without holding the workbook in Python memory; `values` holds the pure cell parsers;
`headers.locate_header` finds the header row under title rows. An app describes its columns and
validates one row at a time (see members/imports.py).
"""
