"""Reusable spreadsheet import: check the upload → stream rows → map columns → validate → preview → commit.

`files.check_upload` refuses what is not a safe spreadsheet; `reading.open_rows` streams rows of
.xlsx/.csv without holding the workbook in Python memory and `reading.locate_header` finds the
header row under title rows; `mapping` decides which field each column is (own label before
alias, values checked, the user's choices; `reading.read_columns`/`open_mapped` apply it);
`values` holds the pure cell parsers; `jobs` runs an import job (the
stored upload, the preview and commit passes in the background, progress) and `rejected` writes
the downloadable file of rejected rows. An app describes its columns, validates one row at a time
and writes the valid ones, then registers its two passes with `jobs.register` (see members/imports/).
"""
